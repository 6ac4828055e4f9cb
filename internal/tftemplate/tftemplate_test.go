package tftemplate

import (
	"strings"
	"testing"
)

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
