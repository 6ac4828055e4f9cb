// Command tmpcheck runs a command with a temp directory of its own and
// fails when the command leaves anything in it: `make test` and .ci/run run
// the test suite under it, so that a test, the app, the jsii runtime or the
// node kernel leaving a folder behind is a failure, not a slow leak.
//
//	go run ./tools/tmpcheck -- go test ./... ./__tests__/
//
// The exit code is the command's when it fails, else 1 when it left
// something, else 0. The directory is removed either way.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"sort"
	"syscall"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: tmpcheck -- command [args...]")
		return 2
	}
	tmp, err := os.MkdirTemp("", "tmpcheck-")
	if err != nil {
		fmt.Fprintln(stderr, "tmpcheck:", err)
		return 2
	}
	defer os.RemoveAll(tmp)

	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, stdout, stderr
	// An interrupt or SIGTERM goes to the command, and tmpcheck waits for
	// it to clean up and exit before it checks and removes the directory
	// (dying at once would leave the directory behind).
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	code := 0
	err = cmd.Start()
	if err == nil {
		done := make(chan struct{})
		go func() {
			for {
				select {
				case s := <-sigs:
					cmd.Process.Signal(s)
				case <-done:
					return
				}
			}
		}()
		err = cmd.Wait()
		close(done)
	}
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) {
			fmt.Fprintln(stderr, "tmpcheck:", err)
			return 2
		}
		code = exit.ExitCode()
	}
	left, err := leftovers(tmp)
	if err != nil {
		fmt.Fprintln(stderr, "tmpcheck:", err)
		return 2
	}
	if len(left) > 0 {
		fmt.Fprintf(stderr, "tmpcheck: %s left %d entries in its temp directory:\n", args[0], len(left))
		for _, l := range left {
			fmt.Fprintln(stderr, "  "+l)
		}
		if code == 0 {
			code = 1
		}
	}
	return code
}

// leftovers lists what is in dir.
func leftovers(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}
