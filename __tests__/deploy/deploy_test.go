//go:build e2e

package deploy

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/envgen"
)

// deployEnvironments is the entry point for environments: it synthesizes a
// cdktf.json environments object (a JSON string, as in cdktf.json's
// "context") with the app, starts an emulator, and runs every stack
// through init, validate, plan, apply, a plan that must show no changes,
// the read-back and destroy, each a named subtest:
//
//	TestX/kms-<env>/{prepare,init,validate,plan,apply,plan shows no changes,read back,destroy}
func deployEnvironments(t *testing.T, environments string) {
	t.Helper()
	e := newEnv(t)
	e.deploy(t, e.synthEnvironments(t, environments))
}

// TestOpenTofu deploys the shipped environments, the examples and the
// all-features environment with OpenTofu: init from the filesystem mirror
// (under OpenTofu's registry address), apply, a second plan with no
// changes, read-back, destroy (prod's refused).
func TestOpenTofu(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "security", "all-features.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, environments := range map[string]string{
		"shipped":      readEnvironments(t, filepath.Join("..", "..", "cdktf.json")),
		"examples":     readEnvironments(t, filepath.Join("..", "..", "examples", "environments", "cdktf.json")),
		"all-features": `{"all-features": ` + string(raw) + `}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newOpenTofuEnv(t)
			e.deploy(t, e.synthEnvironments(t, environments))
		})
	}
}

// readEnvironments reads the environments object of a cdktf.json file.
func readEnvironments(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Context struct {
			Environments json.RawMessage `json:"environments"`
		} `json:"context"`
	}
	if err := json.Unmarshal(raw, &cfg); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return string(cfg.Context.Environments)
}

// TestShippedEnvironments deploys dev, stage and prod of the repository's
// cdktf.json; prod's destroy is refused by prevent_destroy.
func TestShippedEnvironments(t *testing.T) {
	t.Parallel()
	deployEnvironments(t, readEnvironments(t, filepath.Join("..", "..", "cdktf.json")))
}

// TestExampleEnvironments deploys examples/environments: monitoring with an
// S3 backend, a multi-Region key, an HMAC key, EBS service users and
// grants, CloudTrail logs with a Deny.
func TestExampleEnvironments(t *testing.T) {
	t.Parallel()
	deployEnvironments(t, readEnvironments(t, filepath.Join("..", "..", "examples", "environments", "cdktf.json")))
}

// TestAllFeaturesEnvironment deploys security/all-features.json, the
// environment with every option on.
func TestAllFeaturesEnvironment(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("..", "..", "security", "all-features.json"))
	if err != nil {
		t.Fatal(err)
	}
	deployEnvironments(t, `{"all-features": `+string(raw)+`}`)
}

// TestCompositionApp deploys the composition app (__tests__/composition):
// keys wired to roles, log groups, buckets and a topic of the same app, a
// key nested in a construct, a key looked up by alias, a second stack that
// reads the key's ARN from the first one's state, and two environments
// that grant one shared role. Its stacks written as HCL (its checks of
// references among them, as lifecycle precondition blocks) plan no
// changes in the same folders and state.
func TestCompositionApp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	dir := t.TempDir()
	bin := goBinary(t, "../composition")
	e.synth(t, dir, bin)
	p := e.loadProject(t, dir)
	p.hclApp = bin
	e.deploy(t, p)
}

// generatedSeeds are the fixed seeds of TestGeneratedEnvironments (each
// gives envgen.Count environments); a failure names its seed, and
// CDKTF_KMS_E2E_SEEDS (comma-separated) replaces them to reproduce or
// explore.
var generatedSeeds = []uint64{envgen.Seed}

// TestGeneratedEnvironments deploys randomly generated environments (see
// __tests__/deploy/internal/envgen): random principals, administrators and users, aliases,
// tags, descriptions with template characters, roles and native grants.
func TestGeneratedEnvironments(t *testing.T) {
	seeds := generatedSeeds
	if s := os.Getenv("CDKTF_KMS_E2E_SEEDS"); s != "" {
		seeds = nil
		for _, f := range strings.Split(s, ",") {
			var n uint64
			if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil {
				t.Fatalf("CDKTF_KMS_E2E_SEEDS: %q is not a number", f)
			}
			seeds = append(seeds, n)
		}
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			t.Parallel()
			environments := envgen.JSON(seed, envgen.Count)
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("environments of seed %d:\n%s", seed, environments)
				}
			})
			deployEnvironments(t, environments)
		})
	}
}

// TestGivenEnvironments deploys the environments in
// CDKTF_KMS_E2E_ENVIRONMENTS: a cdktf.json environments object, or @path of
// a file that holds one (or a whole cdktf.json).
func TestGivenEnvironments(t *testing.T) {
	v := os.Getenv("CDKTF_KMS_E2E_ENVIRONMENTS")
	if v == "" {
		t.Skip("set CDKTF_KMS_E2E_ENVIRONMENTS to an environments object (or @file) to deploy it")
	}
	if path, ok := strings.CutPrefix(v, "@"); ok {
		raw, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		v = string(raw)
		var whole map[string]json.RawMessage
		if json.Unmarshal(raw, &whole) == nil && whole["context"] != nil {
			v = readEnvironments(t, path)
		}
	}
	deployEnvironments(t, v)
}
