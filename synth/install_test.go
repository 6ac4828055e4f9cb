package synth

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// installCase is an output folder with an earlier synth in it and a new
// synth in a staging folder beside it: a stack kept (with state, a user's
// metadata.json and Terraform's lock file), a stack removed (with
// Terraform's lock file), a stack added.
type installCase struct {
	root, out, staging string
	old, new           map[string]string
}

func newInstallCase(t *testing.T) installCase {
	t.Helper()
	root := t.TempDir()
	c := installCase{root: root, out: filepath.Join(root, "cdktf.out"), staging: filepath.Join(root, ".cdktf.out.synth-test")}
	writeTree(t, c.out, map[string]string{
		"manifest.json":                        manifestJSON("kms-dev", "kms-old"),
		"stacks/kms-dev/cdk.tf.json":           "old dev",
		"stacks/kms-dev/terraform.tfstate":     "state",
		"stacks/kms-dev/metadata.json":         "a file of the user's that cdktf's JSON output never writes",
		"stacks/kms-old/cdk.tf.json":           "old old",
		"stacks/kms-old/.terraform.lock.hcl":   "lock of a stack the new synth removes",
		"stacks/kms-dev/.terraform/plugins/x":  "plugin",
		"stacks/kms-dev/.terraform.lock.hcl":   "lock",
		"stacks/kms-dev/terraform.tfstate.d/x": "workspace state",
	})
	writeTree(t, c.staging, map[string]string{
		stagingMarker:                "",
		"manifest.json":              manifestJSON("kms-dev", "kms-new"),
		"stacks/kms-dev/cdk.tf.json": "new dev",
		"stacks/kms-new/cdk.tf.json": "new",
	})
	c.old = readTree(t, c.out)
	c.new = readTree(t, c.out)
	c.new["manifest.json"] = manifestJSON("kms-dev", "kms-new")
	c.new["stacks/kms-dev/cdk.tf.json"] = "new dev"
	c.new["stacks/kms-new/"] = ""
	c.new["stacks/kms-new/cdk.tf.json"] = "new"
	delete(c.new, "stacks/kms-old/cdk.tf.json")
	return c
}

func (c installCase) install(t *testing.T) (bool, error) {
	t.Helper()
	prev, err := inspectOutdir(c.out)
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := readManifest(c.staging)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkRemovedStacks(c.out, prev, next); err != nil {
		t.Fatal(err)
	}
	return install(c.staging, c.out, prev, next)
}

// hook replaces rename for one test.
func hook(t *testing.T, f func(from, to string) error) {
	t.Helper()
	rename = f
	t.Cleanup(func() { rename = moveFile })
}

// failMove makes the nth move of the test fail as a folder that cannot be
// written does.
func failMove(t *testing.T, n int) {
	t.Helper()
	calls := 0
	hook(t, func(from, to string) error {
		calls++
		if calls == n {
			return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EACCES}
		}
		return moveFile(from, to)
	})
}

// countRenames returns how many moves a whole install of the case makes.
func countRenames(t *testing.T) int {
	t.Helper()
	n := 0
	hook(t, func(from, to string) error { n++; return moveFile(from, to) })
	c := newInstallCase(t)
	if _, err := c.install(t); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, c.out); !equalTrees(got, c.new) {
		t.Fatalf("a whole install gives\n%v\nwant\n%v", got, c.new)
	}
	rename = moveFile
	return n
}

// TestAnInstallThatFailsAtAnyMoveLeavesThePreviousOutput makes each move of
// an install fail in turn (a stack folder that cannot be written, a full
// disk): the output folder must be the previous synth's, byte for byte,
// and the error must say so.
func TestAnInstallThatFailsAtAnyMoveLeavesThePreviousOutput(t *testing.T) {
	n := countRenames(t)
	if n < 4 {
		t.Fatalf("an install of the case makes %d moves; the case is too small to test", n)
	}
	for k := range n {
		t.Run(fmt.Sprintf("move %d of %d fails", k+1, n), func(t *testing.T) {
			c := newInstallCase(t)
			failMove(t, k+1)
			keep, err := c.install(t)
			var ie *InstallError
			if !errors.As(err, &ie) || !ie.Restored || keep {
				t.Fatalf("install = %v, %v; want an *InstallError that restored the folder", keep, err)
			}
			if !strings.Contains(err.Error(), "was put back") || !strings.Contains(err.Error(), "permission denied") || !strings.Contains(err.Error(), "writable") {
				t.Errorf("message does not name the cause, the restore and what to do: %v", err)
			}
			if got := readTree(t, c.out); !equalTrees(got, c.old) {
				t.Errorf("the output folder is not the previous synth's:\n got %v\nwant %v", got, c.old)
			}
		})
	}
}

// TestAnInstallKilledAtAnyMomentIsRecoveredByTheNextSynth kills a process
// (SIGKILL) that installs the case before each move (the journal's, each
// file's, the commit's) and after the commit; the next synth's recovery
// must leave the previous output (killed before the commit) or the new one
// (after it), no staging folder, and nothing of the killed process in its
// temp directory after the next run's sweep.
func TestAnInstallKilledAtAnyMomentIsRecoveredByTheNextSynth(t *testing.T) {
	// The moves: the journal, the files, the journal marked committed.
	n := countRenames(t)
	mixed := 0
	defer func() {
		if mixed == 0 {
			t.Errorf("no kill left a folder that was neither synth's; the test does not reach the moves")
		}
	}()
	for k := 0; k <= n; k++ {
		name := fmt.Sprintf("killed before move %d of %d", k+1, n)
		want := "old"
		switch k {
		case n - 1:
			name = "killed after the last file, before the commit"
		case n:
			name, want = "killed after the commit", "new"
		}
		t.Run(name, func(t *testing.T) {
			c := newInstallCase(t)
			tmp := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestInstallHelperProcess$")
			cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "SYNTH_TEST_INSTALL_ROOT="+c.root, "SYNTH_TEST_INSTALL_KILL="+strconv.Itoa(k))
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
				t.Fatalf("the helper was not killed: %v\n%s", err, out)
			}
			if got := readTree(t, c.out); !equalTrees(got, c.old) && !equalTrees(got, c.new) {
				mixed++
			}
			recovered, err := recoverInstalls(c.root, c.out)
			if err != nil {
				t.Fatal(err)
			}
			wantTree := c.old
			if want == "new" {
				wantTree = c.new
			}
			if got := readTree(t, c.out); !equalTrees(got, wantTree) {
				t.Errorf("after the recovery the output folder is not the %s synth's:\n got %v\nwant %v", want, got, wantTree)
			}
			if want == "new" && !recovered.Finished {
				t.Errorf("recovered %+v, want the committed install finished", recovered)
			}
			if _, err := os.Stat(c.staging); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("the staging folder is still there: %v", err)
			}
			// The killed process's private run folder is swept by the next run.
			sweepRunDirs(tmp)
			if left, _ := os.ReadDir(tmp); len(left) != 0 {
				t.Errorf("left in the killed process's temp directory after a sweep: %v", left)
			}
		})
	}
}

// TestInstallHelperProcess installs the case of its environment and kills
// itself at the moment SYNTH_TEST_INSTALL_KILL names (see above).
func TestInstallHelperProcess(t *testing.T) {
	root := os.Getenv("SYNTH_TEST_INSTALL_ROOT")
	if root == "" {
		t.Skip("a helper of TestAnInstallKilledAtAnyMomentIsRecoveredByTheNextSynth")
	}
	k, _ := strconv.Atoi(os.Getenv("SYNTH_TEST_INSTALL_KILL"))
	kill := func() { syscall.Kill(os.Getpid(), syscall.SIGKILL); select {} }
	calls := 0
	rename = func(from, to string) error {
		if calls == k {
			kill()
		}
		calls++
		return moveFile(from, to)
	}
	committed = kill
	c := installCase{root: root, out: filepath.Join(root, "cdktf.out"), staging: filepath.Join(root, ".cdktf.out.synth-test")}
	if _, err := c.install(t); err != nil {
		t.Fatal(err)
	}
}

// TestJSONSynthKeepsAUsersMetadataFile: cdktf's manifest names
// metadata.json for JSON output too, where it writes none; a file of that
// name in a stack's folder is the user's and stays, whether the stack is
// kept or removed (a removed stack's folder with it is refused, as any file
// no synth wrote).
func TestJSONSynthKeepsAUsersMetadataFile(t *testing.T) {
	c := newInstallCase(t)
	if _, err := c.install(t); err != nil {
		t.Fatal(err)
	}
	if got := readTree(t, c.out)["stacks/kms-dev/metadata.json"]; got != c.old["stacks/kms-dev/metadata.json"] {
		t.Errorf("the user's metadata.json is %q after a JSON synth", got)
	}
	out := t.TempDir()
	writeTree(t, out, map[string]string{
		"manifest.json":                manifestJSON("kms-dev", "kms-old"),
		"stacks/kms-old/cdk.tf.json":   "{}",
		"stacks/kms-old/metadata.json": "the user's",
	})
	prev, err := inspectOutdir(out)
	if err != nil {
		t.Fatal(err)
	}
	err = checkRemovedStacks(out, prev, Manifest{Version: "0.20.11", Stacks: map[string]StackManifest{"kms-dev": {}}})
	var oe *OutdirError
	if !errors.As(err, &oe) || oe.Removed != "kms-old" {
		t.Errorf("dropping a stack whose folder holds the user's metadata.json: %v", err)
	}
}

// A first synth's install (no output folder yet) moves the staging
// folder's stacks/ in whole: a handful of renames whatever the number of
// stacks, and a failure at any of them leaves no output folder.
func TestAFirstInstallMovesTheStacksFolderWhole(t *testing.T) {
	const stacks = 40
	fresh := func(t *testing.T) installCase {
		root := t.TempDir()
		c := installCase{root: root, out: filepath.Join(root, "cdktf.out"), staging: filepath.Join(root, ".cdktf.out.synth-test")}
		files := map[string]string{stagingMarker: ""}
		var names []string
		for i := range stacks {
			name := fmt.Sprintf("kms-env%02d", i)
			names = append(names, name)
			files["stacks/"+name+"/cdk.tf.json"] = "stack " + name
		}
		files["manifest.json"] = manifestJSON(names...)
		writeTree(t, c.staging, files)
		delete(files, stagingMarker)
		c.new = files
		return c
	}
	n := 0
	hook(t, func(from, to string) error { n++; return moveFile(from, to) })
	c := fresh(t)
	if _, err := c.install(t); err != nil {
		t.Fatal(err)
	}
	got := readTree(t, c.out)
	for name, content := range c.new {
		if got[name] != content {
			t.Errorf("%s = %q, want %q", name, got[name], content)
		}
	}
	// The journal written, its commit, stacks/ and manifest.json.
	if n != 4 {
		t.Errorf("a first install of %d stacks made %d renames, want 4", stacks, n)
	}
	t.Run("what was put in a moved folder since stays", func(t *testing.T) {
		c := fresh(t)
		calls := 0
		lock := filepath.Join(c.out, "stacks", "kms-env00", ".terraform.lock.hcl")
		hook(t, func(from, to string) error {
			calls++
			switch calls {
			case 3: // manifest.json, after stacks/: terraform init ran meanwhile
				if err := os.WriteFile(lock, []byte("lock"), 0o644); err != nil {
					t.Fatal(err)
				}
				return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EACCES}
			}
			return moveFile(from, to)
		})
		if _, err := c.install(t); err == nil {
			t.Fatal("install succeeded with a failing rename")
		}
		got := readTree(t, c.out)
		want := map[string]string{"stacks/": "", "stacks/kms-env00/": "", "stacks/kms-env00/.terraform.lock.hcl": "lock"}
		if !equalTrees(got, want) {
			t.Errorf("after the rollback the output folder holds\n%v\nwant only what terraform wrote\n%v", got, want)
		}
	})
	for k := range n {
		t.Run(fmt.Sprintf("move %d of %d fails", k+1, n), func(t *testing.T) {
			c := fresh(t)
			failMove(t, k+1)
			if _, err := c.install(t); err == nil {
				t.Fatal("install succeeded with a failing rename")
			}
			if _, err := os.Lstat(c.out); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("a failed first install left the output folder: %v", err)
			}
		})
	}
}
