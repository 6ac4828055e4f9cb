package pipeline

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/runatlantis/atlantis/server/core/config"
	"github.com/runatlantis/atlantis/server/core/config/valid"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/pipeline"
	"github.com/cdktf-kms/cdktf-kms/synth"
)

func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }

// manifestStack is what cdktf's manifest.json says of a stack.
type manifestStack struct {
	SynthesizedStackPath string   `json:"synthesizedStackPath"`
	Dependencies         []string `json:"dependencies"`
}

// readManifest reads cdktf's manifest.json of an output folder on its own
// (not through the code under test).
func readManifest(t *testing.T, outdir string) map[string]manifestStack {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(outdir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Stacks map[string]manifestStack `json:"stacks"`
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m.Stacks
}

// parseAtlantis parses a repository configuration with Atlantis's own
// parser and validator (strict: an unknown key is an error).
func parseAtlantis(t *testing.T, raw []byte) valid.RepoCfg {
	t.Helper()
	cfg, err := (&config.ParserValidator{}).ParseRepoCfgData(raw, valid.NewGlobalCfgFromArgs(valid.GlobalCfgArgs{}), "github.com/example/platform", "main")
	if err != nil {
		t.Fatalf("Atlantis refuses the configuration: %v\n%s", err, raw)
	}
	return cfg
}

// checkAgainstManifest checks the configuration against the manifest:
// every stack is one project of its name, in its folder (which holds its
// synthesized file), planned when that file changes, depending on exactly
// its dependencies, in a later execution order group than each of them;
// and nothing else.
func checkAgainstManifest(t *testing.T, cfg valid.RepoCfg, stacks map[string]manifestStack, repoRoot, outdirInRepo string) {
	t.Helper()
	if cfg.Version != 3 || cfg.ParallelPlan == nil || !*cfg.ParallelPlan || cfg.ParallelApply == nil || !*cfg.ParallelApply || !cfg.AbortOnExecutionOrderFail {
		t.Errorf("version %d, parallel plan %v, apply %v, abort on order fail %v", cfg.Version, cfg.ParallelPlan, cfg.ParallelApply, cfg.AbortOnExecutionOrderFail)
	}
	if len(cfg.Projects) != len(stacks) {
		t.Errorf("%d projects for %d stacks", len(cfg.Projects), len(stacks))
	}
	group := map[string]int{}
	for _, p := range cfg.Projects {
		if p.Name != nil {
			group[*p.Name] = p.ExecutionOrderGroup
		}
	}
	for name, s := range stacks {
		i := slices.IndexFunc(cfg.Projects, func(p valid.Project) bool { return p.Name != nil && *p.Name == name })
		if i < 0 {
			t.Errorf("stack %s has no project", name)
			continue
		}
		p := cfg.Projects[i]
		wantDir := filepath.ToSlash(filepath.Join(outdirInRepo, filepath.Dir(s.SynthesizedStackPath)))
		if p.Dir != wantDir {
			t.Errorf("project %s: dir %s, want %s", name, p.Dir, wantDir)
		}
		file := filepath.Base(s.SynthesizedStackPath)
		if _, err := os.Stat(filepath.Join(repoRoot, p.Dir, file)); err != nil {
			t.Errorf("project %s: its folder does not hold the stack: %v", name, err)
		}
		if !p.Autoplan.Enabled || !slices.Equal(p.Autoplan.WhenModified, []string{file}) {
			t.Errorf("project %s: autoplan %+v", name, p.Autoplan)
		}
		if got, want := slices.Sorted(slices.Values(p.DependsOn)), slices.Sorted(slices.Values(s.Dependencies)); !slices.Equal(got, want) {
			t.Errorf("project %s: depends_on %v, manifest dependencies %v", name, got, want)
		}
		for _, d := range s.Dependencies {
			if dg, ok := group[d]; !ok || dg >= p.ExecutionOrderGroup {
				t.Errorf("project %s (group %d) is not after its dependency %s (group %d, known %v)", name, p.ExecutionOrderGroup, d, dg, ok)
			}
		}
	}
}

// s3Backend keeps a stack's state in S3, locked with a DynamoDB table.
func s3Backend(stack cdktf.TerraformStack, key string) {
	cdktf.NewS3Backend(stack, &cdktf.S3BackendConfig{
		Bucket: jsii.String("platform-state"), Key: jsii.String(key), Region: jsii.String("eu-west-1"),
		Encrypt: jsii.Bool(true), DynamodbTable: jsii.String("platform-locks"),
	})
}

// A Go app whose stacks depend on each other (a cross-stack grant: the
// apps' stacks read the key stack's outputs), synthesized by cdktf: the
// generated configuration passes Atlantis's parser and matches the
// manifest cdktf wrote, dependencies included.
func TestAtlantisConfigurationOfAGoApp(t *testing.T) {
	repo := t.TempDir()
	outdir := filepath.Join(repo, "cdktf.out")
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir), SkipValidation: jsii.Bool(false)})
	newStack := func(name string) cdktf.TerraformStack {
		s := cdktf.NewTerraformStack(app, jsii.String(name))
		provider.NewAwsProvider(s, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
		s3Backend(s, name+".tfstate")
		return s
	}
	keys := newStack("keys")
	key, err := kms.NewKmsKey(keys, "orders_key", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "orders", Environment: "prod",
	})
	if err != nil {
		t.Fatal(err)
	}
	var previous cdktf.TerraformStack
	for _, name := range []string{"orders-api", "orders-batch"} {
		s := newStack(name)
		role := iamrole.NewIamRole(s, jsii.String("app"), &iamrole.IamRoleConfig{
			Name:             jsii.String(name),
			AssumeRolePolicy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		})
		if _, err := key.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil {
			t.Fatal(err)
		}
		if previous != nil {
			// A stack that also reads the one before it.
			s.AddDependency(previous)
		}
		previous = s
	}
	newStack("unrelated")
	app.Synth()

	stacks := readManifest(t, outdir)
	if deps := stacks["orders-batch"].Dependencies; !slices.Contains(deps, "keys") || !slices.Contains(deps, "orders-api") {
		t.Fatalf("the app does not give the dependencies this test needs: %v", stacks)
	}
	list, err := pipeline.ReadStacks(outdir, "cdktf.out")
	if err != nil {
		t.Fatal(err)
	}
	raw := pipeline.Atlantis(list, "cdktf.out/manifest.json")
	cfg := parseAtlantis(t, raw)
	checkAgainstManifest(t, cfg, stacks, repo, "cdktf.out")
	var order []string
	for _, p := range cfg.Projects {
		order = append(order, *p.Name)
	}
	if want := []string{"keys", "unrelated", "orders-api", "orders-batch"}; !slices.Equal(order, want) {
		t.Errorf("projects in order %v, want %v", order, want)
	}
}

// The product's app, as a user runs it: go run . -atlantis atlantis.yaml in
// a project whose environments keep their state in S3 writes a
// configuration Atlantis accepts, one project per environment's stack; an
// environment with local state is refused before anything is synthesized.
func TestAtlantisFromTheApp(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the app (make test runs it)")
	}
	bin := filepath.Join(t.TempDir(), "cdktf-kms")
	if out, err := exec.Command("go", "-C", "../..", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	env := func(name string, backend bool) map[string]any {
		e := map[string]any{"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": name}
		if backend {
			e["backend"] = map[string]any{"s3": map[string]any{"bucket": "platform-state", "key": "kms/" + name + ".tfstate"}}
		}
		return e
	}
	project := func(envs map[string]any) string {
		dir := t.TempDir()
		raw, _ := json.Marshal(map[string]any{"language": "go", "app": "go run .", "context": map[string]any{"environments": envs}})
		if err := os.WriteFile(filepath.Join(dir, "cdktf.json"), raw, 0o644); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	run := func(dir string, args ...string) (string, error) {
		if len(args) == 0 {
			args = []string{"-atlantis", "atlantis.yaml"}
		}
		cmd := exec.Command(bin, args...)
		cmd.Dir = dir
		// The project's own output folder (cdktf.out), not the tests'.
		cmd.Env = slices.DeleteFunc(os.Environ(), func(kv string) bool { return strings.HasPrefix(kv, synth.OutdirEnv+"=") })
		cmd.Env = append(cmd.Env, "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20", "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}

	dir := project(map[string]any{"dev": env("dev", true), "stage": env("stage", true), "prod": env("prod", true)})
	if out, err := run(dir); err != nil {
		t.Fatalf("go run . -atlantis: %v\n%s", err, out)
	} else if out != "" {
		t.Errorf("a successful run printed:\n%s", out)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "atlantis.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	stacks := readManifest(t, filepath.Join(dir, "cdktf.out"))
	if len(stacks) != 3 {
		t.Fatalf("manifest stacks %v", stacks)
	}
	checkAgainstManifest(t, parseAtlantis(t, raw), stacks, dir, "cdktf.out")

	// Written again over its own earlier file, through a link to it.
	if err := os.Rename(filepath.Join(dir, "atlantis.yaml"), filepath.Join(dir, "real.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.yaml", filepath.Join(dir, "atlantis.yaml")); err != nil {
		t.Fatal(err)
	}
	if out, err := run(dir); err != nil {
		t.Fatalf("writing over its own file: %v\n%s", err, out)
	}
	if fi, err := os.Lstat(filepath.Join(dir, "atlantis.yaml")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	// Never over a file of someone else's, nor a read-only one; never
	// beside -access.
	for name, c := range map[string]struct {
		content string
		mode    os.FileMode
		args    []string
		want    string
	}{
		"a person's file": {"version: 3\nprojects: []\n", 0o644, nil, "atlantis.yaml exists and was not written by -atlantis"},
		"read-only":       {string(raw), 0o444, nil, "atlantis.yaml is read-only"},
		"with -access":    {"", 0, []string{"-access", "-atlantis", "atlantis.yaml"}, "-atlantis writes the configuration of a synth, and -access synthesizes nothing"},
	} {
		dir := project(map[string]any{"prod": env("prod", true)})
		if c.content != "" {
			if err := os.WriteFile(filepath.Join(dir, "atlantis.yaml"), []byte(c.content), c.mode); err != nil {
				t.Fatal(err)
			}
		}
		out, err := run(dir, c.args...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%s: %v\n%s", name, err, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "cdktf.out")); err == nil {
			t.Errorf("%s: something was synthesized", name)
		}
		if c.content != "" {
			if got, _ := os.ReadFile(filepath.Join(dir, "atlantis.yaml")); string(got) != c.content {
				t.Errorf("%s: the file changed", name)
			}
		}
	}

	// docs/pipeline.md shows what it writes for two environments.
	docs, err := os.ReadFile(filepath.Join("..", "..", "docs", "pipeline.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, shown, _ := strings.Cut(string(docs), "For two environments it writes:\n\n```yaml\n")
	shown, _, _ = strings.Cut(shown, "```")
	dir = project(map[string]any{"dev": env("dev", true), "prod": env("prod", true)})
	if out, err := run(dir); err != nil {
		t.Fatalf("two environments: %v\n%s", err, out)
	}
	if written, _ := os.ReadFile(filepath.Join(dir, "atlantis.yaml")); shown == "" || string(written) != shown {
		t.Errorf("docs/pipeline.md shows:\n%s\nthe app writes:\n%s", shown, written)
	}

	dir = project(map[string]any{"dev": env("dev", false), "prod": env("prod", true)})
	out, err := run(dir)
	if err == nil || !strings.Contains(out, "-atlantis: environments dev keep their state in a local file") {
		t.Errorf("an environment with local state: %v\n%s", err, out)
	}
	for _, f := range []string{"atlantis.yaml", "cdktf.out"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("%s was written for a refused configuration", f)
		}
	}
}
