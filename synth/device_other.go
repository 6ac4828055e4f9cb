//go:build !unix

package synth

// sameDevice says whether two paths are on one file system; where the
// system does not say, the install moves files one by one.
func sameDevice(a, b string) bool { return false }
