package main

import (
	"bytes"
	"strings"
	"testing"
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
