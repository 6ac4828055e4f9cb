//go:build !unix

package synth

import "context"

// lockFolder does nothing where flock is missing: two synths into one
// output folder at once are then the user's to avoid.
func lockFolder(context.Context, string, func()) (func(), error) { return func() {}, nil }

// lockFile does nothing where flock is missing.
func lockFile(string) (func(), error) { return func() {}, nil }

// lockFree cannot tell where flock is missing: the sweep then goes by the
// pid in the folder's name.
func lockFree(string) (free, ok bool) { return false, false }
