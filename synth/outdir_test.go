package synth

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeTree creates files (relative path -> content; a path ending in "/"
// is a folder) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// readTree returns every file under dir by relative slash path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			if rel != "." {
				out[filepath.ToSlash(rel)+"/"] = ""
			}
			return nil
		}
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// manifestJSON is a manifest as cdktf 0.20 writes it, for the named stacks.
func manifestJSON(stacks ...string) string {
	var entries []string
	for _, s := range stacks {
		entries = append(entries, `"`+s+`": {"name": "`+s+`", "constructPath": "`+s+`", "workingDirectory": "stacks/`+s+`",
			"synthesizedStackPath": "stacks/`+s+`/cdk.tf.json", "stackMetadataPath": "stacks/`+s+`/metadata.json", "annotations": [], "dependencies": []}`)
	}
	return `{"version": "0.20.11", "stacks": {` + strings.Join(entries, ",") + `}}`
}

func TestInspectOutdirAcceptsWhatSynthsLeave(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"absent": nil,
		"empty":  {},
		"an earlier synth": {
			"manifest.json":              manifestJSON("kms-dev", "kms-prod"),
			"stacks/kms-dev/cdk.tf.json": "{}",
			"stacks/kms-prod/cdk.tf":     "",
		},
		"terraform's files in a current stack, and a removed stack with only terraform's files": {
			"manifest.json":                               manifestJSON("kms-dev"),
			"stacks/kms-dev/cdk.tf.json":                  "{}",
			"stacks/kms-dev/.terraform/providers/x":       "",
			"stacks/kms-dev/.terraform.lock.hcl":          "",
			"stacks/kms-dev/notes.txt":                    "a user's file in a current stack's folder is kept, not refused",
			"stacks/kms-old/.terraform/terraform.tfstate": "",
			"stacks/kms-old/.terraform.lock.hcl":          "",
			"stacks/kms-old/plan":                         "",
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "cdktf.out")
			if files != nil {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				writeTree(t, dir, files)
			}
			if _, err := inspectOutdir(dir); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

func TestInspectOutdirRefusesFoldersNoSynthWrote(t *testing.T) {
	for name, c := range map[string]struct {
		files  map[string]string
		others []string
	}{
		"a project folder (CDKTF_OUTDIR=.)": {
			files:  map[string]string{"go.mod": "module x", "stacks/testdata/fuzz/x": "tracked", "main.go": ""},
			others: []string{"go.mod", "main.go", "stacks"},
		},
		"a file beside an earlier synth": {
			files:  map[string]string{"manifest.json": manifestJSON("kms-dev"), "stacks/kms-dev/cdk.tf.json": "{}", "README.md": ""},
			others: []string{"README.md"},
		},
		"a folder under stacks that no manifest lists": {
			files:  map[string]string{"manifest.json": manifestJSON("kms-dev"), "stacks/kms-dev/cdk.tf.json": "{}", "stacks/testdata/x.json": ""},
			others: []string{filepath.Join("stacks", "testdata", "x.json")},
		},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writeTree(t, dir, c.files)
			before := readTree(t, dir)
			_, err := inspectOutdir(dir)
			var oe *OutdirError
			if !errors.As(err, &oe) {
				t.Fatalf("got %v, want an *OutdirError", err)
			}
			if !slices.Equal(oe.Others, c.others) {
				t.Errorf("names %v, want %v", oe.Others, c.others)
			}
			if !strings.Contains(err.Error(), "nothing was written") || !strings.Contains(err.Error(), c.others[0]) {
				t.Errorf("message %q does not name what is there or say nothing was written", err)
			}
			if after := readTree(t, dir); !equalTrees(before, after) {
				t.Errorf("the folder changed")
			}
		})
	}
}

func TestManifestMayNotNameFilesOutsideItsStacks(t *testing.T) {
	for _, bad := range []string{
		`{"version": "0.20.11", "stacks": {"x": {"synthesizedStackPath": "../../go.mod"}}}`,
		`{"version": "0.20.11", "stacks": {"x": {"synthesizedStackPath": "stacks/y/cdk.tf.json"}}}`,
		`{"version": "0.20.11", "stacks": {"x": {"synthesizedStackPath": "stacks/x/main.go"}}}`,
		`{"version": "0.20.11", "stacks": {"..": {"synthesizedStackPath": "stacks/../cdk.tf.json"}}}`,
		`{"version": "0.20.11", "stacks": {"a\u0000b": {"synthesizedStackPath": "stacks/a\u0000b/cdk.tf.json"}}}`,
		`{"stacks": {}}`,
		`[]`,
	} {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{"manifest.json": bad})
		if _, err := inspectOutdir(dir); err == nil {
			t.Errorf("manifest %s was accepted", bad)
		}
	}
}

func TestInstallReplacesOnlyWhatSynthsWrote(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "cdktf.out")
	writeTree(t, out, map[string]string{
		"manifest.json":                        manifestJSON("kms-dev", "kms-old", "kms-gone"),
		"stacks/kms-dev/cdk.tf.json":           "old dev",
		"stacks/kms-dev/.terraform.lock.hcl":   "lock",
		"stacks/kms-dev/.terraform/plugins/x":  "plugin",
		"stacks/kms-old/cdk.tf.json":           "old old",
		"stacks/kms-old/.terraform.lock.hcl":   "lock of a removed stack",
		"stacks/kms-gone/cdk.tf.json":          "gone",
		"stacks/kms-hcl/.terraform.lock.hcl":   "leftover of a stack removed before",
		"stacks/kms-dev/terraform.tfstate":     "state",
		"stacks/kms-dev/terraform.tfstate.d/x": "workspace state",
	})
	prev, err := inspectOutdir(out)
	if err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(root, ".cdktf.out.synth-1")
	writeTree(t, staging, map[string]string{
		"manifest.json":              manifestJSON("kms-dev", "kms-new"),
		"stacks/kms-dev/cdk.tf.json": "new dev",
		"stacks/kms-new/cdk.tf.json": "new",
	})
	next, _, err := readManifest(staging)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkRemovedStacks(out, prev, next); err != nil {
		t.Fatal(err)
	}
	if _, err := install(staging, out, prev, next); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"manifest.json":                        manifestJSON("kms-dev", "kms-new"),
		"stacks/":                              "",
		"stacks/kms-dev/":                      "",
		"stacks/kms-dev/cdk.tf.json":           "new dev",
		"stacks/kms-dev/.terraform.lock.hcl":   "lock",
		"stacks/kms-dev/.terraform/":           "",
		"stacks/kms-dev/.terraform/plugins/":   "",
		"stacks/kms-dev/.terraform/plugins/x":  "plugin",
		"stacks/kms-dev/terraform.tfstate":     "state",
		"stacks/kms-dev/terraform.tfstate.d/":  "",
		"stacks/kms-dev/terraform.tfstate.d/x": "workspace state",
		"stacks/kms-new/":                      "",
		"stacks/kms-new/cdk.tf.json":           "new",
		// A removed stack loses its synthesized file; terraform's stay.
		"stacks/kms-old/":                    "",
		"stacks/kms-old/.terraform.lock.hcl": "lock of a removed stack",
		"stacks/kms-hcl/":                    "",
		"stacks/kms-hcl/.terraform.lock.hcl": "leftover of a stack removed before",
	}
	if got := readTree(t, out); !equalTrees(got, want) {
		t.Errorf("output folder after install:\n got %v\nwant %v", got, want)
	}
}

func TestInstallAfterSwitchingToHCLRemovesTheJSON(t *testing.T) {
	root := t.TempDir()
	out := filepath.Join(root, "out")
	writeTree(t, out, map[string]string{"manifest.json": manifestJSON("kms-dev"), "stacks/kms-dev/cdk.tf.json": "json"})
	prev, err := inspectOutdir(out)
	if err != nil {
		t.Fatal(err)
	}
	staging := filepath.Join(root, "staging")
	hclManifest := strings.ReplaceAll(manifestJSON("kms-dev"), "cdk.tf.json", "cdk.tf")
	writeTree(t, staging, map[string]string{"manifest.json": hclManifest, "stacks/kms-dev/cdk.tf": "hcl", "stacks/kms-dev/metadata.json": "{}"})
	next, _, _ := readManifest(staging)
	if _, err := install(staging, out, prev, next); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"manifest.json": hclManifest, "stacks/": "", "stacks/kms-dev/": "", "stacks/kms-dev/cdk.tf": "hcl", "stacks/kms-dev/metadata.json": "{}"}
	if got := readTree(t, out); !equalTrees(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestRemovingAStackWithStateIsRefused(t *testing.T) {
	for _, state := range []string{"terraform.tfstate", "terraform.kms-old.tfstate.backup", "terraform.tfstate.d/"} {
		t.Run(state, func(t *testing.T) {
			out := t.TempDir()
			writeTree(t, out, map[string]string{
				"manifest.json":              manifestJSON("kms-dev", "kms-old"),
				"stacks/kms-old/cdk.tf.json": "{}",
				"stacks/kms-old/" + state:    "",
			})
			prev, err := inspectOutdir(out)
			if err != nil {
				t.Fatal(err)
			}
			next := Manifest{Version: "0.20.11", Stacks: map[string]StackManifest{"kms-dev": {}}}
			err = checkRemovedStacks(out, prev, next)
			var se *StateError
			if !errors.As(err, &se) || se.Stack != "kms-old" {
				t.Fatalf("got %v, want a *StateError for kms-old", err)
			}
			if !strings.Contains(err.Error(), strings.TrimSuffix(state, "/")) {
				t.Errorf("message %q does not name the state", err)
			}
		})
	}
}

func equalTrees(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestRemovingAStackWithFilesOfItsOwnIsRefused: a plan or a file of the
// user's in the folder of a stack no longer synthesized would make the
// folder one the next synth refuses (and cdktf synth deletes it): the synth
// that drops the stack refuses instead, naming the files.
func TestRemovingAStackWithFilesOfItsOwnIsRefused(t *testing.T) {
	out := t.TempDir()
	writeTree(t, out, map[string]string{
		"manifest.json":                        manifestJSON("kms-dev", "kms-stage"),
		"stacks/kms-stage/cdk.tf.json":         "{}",
		"stacks/kms-stage/.terraform.lock.hcl": "",
		"stacks/kms-stage/tfplan":              "plan",
	})
	prev, err := inspectOutdir(out)
	if err != nil {
		t.Fatal(err)
	}
	err = checkRemovedStacks(out, prev, Manifest{Version: "0.20.11", Stacks: map[string]StackManifest{"kms-dev": {}}})
	var oe *OutdirError
	if !errors.As(err, &oe) || oe.Removed != "kms-stage" || !slices.Equal(oe.Others, []string{filepath.Join("stacks", "kms-stage", "tfplan")}) ||
		!strings.Contains(err.Error(), "stack kms-stage is no longer synthesized, but its folder holds files that no synth wrote") {
		t.Errorf("got %v", err)
	}
}
