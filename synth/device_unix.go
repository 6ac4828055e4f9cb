//go:build unix

package synth

import (
	"os"
	"syscall"
)

// sameDevice says whether two existing paths are on one file system, where
// a folder can be renamed from one to the other.
func sameDevice(a, b string) bool {
	fa, err := os.Stat(a)
	if err != nil {
		return false
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false
	}
	sa, ok := fa.Sys().(*syscall.Stat_t)
	sb, ok2 := fb.Sys().(*syscall.Stat_t)
	return ok && ok2 && sa.Dev == sb.Dev
}
