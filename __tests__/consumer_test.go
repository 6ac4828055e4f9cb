package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// TestConsumerExample builds and runs examples/consumer, a separate Go module
// that imports the construct, and checks that its log group is encrypted
// with the key the construct made.
func TestConsumerExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs examples/consumer; skipped with -short")
	}
	// A separate process: runs beside the in-process tests.
	t.Parallel()
	out := t.TempDir()
	bin := filepath.Join(t.TempDir(), "consumer")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Dir = filepath.Join("..", "examples", "consumer")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building examples/consumer: %v\n%s", err, msg)
	}
	res := runWith(t, t.TempDir(), []string{"CDKTF_OUTDIR=" + out}, bin)
	if res.code != 0 {
		t.Fatalf("examples/consumer exited %d:\n%s", res.code, res.stderr)
	}
	raw, err := os.ReadFile(filepath.Join(out, "stacks", "orders-logs", "cdk.tf.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Parse(t, string(raw))
	logs := doc.Resource(t, "aws_cloudwatch_log_group", "orders_logs")
	if logs["kms_key_id"] != synthtest.Ref("aws_kms_key.logs_key", "arn") {
		t.Errorf("log group kms_key_id = %v, want a reference to the key's ARN", logs["kms_key_id"])
	}
	doc.Resource(t, "aws_kms_key", "logs_key")
	if a := doc.Resource(t, "aws_kms_alias", "logs_key_alias_orders-logs"); a["name"] != "alias/orders-logs" {
		t.Errorf("alias = %v", a)
	}
	role := doc.Resource(t, "aws_iam_role", "logs_key_role_orders-prod-lambda-kms")
	if !strings.Contains(role["assume_role_policy"].(string), "lambda.amazonaws.com") {
		t.Errorf("role trust policy: %v", role["assume_role_policy"])
	}
	if got := doc.Output(t, "reader_role_arn")["value"]; got != synthtest.Ref("aws_iam_role.logs_key_role_orders-prod-lambda-kms", "arn") {
		t.Errorf("reader_role_arn = %v", got)
	}

	// Its unit tests, written as the README says (TestMain with
	// synth.RunTests), run and leave nothing in the temp directory.
	tmp := t.TempDir()
	test := exec.Command("go", "test", "-count=1", ".")
	test.Dir = filepath.Join("..", "examples", "consumer")
	test.Env = childEnv(t, tmp)
	if msg, err := test.CombinedOutput(); err != nil {
		t.Fatalf("go test in examples/consumer: %v\n%s", err, msg)
	}
	if left := entries(t, tmp); len(left) != 0 {
		t.Errorf("the consumer's unit tests left %v in the temp directory", left)
	}
}
