package tests

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The app's edges, second round (issue 25): what SIGKILL leaves, waiting
// for another synth, the output folder's odd shapes, HCL whatever the
// environment holds.

// TestWhatSIGKILLLeavesIsSweptByTheNextRun kills the app (SIGKILL, which
// no program can handle) while its kernel works: its private temp folder
// and its kernel outlive it, and the next run stops that kernel, removes
// the folder and writes a good output.
func TestWhatSIGKILLLeavesIsSweptByTheNextRun(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	dir := projectDir(t, e2eEnvironments)
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	before := treeSums(t, dir)
	tmp := t.TempDir()
	p := startApp(t, dir, tmp)
	time.Sleep(200 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGKILL)
	p.wait()
	left := entries(t, tmp)
	if len(left) == 0 {
		t.Fatalf("SIGKILL left nothing in the temp directory; the test does not reach what it tests")
	}
	for _, name := range left {
		if !strings.HasPrefix(name, "cdktf-kms-run-") {
			t.Errorf("SIGKILL left %s in the temp directory: not findable as the app's (cdktf-kms-run-*)", name)
		}
	}
	for _, d := range sameTree(before, treeSums(t, dir)) {
		// The killed synth's staging folder stays beside the output folder
		// until the next run; nothing else may change.
		if !strings.HasPrefix(d, ".cdktf.out.synth-") {
			t.Errorf("the project folder changed although the app was killed before it installed: %s", d)
		}
	}
	next := runWith(t, dir, []string{"TMPDIR=" + tmp}, builtApp(t))
	if next.code != 0 {
		t.Fatalf("the next run exited %d:\n%s", next.code, next.stderr)
	}
	if left := entries(t, tmp); len(left) != 0 {
		t.Errorf("after the next run the temp directory still holds %v", left)
	}
	if p.kernelRuns() {
		t.Errorf("the killed app's kernel (pid %d) still runs after the next run", p.kernel)
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("the next run's output differs from the same synth before: %v", diffs)
	}
}

// TestWaitingForAnotherSynthSaysSoAndStopsOnCtrlC holds the lock another
// synth into the same output folder would hold: the app says what it
// waits for, stops on Ctrl-C while it waits (writing nothing), and goes on
// when the lock is released.
func TestWaitingForAnotherSynthSaysSoAndStopsOnCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	dir := projectDir(t, devOnly)
	lock, err := os.Open(dir) // a synth into dir/cdktf.out locks dir
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	const says = "waiting for another synth into cdktf.out to finish"
	waitFor := func(p *appProcess) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); !strings.Contains(p.stderr.String(), says); time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the app does not say %q within a minute:\n%s", says, p.stderr.String())
			}
		}
	}
	before := treeSums(t, dir)
	tmp := t.TempDir()
	p := startAppNoWait(t, dir, tmp, nil)
	waitFor(p)
	p.cmd.Process.Signal(syscall.SIGINT)
	if code := p.wait(); code != 130 || !strings.Contains(p.stderr.String(), "interrupted (interrupt): nothing was written") {
		t.Errorf("Ctrl-C while waiting: exit %d, stderr:\n%s", code, p.stderr.String())
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("the project folder changed: %v", diffs)
	}
	if left := entries(t, tmp); len(left) != 0 {
		t.Errorf("left in the temp directory: %v", left)
	}

	p = startAppNoWait(t, dir, t.TempDir(), nil)
	waitFor(p)
	syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if code := p.wait(); code != 0 {
		t.Errorf("after the lock was released: exit %d, stderr:\n%s", code, p.stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out", "stacks", "kms-dev", "cdk.tf.json")); err != nil {
		t.Errorf("nothing was synthesized after the wait: %v", err)
	}
}

// TestOutputFoldersOfEveryShape: an output folder that is a symbolic link
// (to a folder on another file system where the machine has one) is
// written through, with nothing left beside the link or its target; a
// dangling link, a file and a read-only place are refused with the cause
// and what to do, and change nothing.
func TestOutputFoldersOfEveryShape(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	t.Run("a symbolic link to a folder on another file system", func(t *testing.T) {
		dir := projectDir(t, devOnly)
		target := filepath.Join(otherFileSystem(t, dir), "out")
		if err := os.Mkdir(target, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, "cdktf.out")); err != nil {
			t.Fatal(err)
		}
		for range 2 { // the second run replaces the first's output
			if res := run(t, dir, builtApp(t)); res.code != 0 {
				t.Fatalf("exit %d:\n%s", res.code, res.stderr)
			}
		}
		if _, err := os.Stat(filepath.Join(target, "stacks", "kms-dev", "cdk.tf.json")); err != nil {
			t.Errorf("the stack was not written through the link: %v", err)
		}
		if got := entries(t, filepath.Dir(target)); len(got) != 1 {
			t.Errorf("beside the link's target: %v, want only out", got)
		}
		for _, name := range entries(t, dir) {
			if strings.Contains(name, "synth") {
				t.Errorf("left beside the link: %s", name)
			}
		}
	})
	for _, c := range []struct {
		name  string
		make  func(t *testing.T, dir string)
		says  []string
		code  int
		nosum bool
	}{
		{name: "a dangling symbolic link", code: 2,
			make: func(t *testing.T, dir string) {
				if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "cdktf.out")); err != nil {
					t.Fatal(err)
				}
			},
			says: []string{"output folder cdktf.out is a symbolic link to", "which does not exist", "make that folder, or remove the link"}},
		{name: "a file", code: 2,
			make: func(t *testing.T, dir string) { writeFiles(t, dir, map[string]string{"cdktf.out": "notes"}) },
			says: []string{"output folder cdktf.out is a file, not a folder"}},
		{name: "a manifest naming a stack with a NUL byte", code: 2,
			make: func(t *testing.T, dir string) {
				writeFiles(t, dir, map[string]string{"cdktf.out/manifest.json": `{"version": "0.20.11", "stacks": {"a\u0000b": {"synthesizedStackPath": "stacks/a\u0000b/cdk.tf.json"}}}`})
			},
			says: []string{"manifest.json", "holds a control character", "nothing was written", "move the output folder away"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := projectDir(t, devOnly)
			c.make(t, dir)
			before := treeSums(t, dir)
			res := run(t, dir, builtApp(t))
			if res.code != c.code {
				t.Errorf("exit %d, want %d:\n%s", res.code, c.code, res.stderr)
			}
			for _, want := range c.says {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
				}
			}
			if strings.Contains(res.stderr, "goroutine ") {
				t.Errorf("a Go trace:\n%s", res.stderr)
			}
			if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
				t.Errorf("the project folder changed: %v", diffs)
			}
		})
	}
	t.Run("a read-only folder that holds it", func(t *testing.T) {
		if os.Geteuid() != 0 || exec.Command("unshare", "-m", "true").Run() != nil {
			if os.Getenv("CI") != "" {
				t.Fatal("CI must run as root with unshare (a private mount namespace) for this test")
			}
			t.Skip("needs root and unshare -m for a read-only bind mount")
		}
		dir := projectDir(t, devOnly)
		if err := os.Mkdir(filepath.Join(dir, "ro"), 0o755); err != nil {
			t.Fatal(err)
		}
		script := `set -eu
mount --bind ro ro
mount -o remount,bind,ro ro
CDKTF_OUTDIR=ro/cdktf.out "$APP" && echo "exit=0" || echo "exit=$?"`
		res := runWith(t, dir, []string{"APP=" + builtApp(t)}, "unshare", "-m", "sh", "-c", script)
		if !strings.Contains(res.stdout, "exit=2") {
			t.Errorf("want exit 2:\n%s\n%s", res.stdout, res.stderr)
		}
		for _, want := range []string{"output folder ro/cdktf.out", "read-only file system", "choose an output folder elsewhere"} {
			if !strings.Contains(res.stderr, want) {
				t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
			}
		}
	})
}

// TestAnInstallThatFailsPartWayPutsEverythingBack: a stack folder that
// cannot be written (a read-only bind mount) makes the move of its file
// fail after the other stacks' files were moved in; the app puts them
// back, says why, and the next synth, with the folder writable again,
// installs the new output.
func TestAnInstallThatFailsPartWayPutsEverythingBack(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	if os.Geteuid() != 0 || exec.Command("unshare", "-m", "true").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run as root with unshare (a private mount namespace) for this test")
		}
		t.Skip("needs root and unshare -m for a read-only bind mount")
	}
	t.Parallel()
	// kms-dev sorts before kms-gov: its file moves in before the move into
	// the read-only kms-gov fails; kms-new is a stack the synth adds.
	dir := projectDir(t, e2eEnvironments)
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	before := treeSums(t, dir)
	changed := strings.ReplaceAll(e2eEnvironments, `"name_prefix": "dev"`, `"name_prefix": "dev", "tags": {"Team": "a"}`)
	changed = strings.ReplaceAll(changed, `"name_prefix": "gov"`, `"name_prefix": "gov", "tags": {"Team": "b"}`)
	changed = strings.Replace(changed, `"dev":`, `"new": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "new"}, "dev":`, 1)
	cfg := filepath.Join(dir, "cdktf.json")
	orig, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeConfig(t, dir, changed)
	script := `set -eu
gov=cdktf.out/stacks/kms-gov
mount --bind "$gov" "$gov"
mount -o remount,bind,ro "$gov"
"$APP" && echo "exit=0" || echo "exit=$?"`
	res := runWith(t, dir, []string{"APP=" + builtApp(t)}, "unshare", "-m", "sh", "-c", script)
	if !strings.Contains(res.stdout, "exit=2") {
		t.Fatalf("want exit 2:\n%s\n%s", res.stdout, res.stderr)
	}
	for _, want := range []string{"kms-gov", "read-only file system", "every file moved so far was put back, so cdktf.out is as it was"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
		}
	}
	if err := os.WriteFile(cfg, orig, 0o644); err != nil { // the tree compared holds cdktf.json
		t.Fatal(err)
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("after the failed install the project folder is not as it was: %v", diffs)
	}
	writeConfig(t, dir, changed)
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("the next synth exited %d:\n%s", res.code, res.stderr)
	}
	if !strings.Contains(string(readStack(t, dir, "kms-gov")["resource"].(map[string]any)["aws_kms_key"].(map[string]any)["general_encryption_key"].(map[string]any)["tags"].(map[string]any)["Team"].(string)), "b") {
		t.Errorf("the next synth did not install the new output")
	}
}

// otherFileSystem returns a new folder on a file system other than dir's
// (/dev/shm where the machine has it), or a new folder beside dir.
func otherFileSystem(t *testing.T, dir string) string {
	t.Helper()
	var here, there syscall.Stat_t
	if syscall.Stat(dir, &here) == nil && syscall.Stat("/dev/shm", &there) == nil && here.Dev != there.Dev {
		d, err := os.MkdirTemp("/dev/shm", "cdktf-kms-test-")
		if err == nil {
			t.Cleanup(func() { os.RemoveAll(d) })
			return d
		}
	}
	t.Logf("no other file system here: the link points at a folder of this one")
	return t.TempDir()
}

// TestHCLWhateverTheEnvironmentHolds: -hcl writes HCL in one run whatever
// SYNTH_HCL_OUTPUT holds (set but empty made the app re-run itself without
// end), and SYNTH_HCL_OUTPUT=1, which cdktf's stacks read as HCL, gives HCL
// files named as such.
func TestHCLWhateverTheEnvironmentHolds(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	for _, c := range []struct {
		env  []string
		args []string
	}{
		{[]string{"SYNTH_HCL_OUTPUT="}, []string{"-hcl"}},
		{[]string{"SYNTH_HCL_OUTPUT=false"}, []string{"-hcl"}},
		{[]string{"SYNTH_HCL_OUTPUT=1"}, nil},
	} {
		t.Run(strings.Join(append(c.env, c.args...), " "), func(t *testing.T) {
			dir := projectDir(t, devOnly)
			p := startAppNoWait(t, dir, t.TempDir(), c.env, c.args...)
			done := make(chan int, 1)
			go func() { done <- p.wait() }()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("exit %d:\n%s", code, p.stderr.String())
				}
			case <-time.After(90 * time.Second):
				t.Fatalf("the app runs on after 90 s (a synth takes a few):\n%s", p.stderr.String())
			}
			raw, err := os.ReadFile(filepath.Join(dir, "cdktf.out", "stacks", "kms-dev", "cdk.tf"))
			if err != nil || !bytes.Contains(raw, []byte(`resource "aws_kms_key" "general_encryption_key"`)) {
				t.Errorf("no HCL in cdk.tf: %v\n%s", err, raw)
			}
		})
	}
}

// TestCtrlCDuringTheAccessReportSaysInterrupted: the report's synth fails
// because the interrupt stopped its kernel; the message is the interrupt,
// not a failed synth.
func TestCtrlCDuringTheAccessReportSaysInterrupted(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	dir := projectDir(t, e2eEnvironments)
	tmp := t.TempDir()
	p := startApp(t, dir, tmp, "-access")
	time.Sleep(300 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGINT)
	code := p.wait()
	stderr := p.stderr.String()
	if code != 130 || strings.TrimSpace(stderr) != "error: -access: interrupted (interrupt)" {
		t.Errorf("exit %d (want 130), stderr (want only the interrupt):\n%s", code, stderr)
	}
	if left := entries(t, tmp); len(left) != 0 {
		t.Errorf("left in the temp directory: %v", left)
	}
	if p.kernelRuns() {
		t.Errorf("the kernel still runs")
	}
}
