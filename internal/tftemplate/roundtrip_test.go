package tftemplate_test

// The round trip of Escape through Terraform's evaluation (package
// tfrender, which parses HCL: the construct's package never does).

import (
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// literals are strings that Terraform would evaluate unless escaped, and
// near misses that must pass through unchanged.
var literals = []string{
	"",
	"plain",
	"desc ${upper(\"x\")} %{ if true }y%{ endif }",
	"arn:aws:iam::123456789012:role/${terraform.workspace}/r",
	"$${already escaped} and %%{this}",
	"$$${x}",
	"a $ alone, a % alone, a } alone, { too",
	"ends with $",
	"ends with %",
	"${",
	"%{",
	"quotes \" and backslashes \\ and \\\" both",
	"line\nbreak\r\nand\ttab\r\n${x}",
	"{\"Statement\":[{\"Condition\":{\"StringLike\":{\"aws:PrincipalArn\":\"arn:aws:iam::1:role/${x}\"}}}]}",
	"unicode ✓ ${é}",
	"control \x01 char",
}

func TestEscapedLiteralsEvaluateToThemselves(t *testing.T) {
	for _, syntax := range []tftemplate.Syntax{tftemplate.JSON, tftemplate.HCL} {
		for _, lit := range literals {
			tpl := tftemplate.Escape(lit, syntax)
			got, err := tfrender.Evaluate(tpl, syntax)
			if err != nil {
				t.Errorf("syntax %d: tftemplate.Escape(%q) = %q does not parse: %v", syntax, lit, tpl, err)
				continue
			}
			if got != lit {
				t.Errorf("syntax %d: tftemplate.Escape(%q) = %q evaluates to %q", syntax, lit, tpl, got)
			}
		}
	}
}

// FuzzEscape checks that every token-free string that Terraform can carry
// (Problem returns "") survives Terraform's template evaluation in both
// syntaxes. The construct refuses the others.
func FuzzEscape(f *testing.F) {
	for _, lit := range literals {
		f.Add(lit)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if tftemplate.Problem(s) != "" || tftemplate.IsUnresolved(s) {
			t.Skip()
		}
		for _, syntax := range []tftemplate.Syntax{tftemplate.JSON, tftemplate.HCL} {
			tpl := tftemplate.Escape(s, syntax)
			got, err := tfrender.Evaluate(tpl, syntax)
			if err != nil {
				t.Fatalf("syntax %d: tftemplate.Escape(%q) = %q does not parse: %v", syntax, s, tpl, err)
			}
			if got != s {
				t.Fatalf("syntax %d: tftemplate.Escape(%q) = %q evaluates to %q", syntax, s, tpl, got)
			}
		}
	})
}

func TestTerraformNormalizesToNFC(t *testing.T) {
	// The reason non-NFC strings are refused rather than escaped.
	got, err := tfrender.Evaluate(tftemplate.Escape("x\u2000y", tftemplate.JSON), tftemplate.JSON)
	if err != nil || got == "x\u2000y" || tftemplate.IsNFC("x\u2000y") {
		t.Errorf("expected HCL to normalize U+2000: got %q, %v", got, err)
	}
}
