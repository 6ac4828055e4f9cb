package tfresult

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
)

// placeholder stands for the i-th interpolation of a template while the
// JSON document around it is rewritten.
func placeholder(i int) string { return "@@tfresult-ref-" + strconv.Itoa(i) + "@@" }

var placeholderPattern = regexp.MustCompile(`@@tfresult-ref-([0-9]+)@@`)

// RewriteJSONTemplate rewrites a synthesized string that holds a JSON
// document (a policy) and returns a template that Terraform evaluates to
// the rewritten document: f gets the document as encoding/json decodes it,
// with each interpolation that needs a value from elsewhere (a reference)
// as a placeholder string, and returns the new document; the references
// stay references, every literal is escaped again.
func RewriteJSONTemplate(template string, f func(doc any) any) (string, error) {
	parts, err := tfrender.Parts(template)
	if err != nil {
		return "", err
	}
	var rendered strings.Builder
	var refs []string
	for _, part := range parts {
		if part.Reference == "" {
			rendered.WriteString(part.Literal)
			continue
		}
		rendered.WriteString(placeholder(len(refs)))
		refs = append(refs, part.Reference)
	}
	var doc any
	if err := json.Unmarshal([]byte(rendered.String()), &doc); err != nil {
		return "", fmt.Errorf("not a JSON document: %v", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f(doc)); err != nil {
		return "", err
	}
	out := strings.TrimSuffix(buf.String(), "\n")
	var b strings.Builder
	last := 0
	for _, m := range placeholderPattern.FindAllStringSubmatchIndex(out, -1) {
		b.WriteString(escapeLiteral(out[last:m[0]]))
		i, _ := strconv.Atoi(out[m[2]:m[3]])
		if i >= len(refs) {
			return "", fmt.Errorf("placeholder %d has no reference", i)
		}
		b.WriteString("${" + refs[i] + "}")
		last = m[1]
	}
	b.WriteString(escapeLiteral(out[last:]))
	return b.String(), nil
}

// escapeLiteral escapes literal text for a template in JSON syntax: every
// "$" becomes an interpolation of "$" (safe whatever follows it) and "%{"
// becomes "%%{".
func escapeLiteral(s string) string {
	s = strings.ReplaceAll(s, "%{", "%%{")
	return strings.ReplaceAll(s, "$", `${"$"}`)
}
