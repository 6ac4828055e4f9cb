package pipeline

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

// TestMain runs the tests as every program of the repository runs: the
// jsii runtime the package links (through synth) leaves nothing behind.
func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }

// outdir writes an output folder as cdktf does: manifest.json and each
// stack's file, with the backend given (nil: none, cdktf's local state).
func outdir(t *testing.T, stacks map[string][]string, backend map[string]map[string]any) string {
	t.Helper()
	dir := t.TempDir()
	manifest := map[string]any{}
	for name, deps := range stacks {
		path := "stacks/" + name + "/cdk.tf.json"
		manifest[name] = map[string]any{"name": name, "synthesizedStackPath": path, "workingDirectory": "stacks/" + name, "dependencies": deps}
		doc := map[string]any{"terraform": map[string]any{}}
		if b := backend[name]; b != nil {
			doc["terraform"] = map[string]any{"backend": b}
		}
		raw, _ := json.Marshal(doc)
		if err := os.MkdirAll(filepath.Join(dir, "stacks", name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, path), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	raw, _ := json.Marshal(map[string]any{"version": "0.20.11", "stacks": manifest})
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func s3(lock bool) map[string]any {
	args := map[string]any{"bucket": "state", "key": "k", "region": "eu-west-1"}
	if lock {
		args["use_lockfile"] = true
	}
	return map[string]any{"s3": args}
}

// Groups follow the dependencies: a stack comes one group after its
// latest dependency, and the stacks come by group, then by name.
func TestStacksInApplyOrder(t *testing.T) {
	deps := map[string][]string{"d": nil, "c": {"a", "b"}, "b": {"a"}, "a": nil, "e": {"d"}}
	backends := map[string]map[string]any{}
	for name := range deps {
		backends[name] = s3(true)
	}
	backends["e"] = map[string]any{"s3": map[string]any{"bucket": "state", "key": "e", "dynamodb_table": "locks"}}
	stacks, err := ReadStacks(outdir(t, deps, backends), "cdktf.out")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range stacks {
		got = append(got, s.Name+"@"+string(rune('0'+s.Group))+" "+s.Dir)
	}
	want := "a@0 cdktf.out/stacks/a,d@0 cdktf.out/stacks/d,b@1 cdktf.out/stacks/b,e@1 cdktf.out/stacks/e,c@2 cdktf.out/stacks/c"
	if strings.Join(got, ",") != want {
		t.Errorf("stacks %s\nwant   %s", strings.Join(got, ","), want)
	}
	yaml := string(Atlantis(stacks, "cdktf.out/manifest.json"))
	for _, line := range []string{"  - name: \"c\"\n    dir: \"cdktf.out/stacks/c\"\n    execution_order_group: 2\n    depends_on: [\"a\", \"b\"]\n", "when_modified: [\"cdk.tf.json\"]"} {
		if !strings.Contains(yaml, line) {
			t.Errorf("the configuration does not hold %q:\n%s", line, yaml)
		}
	}
}

// What a pipeline server could not run safely is refused, each stack named:
// local state (lost between runs), S3 state without a lock, a dependency
// outside the folder, a cycle, an output folder outside the repository.
func TestStacksAPipelineCannotRun(t *testing.T) {
	for name, c := range map[string]struct {
		deps     map[string][]string
		backends map[string]map[string]any
		repoDir  string
		want     []string
	}{
		"local state": {map[string][]string{"a": nil, "b": nil}, map[string]map[string]any{"b": s3(true)}, "cdktf.out",
			[]string{"stack a: keeps its state in a local file"}},
		"local backend named": {map[string][]string{"a": nil}, map[string]map[string]any{"a": {"local": map[string]any{"path": "a.tfstate"}}}, "cdktf.out",
			[]string{"stack a: keeps its state in a local file"}},
		"no lock": {map[string][]string{"a": nil}, map[string]map[string]any{"a": s3(false)}, "cdktf.out",
			[]string{"stack a: keeps its state in S3 without a lock"}},
		"unknown dependency": {map[string][]string{"a": {"gone"}}, map[string]map[string]any{"a": s3(true)}, "cdktf.out",
			[]string{"stack a depends on gone, which is not a stack of the output folder"}},
		"cycle": {map[string][]string{"a": {"b"}, "b": {"a"}}, map[string]map[string]any{"a": s3(true), "b": s3(true)}, "cdktf.out",
			[]string{"stacks a -> b -> a depend on each other in a cycle"}},
		"outside the repository": {map[string][]string{"a": nil}, map[string]map[string]any{"a": s3(true)}, "../out",
			[]string{"output folder ../out: it must be inside the repository"}},
	} {
		_, err := ReadStacks(outdir(t, c.deps, c.backends), c.repoDir)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want %q", name, err, w)
			}
		}
	}
	if _, err := ReadStacks(t.TempDir(), "cdktf.out"); err == nil || !strings.Contains(err.Error(), "there is no manifest: synthesize first") {
		t.Errorf("no manifest: %v", err)
	}
}

// A stack synthesized as HCL (cdk.tf) is read too: its backend block and
// its lock setting.
func TestHCLStack(t *testing.T) {
	dir := outdir(t, map[string][]string{"a": nil}, nil)
	raw, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(strings.ReplaceAll(string(raw), "cdk.tf.json", "cdk.tf")), 0o644); err != nil {
		t.Fatal(err)
	}
	write := func(hcl string) {
		if err := os.WriteFile(filepath.Join(dir, "stacks", "a", "cdk.tf"), []byte(hcl), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n    use_lockfile = true\n  }\n}\n")
	stacks, err := ReadStacks(dir, "out")
	if err != nil || len(stacks) != 1 || stacks[0].File != "cdk.tf" || stacks[0].Backend != "s3" {
		t.Fatalf("%+v %v", stacks, err)
	}
	write("terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n  }\n}\n")
	if _, err := ReadStacks(dir, "out"); err == nil || !strings.Contains(err.Error(), "without a lock") {
		t.Errorf("HCL without a lock: %v", err)
	}
	write("terraform {\n}\n")
	if _, err := ReadStacks(dir, "out"); err == nil || !strings.Contains(err.Error(), "local file") {
		t.Errorf("HCL without a backend: %v", err)
	}
}

// Found by trying to break it: a lock setting elsewhere in an HCL stack
// (a remote state's) is not the backend's; and the output folder's name
// in the header cannot add YAML of its own, whatever it holds.
func TestLockAndHeaderEdges(t *testing.T) {
	dir := outdir(t, map[string][]string{"a": nil}, nil)
	raw, _ := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(strings.ReplaceAll(string(raw), "cdk.tf.json", "cdk.tf")), 0o644); err != nil {
		t.Fatal(err)
	}
	hcl := "terraform {\n  backend \"s3\" {\n    bucket = \"state\"\n  }\n}\ndata \"terraform_remote_state\" \"x\" {\n  backend = \"s3\"\n  config = {\n    use_lockfile = true\n  }\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "stacks", "a", "cdk.tf"), []byte(hcl), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadStacks(dir, "out"); err == nil || !strings.Contains(err.Error(), "without a lock") {
		t.Errorf("a lock setting outside the backend block: %v", err)
	}
	yaml := string(Atlantis(nil, "out\nprojects: []\n#/manifest.json"))
	if first, _, _ := strings.Cut(yaml, "\n"); !strings.HasPrefix(first, Header+` "out\nprojects: []\n#/manifest.json"`) {
		t.Errorf("the header line: %q", first)
	}
	if strings.Count("\n"+yaml, "\nprojects:") != 1 {
		t.Errorf("the source's text made YAML:\n%s", yaml)
	}
}
