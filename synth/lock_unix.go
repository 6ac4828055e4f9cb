//go:build unix

package synth

import (
	"os"
	"syscall"
)

// lockFolder takes an exclusive lock on a folder (flock on its file
// descriptor), waiting for it, and returns what releases it: two synths
// into one output folder (which lock its parent) run one after the other.
// The kernel releases the lock when the process ends, whatever the way.
func lockFolder(dir string) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
