//go:build e2e

// Package deploy holds the end-to-end deployment tests of cdktf-kms: every
// stack the project ships or documents (the shipped environments,
// examples/environments, the all-features environment, the composition
// app), randomly generated environments, the cdktf CLI's deploy, diff and
// destroy, and the migration from the original HCL module are deployed
// with the real terraform and the real AWS provider to moto_server, an AWS
// API emulator the tests start and stop. Each stack goes through the steps
// of the provider's acceptance tests: init, validate, plan, apply, a second
// plan that must show no changes, a read-back of every key through the AWS
// SDK compared with what was synthesized, and destroy (refused where the
// stack sets prevent_destroy).
//
// The tests need terraform, moto_server and the AWS provider 6.47.1 built by
// .ci/build-provider.sh. Run them with
//
//	make e2e
//
// which builds or reuses the provider and runs
// `go test -tags e2e ./__tests__/deploy/` under tmpcheck. Outside CI a
// missing tool skips the tests with the reason; with CI set it fails them.
// To deploy environments of your own, set CDKTF_KMS_E2E_ENVIRONMENTS to a
// cdktf.json environments object (or @file) and run TestGivenEnvironments.
package deploy

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

// interrupted is cancelled when the test binary gets SIGINT or SIGTERM:
// every terraform and cdktf process runs under a context derived from it,
// so an interrupt stops them (terraform gets SIGINT and time to stop its
// providers), the tests fail, and their cleanups stop the emulators.
var interrupted context.Context

func TestMain(m *testing.M) { os.Exit(runTests(m)) }

func runTests(m *testing.M) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	interrupted = ctx
	// Orphans of the processes the tests start (a provider whose terraform
	// was killed) become children of this process, so that the check below
	// sees everything left behind.
	if _, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); errno != 0 {
		fmt.Fprintf(os.Stderr, "deploy: PR_SET_CHILD_SUBREAPER: %v\n", errno)
	}
	// A private temp directory for the package (the app binaries, the
	// projects, the emulators' logs), removed at the end, and the jsii
	// runtime of the in-process synth closed.
	code := synth.RunTests(m)
	if left := leftoverProcesses(10 * time.Second); len(left) > 0 {
		fmt.Fprintf(os.Stderr, "deploy: the tests left %d processes running (now killed):\n  %s\n", len(left), strings.Join(left, "\n  "))
		if code == 0 {
			code = 1
		}
	}
	return code
}

// prSetChildSubreaper is PR_SET_CHILD_SUBREAPER of prctl(2).
const prSetChildSubreaper = 36

// leftoverProcesses waits up to grace for this process's children to exit,
// then kills those still running and describes them.
func leftoverProcesses(grace time.Duration) []string {
	deadline := time.Now().Add(grace)
	for {
		left := children()
		if len(left) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			var out []string
			for pid, cmd := range left {
				_ = syscall.Kill(pid, syscall.SIGKILL)
				out = append(out, fmt.Sprintf("%d %s", pid, cmd))
			}
			return out
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// children returns the live (not zombie) child processes of this process,
// with their command lines, from /proc.
func children() map[int]string {
	out := map[int]string{}
	self := os.Getpid()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, path := range stats {
		raw, err := os.ReadFile(path)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		s := string(raw)
		i := strings.LastIndexByte(s, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(s[i+1:])
		if len(fields) < 2 || fields[0] == "Z" {
			continue
		}
		if ppid, _ := strconv.Atoi(fields[1]); ppid != self {
			continue
		}
		pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(path)))
		cmdline, _ := os.ReadFile(filepath.Join(filepath.Dir(path), "cmdline"))
		out[pid] = strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))
	}
	return out
}
