//go:build unix

package synth

import (
	"os"
	"syscall"
)

// Terminating are the signals that end a Go program by default and that a
// program can handle: Main and Run stop the jsii kernel, remove their temp
// files and the staging folder on each, and end with 128 plus the signal's
// number. They are the signals whose default action in Go is to exit (SIGHUP,
// SIGINT, SIGTERM) or to exit with a stack dump (SIGQUIT, SIGILL, SIGTRAP,
// SIGABRT, SIGSYS, and SIGBUS, SIGFPE and SIGSEGV when another process sends
// them; a fault of the program itself is still a panic). Go ignores SIGUSR1,
// SIGUSR2, SIGALRM and the like unless a program asks for them, so they stay
// ignored. SIGKILL and SIGSTOP cannot be handled; SIGPIPE is handled apart
// (see interrupts).
var Terminating = append([]os.Signal{
	syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGQUIT,
	syscall.SIGILL, syscall.SIGTRAP, syscall.SIGABRT, syscall.SIGSYS,
	syscall.SIGBUS, syscall.SIGFPE, syscall.SIGSEGV,
}, platformTerminating...)
