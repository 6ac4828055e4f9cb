package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/cdktf-kms/cdktf-kms/synth"
)

func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }

const root = "../.."

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
	for _, m := range regexp.MustCompile(`(?m)^([a-z][a-z0-9-]*):`).FindAllStringSubmatch(string(makefile), -1) {
		targets[m[1]] = true
	}
	named := regexp.MustCompile(`\bmake ([a-z][a-z0-9-]*)`).FindAllStringSubmatch(string(help), -1)
	if len(named) < 5 {
		t.Fatalf("the help file names only %d make commands", len(named))
	}
	for _, m := range named {
		if !targets[m[1]] {
			t.Errorf("help names `make %s`, which the Makefile does not have", m[1])
		}
	}
}

// TestDocLinksResolve checks every relative link of the README, the
// changelog and docs/: the file exists and, for a Markdown file, so does the
// heading an anchor names (GitHub's anchors: lower case, punctuation dropped,
// spaces as "-").
func TestDocLinksResolve(t *testing.T) {
	pages, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	access, err := filepath.Glob(filepath.Join(root, "docs", "access", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	pages = append(pages, access...)
	pages = append(pages, filepath.Join(root, "README.md"), filepath.Join(root, "CHANGELOG.md"))
	link := regexp.MustCompile(`\]\(([^)\s]+)\)`)
	checked := 0
	for _, page := range pages {
		raw, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range link.FindAllStringSubmatch(string(raw), -1) {
			target, anchor, _ := strings.Cut(m[1], "#")
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file := page
			if target != "" {
				file = filepath.Join(filepath.Dir(page), target)
			}
			checked++
			if _, err := os.Stat(file); err != nil {
				t.Errorf("%s links to %s, which does not exist", page, m[1])
				continue
			}
			if anchor != "" && strings.HasSuffix(file, ".md") && !slices.Contains(headingAnchors(t, file), anchor) {
				t.Errorf("%s links to %s: no heading with that anchor in %s", page, m[1], file)
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d links checked; is the link pattern still right?", checked)
	}
}

// headingAnchors returns the anchors of a Markdown file's headings.
func headingAnchors(t *testing.T, file string) []string {
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	drop := regexp.MustCompile(`[^\p{L}\p{N}_ -]`)
	var out []string
	for _, line := range strings.Split(string(raw), "\n") {
		if h, ok := strings.CutPrefix(line, "#"); ok {
			h = strings.TrimLeft(h, "#")
			out = append(out, strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(strings.TrimSpace(h)), ""), " ", "-"))
		}
	}
	return out
}
