package tests

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// TestHCLOutputHoldsTheSameKeyAndOutput runs the app with -hcl and reads the
// cdk.tf it writes: the key with the original module's arguments and the
// kms_key_arn output referencing it.
func TestHCLOutputHoldsTheSameKeyAndOutput(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end run of the app binary; skipped with -short")
	}
	// A separate process: runs beside the in-process tests.
	t.Parallel()
	dir := projectDir(t, `{"dev": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "dev",
		"additional_principals": ["arn:aws:iam::123456789012:role/example-role"]}}`)
	res := run(t, dir, builtApp(t), "-hcl")
	if res.code != 0 {
		t.Fatalf("app -hcl exited %d:\n%s", res.code, res.stderr)
	}
	// -hcl re-runs the app; the first run's runtime folder must be gone too.
	if left := res.leftJsiiRuntime(t); len(left) != 0 {
		t.Errorf("app -hcl left %v in its temp directory", left)
	}
	stackDir := filepath.Join(dir, "cdktf.out", "stacks", "kms-dev")
	if _, err := os.Stat(filepath.Join(stackDir, "cdk.tf.json")); err == nil {
		t.Errorf("-hcl also wrote cdk.tf.json")
	}
	file, diags := hclparse.NewParser().ParseHCLFile(filepath.Join(stackDir, "cdk.tf"))
	if diags.HasErrors() {
		t.Fatalf("cdk.tf is not valid HCL: %s", diags)
	}
	content, _, diags := file.Body.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "output", LabelNames: []string{"name"}},
	}})
	if diags.HasErrors() {
		t.Fatal(diags)
	}
	var key, output *hcl.Block
	for _, b := range content.Blocks {
		switch {
		case b.Type == "resource" && b.Labels[0] == "aws_kms_key" && b.Labels[1] == "general_encryption_key":
			key = b
		case b.Type == "output" && b.Labels[0] == "kms_key_arn":
			output = b
		}
	}
	if key == nil || output == nil {
		t.Fatalf("cdk.tf lacks the key or the output:\n%s", file.Bytes)
	}
	attrs, _ := key.Body.JustAttributes()
	want := map[string]cty.Value{
		"description":         cty.StringVal("General KMS key for encrypting CloudWatch logs, S3 buckets, and other resources"),
		"enable_key_rotation": cty.True,
	}
	for name, w := range want {
		a, ok := attrs[name]
		if !ok {
			t.Errorf("key has no %s", name)
			continue
		}
		v, diags := a.Expr.Value(nil)
		if diags.HasErrors() || !v.RawEquals(w) {
			t.Errorf("key %s = %#v, want %#v", name, v, w)
		}
	}
	if _, ok := attrs["policy"]; !ok {
		t.Errorf("key has no policy")
	}
	outAttrs, _ := output.Body.JustAttributes()
	expr := outAttrs["value"].Expr
	// cdktf writes references as "${...}", a template wrapping one expression.
	if wrap, ok := expr.(*hclsyntax.TemplateWrapExpr); ok {
		expr = wrap.Wrapped
	}
	tr, diags := hcl.AbsTraversalForExpr(expr)
	if diags.HasErrors() || tr.RootName() != "aws_kms_key" || len(tr) != 3 {
		t.Errorf("output kms_key_arn is not a reference to aws_kms_key.general_encryption_key.arn:\n%s", file.Bytes)
	} else if tr[1].(hcl.TraverseAttr).Name != "general_encryption_key" || tr[2].(hcl.TraverseAttr).Name != "arn" {
		t.Errorf("output references %v", tr)
	}
}
