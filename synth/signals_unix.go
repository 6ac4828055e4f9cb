//go:build unix

package synth

import (
	"os"
	"syscall"
)

// Terminating are the signals whose default action ends the program and
// that a program can handle: Main and Run stop the jsii kernel, remove
// their temp files and the staging folder on each, and end with 128 plus
// the signal's number. (SIGKILL and SIGSTOP cannot be handled; SIGPIPE is
// handled apart, see interrupts.)
var Terminating = []os.Signal{
	syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
	syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGALRM, syscall.SIGVTALRM,
	syscall.SIGXCPU, syscall.SIGXFSZ,
}
