package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/synthtest"
	"github.com/cdktf-kms/cdktf-kms/stacks"
)

func TestMain(m *testing.M) { os.Exit(synthtest.Main(m)) }

const root = "../../.."

// TestGeneratedDocsAreUpToDate fails when the code changed and the
// reference was not regenerated: run make docs and commit the result.
func TestGeneratedDocsAreUpToDate(t *testing.T) {
	files, err := generate(root)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range files {
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run make docs)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with the code: run make docs and review the diff", path)
		}
	}
}

// TestDocumentedKeysAreTheKeysTheReaderAccepts checks the reference against
// the cdktf.json reader itself: every key it accepts at the top level is
// documented, and every documented top-level key is accepted.
func TestDocumentedKeysAreTheKeysTheReaderAccepts(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(root, "docs", "configuration.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	start, end := strings.Index(text, "## Keys"), strings.Index(text, "## Go API only")
	if start < 0 || end < start {
		t.Fatal("docs/configuration.md has no Keys section")
	}
	keys := text[start:end]
	var documented []string
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9_]+)` \\|").FindAllStringSubmatch(keys, -1) {
		documented = append(documented, m[1])
	}
	accepted := stacks.AllowedKeys()
	slices.Sort(documented)
	if !slices.Equal(documented, accepted) {
		t.Errorf("documented top-level keys %v\nthe reader accepts %v", documented, accepted)
	}
	// Nested keys: every documented path is one of the reference's keys.
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z0-9_.\\[\\]]+)` \\|").FindAllStringSubmatch(keys, -1) {
		if !slices.Contains(Keys(), m[1]) {
			t.Errorf("documented key %s is not a key of the configuration", m[1])
		}
	}
	for _, k := range Keys() {
		if !strings.Contains(keys, "| `"+k+"` |") {
			t.Errorf("key %s is not documented", k)
		}
	}
}

// TestHelpNamesOnlyMakefileTargets checks that every make command of the
// help file exists.
func TestHelpNamesOnlyMakefileTargets(t *testing.T) {
	help, err := os.ReadFile(filepath.Join(root, "help"))
	if err != nil {
		t.Fatal(err)
	}
	makefile, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	targets := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z-]*):`).FindAllStringSubmatch(string(makefile), -1) {
		targets[m[1]] = true
	}
	named := regexp.MustCompile(`\bmake ([a-z][a-z-]*)`).FindAllStringSubmatch(string(help), -1)
	if len(named) < 5 {
		t.Fatalf("the help file names only %d make commands", len(named))
	}
	for _, m := range named {
		if !targets[m[1]] {
			t.Errorf("help names `make %s`, which the Makefile does not have", m[1])
		}
	}
}
