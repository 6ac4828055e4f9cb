//go:build e2e

package deploy

import (
	"os/exec"
	"syscall"
	"time"
)

// setProcessGroup runs a command in a process group of its own: on
// cancellation the group gets SIGINT (the cdktf CLI and the terraform it
// runs stop cleanly), then SIGKILL after a grace period; the kernel kills it
// with the test binary.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGINT) }
	cmd.WaitDelay = 30 * time.Second
}

// killGroup kills what is left of a finished command's process group.
func killGroup(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
