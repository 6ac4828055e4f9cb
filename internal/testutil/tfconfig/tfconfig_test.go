package tfconfig

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func write(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestJSONAndHCLOfTheSameConfigurationCompareEqual(t *testing.T) {
	jsonFile := write(t, "cdk.tf.json", `{
	  "resource": {"aws_kms_key": {"k": {"//": {"metadata": {}}, "policy": "{\"AWS\":\"${aws_iam_role.r.arn}\",\"Literal\":\"$${x}\"}",
	    "lifecycle": {"prevent_destroy": true}, "tags": {"Name": "n"}}}},
	  "output": {"arn": {"value": "${aws_kms_key.k.arn}"}},
	  "moved": [{"from": "module.m.aws_kms_key.k", "to": "aws_kms_key.k"}]
	}`)
	hcl := `
resource "aws_kms_key" "k" {
  policy = "{\"Literal\":\"$${x}\",\"AWS\":\"${aws_iam_role.r.arn}\"}"
  tags = { Name = "n" }
  lifecycle {
    prevent_destroy = true
  }
}
output "arn" { value = aws_kms_key.k.arn }
moved {
  from = module.m.aws_kms_key.k
  to   = aws_kms_key.k
}
`
	hclFile := write(t, "cdk.tf", hcl)
	a, err := Load(jsonFile)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(hclFile)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("the same configuration compares unequal:\n json %v\n hcl  %v", a, b)
	}
	// The same, but for the literal in the policy.
	other := write(t, "other.tf", strings.Replace(hcl, `$${x}`, "x", 1))
	c, err := Load(other)
	if err != nil {
		t.Fatal(err)
	}
	if reflect.DeepEqual(a, c) {
		t.Errorf("a different policy compares equal")
	}
}
