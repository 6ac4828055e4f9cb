package tests

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/tfconfig"
)

// hclCase is a configuration whose stacks are synthesized as JSON and as
// HCL.
type hclCase struct {
	name string
	// synth synthesizes into a new folder, as HCL when hcl is set, and
	// returns the folder.
	synth func(t *testing.T, hcl bool) string
}

func appSynth(environments string) func(t *testing.T, hcl bool) string {
	return func(t *testing.T, hcl bool) string {
		dir := projectDir(t, environments)
		var args []string
		if hcl {
			args = []string{"-hcl"}
		}
		res := run(t, dir, builtApp(t), args...)
		if res.code != 0 {
			t.Fatalf("app %v exited %d:\n%s", args, res.code, res.stderr)
		}
		// -hcl re-runs the app; neither run may leave its runtime folder.
		if left := res.leftJsiiRuntime(t); len(left) != 0 {
			t.Errorf("app %v left %v in its temp directory", args, left)
		}
		return dir
	}
}

func shippedEnvironments(t *testing.T) string {
	t.Helper()
	var file struct {
		Context struct {
			Environments json.RawMessage `json:"environments"`
		} `json:"context"`
	}
	raw, err := os.ReadFile(filepath.Join("..", "cdktf.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	return string(file.Context.Environments)
}

func allFeaturesEnvironment(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "security", "all-features.json"))
	if err != nil {
		t.Fatal(err)
	}
	return `{"all-features": ` + string(raw) + `}`
}

// TestHCLOutputParsesAndMatchesJSON synthesizes the shipped stacks, the
// all-features environment and the composition app as JSON and as HCL
// (-hcl, SYNTH_HCL_OUTPUT=true). Every cdk.tf must pass the real
// terraform's parser (terraform fmt fails on a syntax error) and hcl/v2's,
// and hold the same blocks and values as the stack's cdk.tf.json (policies
// compared as parsed JSON). cdktf 0.20's own HCL renderer leaves quotes
// unescaped in a string that also holds a reference; the construct writes
// its strings for HCL already escaped when SYNTH_HCL_OUTPUT is set.
func TestHCLOutputParsesAndMatchesJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end runs of the app and the composition app; skipped with -short")
	}
	t.Parallel()
	cases := []hclCase{
		{"shipped", appSynth(shippedEnvironments(t))},
		{"all-features", appSynth(allFeaturesEnvironment(t))},
		{"composition", func(t *testing.T, hcl bool) string {
			if hcl {
				return synthComposition(t, "SYNTH_HCL_OUTPUT=true")
			}
			return synthComposition(t)
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			jsonDir, hclDir := tc.synth(t, false), tc.synth(t, true)
			stacks, err := os.ReadDir(filepath.Join(jsonDir, "cdktf.out", "stacks"))
			if err != nil || len(stacks) == 0 {
				t.Fatalf("no stacks were synthesized: %v", err)
			}
			for _, s := range stacks {
				jsonFile := filepath.Join(jsonDir, "cdktf.out", "stacks", s.Name(), "cdk.tf.json")
				hclFile := filepath.Join(hclDir, "cdktf.out", "stacks", s.Name(), "cdk.tf")
				if _, err := os.Stat(strings.TrimSuffix(hclFile, ".tf") + ".tf.json"); err == nil {
					t.Errorf("%s: the HCL synth also wrote cdk.tf.json", s.Name())
				}
				// terraform fmt -check accepts it as it is: canonical style, as
				// docs/pipeline.md promises.
				copyDir := t.TempDir()
				src, err := os.ReadFile(hclFile)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(copyDir, "cdk.tf"), src, 0o644); err != nil {
					t.Fatal(err)
				}
				if _, err := terraform(t, copyDir, "fmt", "-check", "-diff", "cdk.tf"); err != nil {
					t.Errorf("%s: terraform fmt -check refuses the HCL output: %v", s.Name(), err)
					continue
				}
				// Terraform loads it as a configuration (blocks where it
				// wants blocks, the lifecycle's conditions among them):
				// init gets past the configuration and stops only at
				// installing the providers, from an empty mirror.
				if msg := configLoadProblem(t, copyDir); msg != "" {
					t.Errorf("%s: terraform refuses the HCL output as a configuration:\n%s", s.Name(), msg)
					continue
				}
				fromJSON, err := tfconfig.Load(jsonFile)
				if err != nil {
					t.Fatalf("%s: %v", s.Name(), err)
				}
				fromHCL, err := tfconfig.Load(hclFile)
				if err != nil {
					t.Errorf("%s: hcl/v2 refuses the HCL output: %v", s.Name(), err)
					continue
				}
				if !reflect.DeepEqual(fromJSON, fromHCL) {
					t.Errorf("%s: the HCL output differs from the JSON output:\n%s", s.Name(), describeDifference(fromJSON, fromHCL))
				}
			}
		})
	}
}

// describeDifference names the top-level entries that differ.
func describeDifference(a, b map[string]any) string {
	var out []string
	for kind, av := range a {
		am, aok := av.(map[string]any)
		bm, bok := b[kind].(map[string]any)
		if !aok || !bok {
			if !reflect.DeepEqual(av, b[kind]) {
				jx, _ := json.Marshal(av)
				jy, _ := json.Marshal(b[kind])
				out = append(out, kind+" differs:\n  json "+string(jx)+"\n  hcl  "+string(jy))
			}
			continue
		}
		for name, x := range am {
			if y, ok := bm[name]; !ok {
				out = append(out, kind+"."+name+" only in the JSON")
			} else if !reflect.DeepEqual(x, y) {
				jx, _ := json.Marshal(x)
				jy, _ := json.Marshal(y)
				out = append(out, kind+"."+name+" differs:\n  json "+string(jx)+"\n  hcl  "+string(jy))
			}
		}
		for name := range bm {
			if _, ok := am[name]; !ok {
				out = append(out, kind+"."+name+" only in the HCL")
			}
		}
	}
	for kind := range b {
		if _, ok := a[kind]; !ok {
			out = append(out, kind+" only in the HCL")
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// configLoadProblem runs terraform init in dir with an empty provider
// mirror, and returns what it says when the configuration itself is
// refused ("" when init gets to the providers: then the configuration
// loaded, and only the providers are missing).
func configLoadProblem(t *testing.T, dir string) string {
	t.Helper()
	mirror := t.TempDir()
	rc := filepath.Join(t.TempDir(), "terraformrc")
	if err := os.WriteFile(rc, []byte("provider_installation {\n  filesystem_mirror {\n    path = \""+filepath.ToSlash(mirror)+"\"\n  }\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(terraformBinary(t), "init", "-backend=false", "-input=false", "-no-color")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	out, err := cmd.CombinedOutput()
	switch {
	case err == nil:
		return ""
	case strings.Contains(string(out), "must be valid before initialization"):
		return string(out)
	case strings.Contains(string(out), "Failed to query available provider packages"):
		return ""
	}
	return fmt.Sprintf("terraform init: %v\n%s", err, out)
}
