// Package tfconfig reads a synthesized Terraform configuration, in JSON
// syntax (cdk.tf.json) or native syntax (cdk.tf), into one normalized form,
// so that the tests can compare the two outputs of the same stack: the same
// resources, data sources, providers, outputs and settings, with the same
// argument values.
//
// Values are evaluated as Terraform would, except references, which
// evaluate to their own text ("${aws_kms_key.k.arn}"): both syntaxes then
// give the same value for the same argument. Strings that hold JSON
// documents (policies) are parsed, so that escaping differences between the
// syntaxes do not count. Nested blocks of the native syntax and their JSON
// objects compare equal; a block list of one compares equal to the block.
package tfconfig

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// topLevel are the blocks of a configuration.
var topLevel = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "terraform"},
	{Type: "provider", LabelNames: []string{"name"}},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "moved"},
	{Type: "import"},
}}

// Load reads a configuration file (.tf.json or .tf) into the normalized
// form: block type, then labels, then the block's values.
func Load(path string) (map[string]any, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := hclparse.NewParser()
	var file *hcl.File
	var diags hcl.Diagnostics
	if strings.HasSuffix(path, ".json") {
		file, diags = p.ParseJSON(src, path)
	} else {
		file, diags = p.ParseHCL(src, path)
	}
	if diags.HasErrors() {
		return nil, diags
	}
	content, diags := file.Body.Content(topLevel)
	if diags.HasErrors() {
		return nil, diags
	}
	out := map[string]any{}
	for _, b := range content.Blocks {
		v, err := bodyValue(b.Body, src)
		if err != nil {
			return nil, fmt.Errorf("%s %v: %w", b.Type, b.Labels, err)
		}
		if b.Type == "moved" || b.Type == "import" {
			addresses(v)
		}
		put(out, append([]string{b.Type}, b.Labels...), v)
	}
	return normalize(out), nil
}

// addresses turns the addresses of a moved or import block into their text:
// the native syntax writes them as references, the JSON syntax as strings.
func addresses(block map[string]any) {
	for _, k := range []string{"from", "to"} {
		if s, ok := block[k].(string); ok && strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") {
			block[k] = s[2 : len(s)-1]
		}
	}
}

// put adds a block's value under its path; blocks with the same path (two
// providers "aws") become a list.
func put(m map[string]any, path []string, v any) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			m[p] = next
		}
		m = next
	}
	last := path[len(path)-1]
	switch existing := m[last].(type) {
	case nil:
		m[last] = v
	case []any:
		m[last] = append(existing, v)
	default:
		m[last] = []any{existing, v}
	}
}

// bodyValue evaluates a block body: attributes, and for the native syntax
// nested blocks (the JSON syntax has them as object attributes).
func bodyValue(body hcl.Body, src []byte) (map[string]any, error) {
	out := map[string]any{}
	if syn, ok := body.(*hclsyntax.Body); ok {
		for name, attr := range syn.Attributes {
			v, err := exprValue(attr.Expr)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			out[name] = v
		}
		for _, b := range syn.Blocks {
			v, err := bodyValue(b.Body, src)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", b.Type, err)
			}
			put(out, append([]string{b.Type}, b.Labels...), v)
		}
		return out, nil
	}
	attrs, diags := body.JustAttributes()
	if diags.HasErrors() {
		return nil, diags
	}
	for name, attr := range attrs {
		if name == "//" {
			continue // cdktf's metadata
		}
		v, err := exprValue(attr.Expr)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		out[name] = v
	}
	return out, nil
}

// functions are the Terraform functions references may pass through.
var functions = map[string]function.Function{
	"regex": stdlib.RegexFunc, "lookup": stdlib.LookupFunc, "element": stdlib.ElementFunc,
	"split": stdlib.SplitFunc, "join": stdlib.JoinFunc, "jsonencode": stdlib.JSONEncodeFunc,
	"jsondecode": stdlib.JSONDecodeFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
	// the reach checks of principals given by reference (preconditions)
	"can": tryfunc.CanFunc, "try": tryfunc.TryFunc,
}

// exprValue evaluates an expression with every reference standing for its
// own text.
func exprValue(expr hcl.Expression) (any, error) {
	ctx := &hcl.EvalContext{Variables: referenceValues(expr.Variables()), Functions: functions}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return nil, diags
	}
	// JSON strings (policies) compare as documents.
	if v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
		s := v.AsString()
		var doc any
		if t := strings.TrimSpace(s); (strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[")) && json.Unmarshal([]byte(s), &doc) == nil {
			return doc, nil
		}
		return s, nil
	}
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil, err
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// referenceValues builds variables in which each traversal evaluates to
// "${<traversal>}".
func referenceValues(traversals []hcl.Traversal) map[string]cty.Value {
	type node map[string]any
	roots := node{}
	for _, tr := range traversals {
		names := []string{tr.RootName()}
		for _, step := range tr[1:] {
			switch s := step.(type) {
			case hcl.TraverseAttr:
				names = append(names, s.Name)
			case hcl.TraverseIndex:
				if s.Key.Type() == cty.String {
					names = append(names, s.Key.AsString())
				}
			}
		}
		text := strings.Join(names, ".")
		m := roots
		for i, n := range names {
			if i == len(names)-1 {
				if _, isNode := m[n].(node); !isNode {
					m[n] = "${" + text + "}"
				}
				break
			}
			next, ok := m[n].(node)
			if !ok {
				next = node{}
				m[n] = next
			}
			m = next
		}
	}
	var toValue func(any) cty.Value
	toValue = func(v any) cty.Value {
		switch x := v.(type) {
		case node:
			attrs := map[string]cty.Value{}
			for k, e := range x {
				attrs[k] = toValue(e)
			}
			return cty.ObjectVal(attrs)
		case string:
			return cty.StringVal(x)
		}
		return cty.NilVal
	}
	out := map[string]cty.Value{}
	for name, v := range roots {
		out[name] = toValue(v)
	}
	return out
}

// normalize makes a list of one object equal to the object, at every depth.
func normalize(v any) map[string]any {
	return norm(v).(map[string]any)
}

func norm(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			out[k] = norm(e)
		}
		return out
	case []any:
		if len(x) == 1 {
			if m, ok := x[0].(map[string]any); ok {
				return norm(m)
			}
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = norm(e)
		}
		return out
	}
	return v
}
