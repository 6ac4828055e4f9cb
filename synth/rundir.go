package synth

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/cdktf-kms/cdktf-kms/internal/procs"
)

// RunDirPrefix starts the name of the private temp folder of each run (Run,
// Main): cdktf-kms-run-<pid>-<random>, in the system temp directory. The
// jsii runtime, its node kernel and the packages the kernel unpacks (about
// 35 MB) live there, and the run removes it on every path it lives to see.
// A run killed with SIGKILL cannot: the next run finds the folders of runs
// that are gone (their lock is free), stops the kernels still running
// there and removes them.
const RunDirPrefix = "cdktf-kms-run-"

// runLockName is the file in a run's folder that the run holds locked for
// its whole life (the kernel releases the lock when the process ends,
// however it ends).
const runLockName = ".lock"

// newRunDir makes the private folder of a run in tmp and locks it; release
// removes it.
func newRunDir(tmp string) (dir string, release func(), err error) {
	dir, err = os.MkdirTemp(tmp, RunDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return "", nil, err
	}
	unlock, err := lockFile(filepath.Join(dir, runLockName))
	if err != nil {
		os.RemoveAll(dir)
		return "", nil, err
	}
	return dir, func() {
		os.RemoveAll(dir)
		unlock()
	}, nil
}

// sweepRunDirs removes the private folders that runs killed earlier left in
// tmp: a folder whose lock is free, or (made by a run that died before it
// took the lock) that names a process that is gone. Kernels still running
// in such a folder are stopped first.
func sweepRunDirs(tmp string) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || !strings.HasPrefix(e.Name(), RunDirPrefix) {
			continue
		}
		dir := filepath.Join(tmp, e.Name())
		if !abandoned(dir) {
			continue
		}
		inside := dir + string(os.PathSeparator) // not a folder whose name starts the same
		for _, pid := range procs.Naming(inside) {
			procs.Kill(pid)
		}
		waitGone(procs.Naming, inside)
		os.RemoveAll(dir)
	}
}

// abandoned says whether the run that made a private folder is gone.
func abandoned(dir string) bool {
	if free, ok := lockFree(filepath.Join(dir, runLockName)); ok {
		return free
	}
	// No lock file: the run died between making the folder and locking it,
	// or is in that moment now. Its pid is in the folder's name.
	pidText, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(dir), RunDirPrefix), "-")
	pid, err := strconv.Atoi(pidText)
	if err != nil {
		return false
	}
	return pid != os.Getpid() && !procs.Alive(pid)
}

// waitGone waits up to a second for the processes that name dir to end.
func waitGone(naming func(string) []int, dir string) {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(naming(dir)) == 0 {
			return
		}
	}
}
