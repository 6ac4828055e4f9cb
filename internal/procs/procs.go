// Package procs finds processes from /proc (Linux): the jsii kernel of a
// program is the node child whose command line names the runtime's
// folder. Where /proc is missing it finds none.
package procs

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ChildrenNaming lists the child processes of the process parent whose
// command line holds s.
func ChildrenNaming(parent int, s string) []int {
	return find(func(ppid int, cmdline []byte) bool {
		return ppid == parent && bytes.Contains(cmdline, []byte(s))
	})
}

// Naming lists the processes other than this one whose command line holds
// s, whoever their parent is (a kernel whose program was killed).
func Naming(s string) []int {
	return find(func(_ int, cmdline []byte) bool { return bytes.Contains(cmdline, []byte(s)) })
}

// Alive says whether a process with this pid exists.
func Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Kill ends a process with SIGKILL.
func Kill(pid int) { syscall.Kill(pid, syscall.SIGKILL) }

func find(match func(ppid int, cmdline []byte) bool) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// The command name is in parentheses and may hold spaces; the
		// parent's pid is the second field after it.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 {
			continue
		}
		ppid, _ := strconv.Atoi(fields[1])
		cmdline, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline"))
		if err == nil && match(ppid, cmdline) {
			out = append(out, pid)
		}
	}
	return out
}
