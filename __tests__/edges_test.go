package tests

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/cdktf-kms/cdktf-kms/internal/procs"
)

// The app's own edges: what it writes, removes and says, whatever happens
// (issue 20). Each test runs the built app binary in a project folder of
// its own, with a private TMPDIR (see run), so that what the app leaves
// there is seen.

// treeSums returns the SHA-256 of every file under dir, by relative path,
// "dir" for every folder and the target of every symbolic link.
func treeSums(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			out[rel] = "dir"
			return nil
		}
		if d.Type()&os.ModeSymlink != 0 {
			target, err := os.Readlink(p)
			out[rel] = "link to " + target
			return err
		}
		b, err := os.ReadFile(p)
		sum := sha256.Sum256(b)
		out[rel] = hex.EncodeToString(sum[:])
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(a, b map[string]string) []string {
	var diffs []string
	for k, v := range a {
		if b[k] != v {
			diffs = append(diffs, k)
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			diffs = append(diffs, k+" (new)")
		}
	}
	sort.Strings(diffs)
	return diffs
}

// writeFiles creates files under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const devOnly = `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"}}`

// TestAppRefusesAnOutputFolderItDidNotMake: CDKTF_OUTDIR=. in a project
// folder (with tracked files under stacks/) and a folder with a stranger
// beside an earlier synth are refused, and nothing in them changes.
func TestAppRefusesAnOutputFolderItDidNotMake(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	dir := projectDir(t, devOnly)
	writeFiles(t, dir, map[string]string{
		"go.mod":                        "module example\n",
		"stacks/testdata/fuzz/corpus/x": "tracked",
		"stacks/config.go":              "package stacks\n",
	})
	before := treeSums(t, dir)
	res := runWith(t, dir, []string{"CDKTF_OUTDIR=."}, builtApp(t))
	if res.code != 2 || !strings.Contains(res.stderr, "output folder . holds files that no synth wrote") || !strings.Contains(res.stderr, "go.mod") {
		t.Errorf("CDKTF_OUTDIR=.: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("the project folder changed: %v", diffs)
	}

	// A stranger in an earlier synth's output folder.
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	writeFiles(t, dir, map[string]string{"cdktf.out/stacks/notes/todo.txt": "mine"})
	before = treeSums(t, dir)
	res = run(t, dir, builtApp(t))
	if res.code != 2 || !strings.Contains(res.stderr, filepath.Join("stacks", "notes", "todo.txt")) {
		t.Errorf("a stranger in cdktf.out: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("the project folder changed: %v", diffs)
	}
}

// TestAppNeverTouchesState: local state in the project folder and state or
// terraform's files in a stack's folder survive a synth; removing the
// environment of a stack whose folder holds state is refused.
func TestAppNeverTouchesState(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	two := `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev"},
	         "old": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "old"}}`
	dir := projectDir(t, two)
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	state := map[string]string{
		"terraform.kms-dev.tfstate":                             `{"version": 4, "serial": 7}`,
		"cdktf.out/stacks/kms-dev/terraform.tfstate":            `{"version": 4}`,
		"cdktf.out/stacks/kms-dev/.terraform.lock.hcl":          "# lock",
		"cdktf.out/stacks/kms-dev/.terraform/terraform.tfstate": `{"backend": {}}`,
		"cdktf.out/stacks/kms-old/terraform.tfstate.backup":     `{"version": 4}`,
	}
	writeFiles(t, dir, state)
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	for name, content := range state {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != content {
			t.Errorf("%s changed or went away: %q, %v", name, got, err)
		}
	}

	writeConfig(t, dir, devOnly)
	before := treeSums(t, dir)
	res := run(t, dir, builtApp(t))
	if res.code != 2 || !strings.Contains(res.stderr, "stack kms-old is no longer synthesized, but its folder holds Terraform state") {
		t.Errorf("dropping a stack with state: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("the project folder changed: %v", diffs)
	}
}

// TestFullDiskKeepsThePreviousOutput puts the output folder on a small
// tmpfs that is full (a private mount namespace, so nothing outlives the
// test), runs the app and checks that it fails with a clear error and that
// the previous output is byte for byte as it was, with nothing left beside
// it. It needs root (mount); CI runs as root.
func TestFullDiskKeepsThePreviousOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	if os.Geteuid() != 0 || exec.Command("unshare", "-m", "true").Run() != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must run as root with unshare (a private mount namespace) for this test")
		}
		t.Skip("needs root and unshare -m to mount a full tmpfs")
	}
	t.Parallel()
	dir := projectDir(t, devOnly)
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	good := treeSums(t, filepath.Join(dir, "cdktf.out"))
	mnt := filepath.Join(dir, "disk")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	// In the namespace: mount, copy the good output, fill the disk, run
	// the app, then list what is on the disk with checksums.
	script := `set -u
mount -t tmpfs -o size=512k tmpfs "$MNT"
cp -r cdktf.out "$MNT/cdktf.out"
dd if=/dev/zero of="$MNT/fill" bs=4k >/dev/null 2>&1
CDKTF_OUTDIR="$MNT/cdktf.out" "$APP" 2>"$MNT/../app.stderr"
echo "exit=$?"
rm -f "$MNT/fill"
cd "$MNT" && find . -type f | sort | xargs sha256sum
ls -A "$MNT"`
	res := runWith(t, dir, []string{"MNT=" + mnt, "APP=" + builtApp(t)}, "unshare", "-m", "sh", "-c", script)
	stderr, _ := os.ReadFile(filepath.Join(dir, "app.stderr"))
	if !strings.Contains(res.stdout, "exit=2") {
		t.Fatalf("the app on a full disk did not fail (exit 2):\n%s\nstderr:\n%s\n%s", res.stdout, stderr, res.stderr)
	}
	if !strings.Contains(string(stderr), "nothing was written") || !strings.Contains(string(stderr), "ENOSPC") {
		t.Errorf("the error does not say the disk is full and nothing was written:\n%s", stderr)
	}
	if strings.Contains(string(stderr), "goroutine ") || strings.Contains(string(stderr), "panic:") {
		t.Errorf("stderr holds a Go panic trace:\n%s", stderr)
	}
	for rel, sum := range good {
		if sum == "dir" {
			continue
		}
		line := sum + "  ./cdktf.out/" + filepath.ToSlash(rel)
		if !strings.Contains(res.stdout, line) {
			t.Errorf("%s is not as it was after the failed synth:\n%s", rel, res.stdout)
		}
	}
	lines := strings.Split(strings.TrimSpace(res.stdout), "\n")
	if last := lines[len(lines)-1]; last != "cdktf.out" {
		t.Errorf("the disk holds more than the output folder afterwards (a staging folder left?):\n%s", res.stdout)
	}
}

// TestInterruptLeavesNothingAndKeepsTheOutput sends SIGINT and SIGTERM to
// the app while its jsii kernel works: the app exits with 130 and 143,
// leaves nothing in its temp directory or beside the output folder, no
// kernel process runs on, and the previous output is as it was.
func TestInterruptLeavesNothingAndKeepsTheOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	// Every signal that ends a Go program by default and can be handled: a
	// closed terminal (SIGHUP), SIGQUIT and SIGABRT (which would dump the
	// goroutines) as Ctrl-C and SIGTERM.
	for _, c := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGINT, 130}, {syscall.SIGTERM, 143}, {syscall.SIGHUP, 129}, {syscall.SIGQUIT, 131}, {syscall.SIGABRT, 134}} {
		t.Run(c.sig.String(), func(t *testing.T) {
			dir := projectDir(t, e2eEnvironments)
			if res := run(t, dir, builtApp(t)); res.code != 0 {
				t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
			}
			before := treeSums(t, dir)
			tmp := t.TempDir()
			p := startApp(t, dir, tmp)
			// Let the kernel work a moment.
			time.Sleep(300 * time.Millisecond)
			p.cmd.Process.Signal(c.sig)
			code := p.wait()
			stderr := p.stderr.String()
			if code != c.code || !strings.Contains(stderr, "nothing was written; cdktf.out is as it was") {
				t.Errorf("exit %d (want %d), stderr:\n%s", code, c.code, stderr)
			}
			if strings.Contains(stderr, "Runtime process exited abnormally") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("stderr holds the runtime's noise or a panic trace:\n%s", stderr)
			}
			if left := entries(t, tmp); len(left) != 0 {
				t.Errorf("left in the temp directory: %v", left)
			}
			if p.kernelRuns() {
				t.Errorf("the jsii kernel (pid %d) still runs", p.kernel)
			}
			if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
				t.Errorf("the project folder changed: %v", diffs)
			}
		})
	}
}

// appProcess is a run of the app binary that a test started and signals.
type appProcess struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	kernel int // the pid of its jsii kernel
	done   chan struct{}
	code   int
}

// startApp starts the app binary in dir with a private TMPDIR and waits
// until its jsii kernel (a node child running the runtime's program) runs.
func startApp(t *testing.T, dir, tmp string, args ...string) *appProcess {
	t.Helper()
	p := startAppNoWait(t, dir, tmp, nil, args...)
	deadline := time.Now().Add(60 * time.Second)
	for p.kernel == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		if kids := procs.ChildrenNaming(p.cmd.Process.Pid, "jsii-runtime"); len(kids) > 0 {
			p.kernel = kids[0]
		}
	}
	if p.kernel == 0 {
		p.cmd.Process.Kill()
		p.wait()
		t.Fatalf("the app started no jsii kernel within a minute:\n%s", p.stderr.String())
	}
	return p
}

// startAppNoWait starts the app binary and returns at once.
func startAppNoWait(t *testing.T, dir, tmp string, env []string, args ...string) *appProcess {
	t.Helper()
	p := &appProcess{stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(builtApp(t), args...)
	p.cmd.Dir = dir
	p.cmd.Env = childEnv(t, tmp, env...)
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		err := p.cmd.Wait()
		if exit, ok := err.(*exec.ExitError); ok {
			p.code = exit.ExitCode()
			if ws, ok := exit.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				p.code = 128 + int(ws.Signal())
			}
		}
		close(p.done)
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
	})
	return p
}

// wait waits for the app to end (at most two minutes) and returns its
// exit status (128 + the signal when a signal ended it).
func (p *appProcess) wait() int {
	select {
	case <-p.done:
	case <-time.After(2 * time.Minute):
		p.cmd.Process.Kill()
		<-p.done
		return -1
	}
	return p.code
}

// kernelRuns says whether the app's jsii kernel still runs.
func (p *appProcess) kernelRuns() bool {
	cmdline, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(p.kernel), "cmdline"))
	return err == nil && bytes.Contains(cmdline, []byte("jsii-runtime"))
}

// syncBuffer is a bytes.Buffer that a process writes while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// entries lists the names in a folder.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	list, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range list {
		names = append(names, e.Name())
	}
	return names
}

// warningEnvironments draw warnings from the construct (a disabled key, a
// placeholder-like value).
const warningEnvironments = `{"dev": ` + warningEnvironment + `}`

const warningEnvironment = `{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev", "is_enabled": false,
	        "additional_principals": ["arn:aws:iam::123456789012:role/REPLACE-ME"]}`

// TestWarningsReachTheUserOnEveryPath: go run prints the construct's
// warnings as cdktf synth does, and -strict (or CDKTF_KMS_STRICT=true)
// makes them errors that write nothing.
func TestWarningsReachTheUserOnEveryPath(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	dir := projectDir(t, warningEnvironments)
	res := run(t, dir, builtApp(t))
	if res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	for _, want := range []string{
		"WARN [kms-dev/general_encryption_key]: is_enabled is false",
		`WARN [kms-dev/general_encryption_key]: additional_principals[0] "arn:aws:iam::123456789012:role/REPLACE-ME" looks like a placeholder`,
	} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr does not say %q:\n%s", want, res.stderr)
		}
	}
	before := treeSums(t, dir)
	for name, r := range map[string]runResult{
		"-strict":               run(t, dir, builtApp(t), "-strict"),
		"CDKTF_KMS_STRICT=true": runWith(t, dir, []string{"CDKTF_KMS_STRICT=true"}, builtApp(t)),
	} {
		if r.code != 1 || !strings.Contains(r.stderr, "is_enabled is false") || !strings.Contains(r.stderr, "strict: 2 warning(s) are errors; nothing was written") {
			t.Errorf("%s: exit %d, stderr:\n%s", name, r.code, r.stderr)
		}
	}
	if diffs := sameTree(before, treeSums(t, dir)); len(diffs) != 0 {
		t.Errorf("a strict run changed the project folder: %v", diffs)
	}
}

// TestTheOutputFolderOfCdktfJSONAndTheStatePath: go run writes where
// cdktf synth would ("output" in cdktf.json), and the local state of a
// stack whose folder is deeper stays in the project folder.
func TestTheOutputFolderOfCdktfJSONAndTheStatePath(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	t.Parallel()
	dir := t.TempDir()
	cfg := `{"language": "go", "app": "` + builtApp(t) + `", "output": "build/out", "context": {"environments": ` + devOnly + `}}`
	if err := os.WriteFile(filepath.Join(dir, "cdktf.json"), []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	if res := run(t, dir, builtApp(t)); res.code != 0 {
		t.Fatalf("app exited %d:\n%s", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); !os.IsNotExist(err) {
		t.Errorf("cdktf.out was written although cdktf.json names build/out")
	}
	stackDir := filepath.Join(dir, "build", "out", "stacks", "kms-dev")
	raw, err := os.ReadFile(filepath.Join(stackDir, "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Terraform struct {
			Backend struct {
				Local struct {
					Path string `json:"path"`
				} `json:"local"`
			} `json:"backend"`
		} `json:"terraform"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if got := filepath.Clean(filepath.Join(stackDir, doc.Terraform.Backend.Local.Path)); got != filepath.Join(dir, "terraform.kms-dev.tfstate") {
		t.Errorf("the local state resolves to %s (path %q), want the project folder's terraform.kms-dev.tfstate", got, doc.Terraform.Backend.Local.Path)
	}
}
