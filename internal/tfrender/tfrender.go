// Package tfrender reads synthesized Terraform templates back the way
// Terraform does: it evaluates literal templates, splits a synthesized
// string into literal text and references, and renders a template with its
// references kept as "${...}" (the access report reads policies with it;
// the tests compare what AWS receives). It parses HCL, which the construct
// never needs: the construct writes templates with package tftemplate.
package tfrender

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// Evaluate evaluates a template without tokens the way Terraform does and
// returns the string it stands for. The tests and the fuzz targets use it to
// check that tftemplate.Escape round-trips; the real terraform binary checks the same
// in the end-to-end tests.
func Evaluate(template string, syntax tftemplate.Syntax) (string, error) {
	var expr hclsyntax.Expression
	var diags hcl.Diagnostics
	if syntax == tftemplate.HCL {
		expr, diags = hclsyntax.ParseExpression([]byte(`"`+template+`"`), "template.hcl", hcl.InitialPos)
	} else {
		expr, diags = hclsyntax.ParseTemplate([]byte(template), "template", hcl.InitialPos)
	}
	if diags.HasErrors() {
		return "", diags
	}
	v, diags := expr.Value(nil)
	if diags.HasErrors() {
		return "", diags
	}
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", fmt.Errorf("template evaluates to %#v, not a string", v)
	}
	return v.AsString(), nil
}

// Render evaluates a synthesized template (JSON syntax) the way Terraform
// does, except that interpolations which need values known only at apply
// (references to resources, functions of them) stay as they are, "${...}".
// The result is what AWS receives with references in their Terraform form:
// the tests compare it with the construct's rendered policies, and the scan
// reads synthesized policies with it.
func Render(template string) (string, error) { return render(template, false) }

// RenderJSON is Render for a template of a JSON document (a policy): a
// reference that Terraform would put inside a JSON string is escaped for
// it, and one that stands for a whole value (jsonencode(...) of a list
// reference) is written as a JSON string "${...}", so that the result is
// JSON with each reference as a string.
func RenderJSON(template string) (string, error) { return render(template, true) }

func render(template string, inJSON bool) (string, error) {
	parts, err := Parts(template)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var json jsonState
	for _, part := range parts {
		if part.Reference == "" {
			b.WriteString(part.Literal)
			json.scan(part.Literal)
			continue
		}
		ref := "${" + part.Reference + "}"
		// In a JSON document the reference stays a JSON string: escaped
		// inside a string, and quoted where it stands for a whole value
		// (jsonencode(...) of a list reference).
		quoted := strconv.Quote(ref)
		if !inJSON {
			b.WriteString(ref)
		} else if json.inString {
			b.WriteString(quoted[1 : len(quoted)-1])
		} else {
			b.WriteString(quoted)
		}
	}
	return b.String(), nil
}

// Part is one piece of a synthesized template: literal text (escapes
// already undone), or an interpolation that needs a value from elsewhere,
// given as its expression's source text (Reference, without "${" and "}").
type Part struct {
	Literal, Reference string
}

// Parts splits a synthesized string as Terraform parses it into literal
// text and references; an interpolation that needs no value from elsewhere
// (${"$"}) is literal text. The error is Terraform's for a string it cannot
// parse.
func Parts(template string) ([]Part, error) {
	src := []byte(template)
	expr, diags := hclsyntax.ParseTemplate(src, "template", hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	exprs := []hclsyntax.Expression{expr}
	if t, ok := expr.(*hclsyntax.TemplateExpr); ok {
		exprs = t.Parts
	}
	var out []Part
	for _, e := range exprs {
		if wrap, ok := e.(*hclsyntax.TemplateWrapExpr); ok {
			e = wrap.Wrapped
		}
		if len(e.Variables()) == 0 {
			v, diags := e.Value(nil)
			if !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
				out = append(out, Part{Literal: v.AsString()})
				continue
			}
		}
		r := e.Range()
		out = append(out, Part{Reference: string(src[r.Start.Byte:r.End.Byte])})
	}
	return out, nil
}

// jsonState follows whether JSON text written so far ends inside a string.
type jsonState struct{ inString, escaped bool }

func (j *jsonState) scan(s string) {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case j.escaped:
			j.escaped = false
		case j.inString && c == '\\':
			j.escaped = true
		case c == '"':
			j.inString = !j.inString
		}
	}
}
