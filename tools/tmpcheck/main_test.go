package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestACommandThatLeavesAFileFails(t *testing.T) {
	var out, errs bytes.Buffer
	code := run([]string{"--", "sh", "-c", `mkdir "$TMPDIR/jsii-runtime.123" && echo done`}, &out, &errs)
	if code != 1 || !strings.Contains(errs.String(), "left 1 entries") || !strings.Contains(errs.String(), "jsii-runtime.123") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
	if out.String() != "done\n" {
		t.Errorf("the command's output was not passed through: %q", out.String())
	}
}

func TestACleanCommandPassesAndItsFailureIsKept(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"sh", "-c", `d=$(mktemp -d) && rmdir "$d"`}, &out, &errs); code != 0 {
		t.Errorf("a command that cleans up: exit %d, %s", code, errs.String())
	}
	if code := run([]string{"sh", "-c", "exit 3"}, &out, &errs); code != 3 {
		t.Errorf("the command's exit code is lost: %d", code)
	}
}

// TestASignalReachesTheCommandAndTheCheckStillRuns: SIGTERM (or an
// interrupt) to tmpcheck goes to the command, and tmpcheck still reports
// and removes what the command left instead of dying with its directory.
func TestASignalReachesTheCommandAndTheCheckStillRuns(t *testing.T) {
	ready := filepath.Join(t.TempDir(), "ready")
	var out, errs bytes.Buffer
	code := make(chan int, 1)
	go func() {
		code <- run([]string{"sh", "-c", `trap 'mkdir "$TMPDIR/left-on-term"; exit 7' TERM; touch "` + ready + `"; while :; do sleep 0.1; done`}, &out, &errs)
	}()
	for i := 0; ; i++ {
		if _, err := os.Stat(ready); err == nil {
			break
		}
		if i > 100 {
			t.Fatal("the command did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case c := <-code:
		if c != 7 || !strings.Contains(errs.String(), "left-on-term") {
			t.Errorf("exit %d, stderr %q", c, errs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the command did not get the signal")
	}
}
