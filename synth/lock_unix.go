//go:build unix

package synth

import (
	"context"
	"errors"
	"os"
	"syscall"
	"time"
)

// lockFolder takes an exclusive lock on a folder (flock on its file
// descriptor) and returns what releases it: two synths into one output
// folder (which lock its parent) run one after the other. When another
// process holds the lock, waiting is called once and the lock is tried
// again until it is free or ctx ends (an interrupt stops the wait). The
// kernel releases the lock when the process ends, whatever the way.
func lockFolder(ctx context.Context, dir string, waiting func()) (func(), error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	for said := false; ; {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() {
				syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
				f.Close()
			}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, err
		}
		if !said {
			waiting()
			said = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lockFile creates a file and holds an exclusive lock on it until unlock.
// The descriptor is not inherited by child processes (the kernel would
// keep the lock while they run).
func lockFile(name string) (unlock func(), err error) {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return func() { f.Close() }, nil
}

// lockFree says whether nobody holds the lock of lockFile on name; ok is
// false when there is no such file.
func lockFree(name string) (free, ok bool) {
	f, err := os.Open(name)
	if err != nil {
		return false, false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		return false, true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return true, true
}
