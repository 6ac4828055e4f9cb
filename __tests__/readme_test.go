package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/synthtest"
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
