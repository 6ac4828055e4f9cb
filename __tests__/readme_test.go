package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// TestReadmeExampleIsTheRunnableFile checks that the README's "Using the
// construct from your own app" shows exactly examples/readme/main.go (after
// its header comment), and runs that program.
func TestReadmeExampleIsTheRunnableFile(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "examples", "readme", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	code := string(src)
	code = code[strings.Index(code, "package main"):]
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```go\n"+code+"```") {
		t.Errorf("the README's example differs from examples/readme/main.go; copy the file into the README")
	}
	if testing.Short() {
		return
	}
	bin := filepath.Join(t.TempDir(), "readme")
	if out, err := exec.Command("go", "build", "-o", bin, "../examples/readme").CombinedOutput(); err != nil {
		t.Fatalf("building examples/readme: %v\n%s", err, out)
	}
	out := t.TempDir()
	res := runWith(t, t.TempDir(), []string{"CDKTF_OUTDIR=" + out}, bin)
	if res.code != 0 {
		t.Fatalf("examples/readme exited %d:\n%s", res.code, res.stderr)
	}
	if left := res.leftJsiiRuntime(t); len(left) != 0 {
		t.Errorf("examples/readme left %v", left)
	}
	raw, err := os.ReadFile(filepath.Join(out, "stacks", "orders", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Parse(t, string(raw))
	doc.Resource(t, "aws_kms_key", "orders_key")
	if g := doc.Resource(t, "aws_iam_role_policy", "orders_key_grant_aws_iam_role_app_decrypt"); g["role"] != synthtest.Ref("aws_iam_role.app", "name") {
		t.Errorf("grant on %v", g["role"])
	}
	if lg := doc.Resource(t, "aws_cloudwatch_log_group", "app_logs"); lg["kms_key_id"] != synthtest.Ref("aws_kms_key.orders_key", "arn") {
		t.Errorf("log group key %v", lg["kms_key_id"])
	}
}

// TestReadmeConsumerSetupWorksInAnEmptyFolder follows the README's "Using
// the construct from your own app" literally in an empty folder beside a
// checkout (this one): its shell commands, the program it shows, then the
// rest of its commands. The module must build and synthesize with the
// dependencies at the versions this repository's go.mod pins.
func TestReadmeConsumerSetupWorksInAnEmptyFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a module of its own")
	}
	t.Parallel()
	readme, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)[strings.Index(string(readme), "## Using the construct from your own app"):]
	start := strings.Index(section, "```sh\n")
	if start < 0 {
		t.Fatal("the README's consumer section has no sh block")
	}
	block := section[start+len("```sh\n"):]
	block = block[:strings.Index(block, "```")]
	const split = "# write main.go (below), then:\n"
	before, after, ok := strings.Cut(block, split)
	if !ok {
		t.Fatalf("the README's consumer commands lack the line %q:\n%s", split, block)
	}
	src, err := os.ReadFile(filepath.Join("..", "examples", "readme", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	code := string(src)[strings.Index(string(src), "package main"):]

	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	orders := filepath.Join(dir, "orders")
	if err := os.Mkdir(orders, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(root, filepath.Join(dir, "cdktf-kms")); err != nil {
		t.Fatal(err)
	}
	env := childEnv(t, t.TempDir(), "GOFLAGS=", "GOWORK=off")
	sh := func(script string) {
		t.Helper()
		cmd := exec.Command("sh", "-ec", script)
		cmd.Dir, cmd.Env = orders, env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v\n%s\n%s", err, script, out)
		}
	}
	sh(before)
	if err := os.WriteFile(filepath.Join(orders, "main.go"), []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	sh(after)

	if _, err := os.Stat(filepath.Join(orders, "cdktf.out", "stacks", "orders", "cdk.tf.json")); err != nil {
		t.Errorf("go run . synthesized nothing: %v", err)
	}
	pinned := requirements(t, filepath.Join(root, "go.mod"))
	got := requirements(t, filepath.Join(orders, "go.mod"))
	for _, m := range []string{"github.com/hashicorp/terraform-cdk-go/cdktf", "github.com/cdktf/cdktf-provider-aws-go/aws/v19", "github.com/aws/constructs-go/constructs/v10", "github.com/aws/jsii-runtime-go"} {
		if got[m] != pinned[m] || pinned[m] == "" {
			t.Errorf("the consumer's go.mod has %s %s, this repository pins %s", m, got[m], pinned[m])
		}
	}
}

// requirements reads the module versions a go.mod requires.
func requirements(t *testing.T, gomod string) map[string]string {
	t.Helper()
	cmd := exec.Command("go", "mod", "edit", "-json", gomod)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go mod edit -json %s: %v", gomod, err)
	}
	var mod struct {
		Require []struct{ Path, Version string }
	}
	if err := json.Unmarshal(out, &mod); err != nil {
		t.Fatal(err)
	}
	req := map[string]string{}
	for _, r := range mod.Require {
		req[r.Path] = r.Version
	}
	return req
}
