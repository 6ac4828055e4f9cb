//go:build unix && !linux

package synth

import "os"

// platformTerminating are the terminating signals only some systems have.
var platformTerminating []os.Signal
