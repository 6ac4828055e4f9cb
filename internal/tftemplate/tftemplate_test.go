package tftemplate

import (
	"strings"
	"testing"
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
	for _, syntax := range []Syntax{JSON, HCL} {
		for _, lit := range literals {
			tpl := Escape(lit, syntax)
			got, err := Evaluate(tpl, syntax)
			if err != nil {
				t.Errorf("syntax %d: Escape(%q) = %q does not parse: %v", syntax, lit, tpl, err)
				continue
			}
			if got != lit {
				t.Errorf("syntax %d: Escape(%q) = %q evaluates to %q", syntax, lit, tpl, got)
			}
		}
	}
}

func TestStringsWithoutTemplateSyntaxAreUnchangedInJSON(t *testing.T) {
	for _, s := range []string{"plain", "a $ b", "a % b", "quotes \" stay for the JSON encoder", "{}"} {
		if got := Escape(s, JSON); got != s {
			t.Errorf("Escape(%q, JSON) = %q, want it unchanged", s, got)
		}
	}
}

func TestTokenMarkersAreKept(t *testing.T) {
	const tok = "${TfToken[TOKEN.12]}"
	cases := map[string]string{
		"arn:" + tok:                "arn:" + tok,
		"role/${" + tok + "}":       `role/${"$"}{` + tok + "}",
		"x$" + tok:                  `x${"$"}` + tok,
		"%{" + tok:                  "%%{" + tok,
		tok + "${a}" + tok:          tok + `${"$"}{a}` + tok,
		"a$ b" + tok:                "a$ b" + tok,
		"q\"" + tok + "\\":          "q\"" + tok + "\\",
		"{\"AWS\":\"" + tok + "\"}": "{\"AWS\":\"" + tok + "\"}",
		"#{TfToken[TOKEN.1]} stays": "#{TfToken[TOKEN.1]} stays",
	}
	for in, want := range cases {
		if got := Escape(in, JSON); got != want {
			t.Errorf("Escape(%q, JSON) = %q, want %q", in, got, want)
		}
	}
	if got := Escape("q\""+tok, HCL); got != `q\"`+tok {
		t.Errorf("HCL: quotes around a token are escaped: got %q", got)
	}
}

func TestMarkerRecognitionMatchesCdktf(t *testing.T) {
	yes := []string{"${TfToken[TOKEN.0]}", "a${TfToken[TOKEN.123]}b", "${TfToken[Token.1]}"}
	no := []string{"", "${TfToken[]}", "$${TfToken[ TOKEN.1]}", "TfToken[TOKEN.1]", "#{TfToken[TOKEN.1]}", "${var.x}"}
	for _, s := range yes {
		if !IsUnresolved(s) {
			t.Errorf("IsUnresolved(%q) = false", s)
		}
	}
	for _, s := range no {
		if IsUnresolved(s) {
			t.Errorf("IsUnresolved(%q) = true", s)
		}
	}
	if !HasComplexMarker("x#{TfToken[TOKEN.1]}") || !HasComplexMarker("&{TfToken[TOKEN.2]}") || HasComplexMarker("#{x}") {
		t.Error("HasComplexMarker misreads list or map markers")
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
		if Problem(s) != "" || IsUnresolved(s) {
			t.Skip()
		}
		for _, syntax := range []Syntax{JSON, HCL} {
			tpl := Escape(s, syntax)
			got, err := Evaluate(tpl, syntax)
			if err != nil {
				t.Fatalf("syntax %d: Escape(%q) = %q does not parse: %v", syntax, s, tpl, err)
			}
			if got != s {
				t.Fatalf("syntax %d: Escape(%q) = %q evaluates to %q", syntax, s, tpl, got)
			}
		}
	})
}

func TestTerraformNormalizesToNFC(t *testing.T) {
	// The reason non-NFC strings are refused rather than escaped.
	got, err := Evaluate(Escape("x\u2000y", JSON), JSON)
	if err != nil || got == "x\u2000y" || IsNFC("x\u2000y") {
		t.Errorf("expected HCL to normalize U+2000: got %q, %v", got, err)
	}
}

func TestProblemsNameWhatTerraformWouldChange(t *testing.T) {
	for s, want := range map[string]string{
		"ok":       "",
		"e\u0301":  "normalization form C",
		"a\rb${x}": "carriage return",
		"end\r":    "carriage return",
		"\xff":     "UTF-8",
		"crlf\r\n": "",
	} {
		got := Problem(s)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("Problem(%q) = %q, want it to mention %q", s, got, want)
		}
	}
}

func TestRenderKeepsReferencesAndEvaluatesTheRest(t *testing.T) {
	cases := map[string]string{
		`plain`:                                  `plain`,
		`a $${b} %%{c}`:                          `a ${b} %{c}`,
		`role/${"$"}{x}/${aws_iam_role.app.arn}`: `role/${x}/${aws_iam_role.app.arn}`,
		`${regex("[^/]+$", aws_iam_role.app.arn)}!`: `${regex("[^/]+$", aws_iam_role.app.arn)}!`,
		`{"AWS":"${data.x.y.z}"}`:                   `{"AWS":"${data.x.y.z}"}`,
	}
	for in, want := range cases {
		got, err := Render(in)
		if err != nil || got != want {
			t.Errorf("Render(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// TestRenderJSONKeepsTheDocumentJSON: references in a JSON document's
// template stay JSON strings, escaped inside a string and quoted where
// they stand for a whole value (jsonencode of a list reference).
func TestRenderJSONKeepsTheDocumentJSON(t *testing.T) {
	for template, want := range map[string]string{
		`{"AWS":${jsonencode(concat(["arn:aws:iam::1:role/a"], var.x))},"B":"x"}`: `{"AWS":"${jsonencode(concat([\"arn:aws:iam::1:role/a\"], var.x))}","B":"x"}`,
		`{"R":"role/${regex("[^/]+$", aws_iam_role.a.arn)}"}`:                     `{"R":"role/${regex(\"[^/]+$\", aws_iam_role.a.arn)}"}`,
		`{"A":"a \"quoted\" ${var.x}","B":${var.y}}`:                              `{"A":"a \"quoted\" ${var.x}","B":"${var.y}"}`,
		`{"A":"$${x}"}`: `{"A":"${x}"}`,
	} {
		got, err := RenderJSON(template)
		if err != nil || got != want {
			t.Errorf("RenderJSON(%s) = %s, %v; want %s", template, got, err, want)
		}
	}
}

func TestIsListToken(t *testing.T) {
	for s, want := range map[string]bool{
		"#{TfToken[TOKEN.12]}":  true,
		"${TfToken[TOKEN.12]}":  false,
		"&{TfToken[TOKEN.12]}":  false,
		"x#{TfToken[TOKEN.12]}": false,
		"#{TfToken[TOKEN.12]}x": false,
		"arn:aws:iam::1:root":   false,
	} {
		if got := IsListToken(s); got != want {
			t.Errorf("IsListToken(%q) = %v, want %v", s, got, want)
		}
	}
}
