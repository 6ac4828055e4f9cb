package synth

import (
	"os"
	"syscall"
)

// platformTerminating are the terminating signals only Linux has.
var platformTerminating = []os.Signal{syscall.SIGSTKFLT}
