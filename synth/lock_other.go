//go:build !unix

package synth

// lockFolder does nothing where flock is missing: two synths into one
// output folder at once are then the user's to avoid.
func lockFolder(string) (func(), error) { return func() {}, nil }
