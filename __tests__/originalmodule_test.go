package tests

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// moduleResult is what the original module evaluates to for one set of
// inputs: its resources' arguments by address and its outputs' values, with
// references rendered the way cdktf writes them ("${type.name.attr}").
type moduleResult struct {
	Resources map[string]map[string]any
	Outputs   map[string]any
}

// originalModuleSchema is the part of Terraform's language the module uses.
var originalModuleSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "output", LabelNames: []string{"name"}},
	},
}

// terraformFunctions are the Terraform functions the module may call,
// implemented by cty's standard library as in Terraform itself.
var terraformFunctions = map[string]function.Function{
	"concat":     stdlib.ConcatFunc,
	"jsonencode": stdlib.JSONEncodeFunc,
	"format":     stdlib.FormatFunc,
	"join":       stdlib.JoinFunc,
	"lower":      stdlib.LowerFunc,
	"merge":      stdlib.MergeFunc,
	"tolist":     stdlib.MakeToFunc(cty.List(cty.DynamicPseudoType)),
}

// evaluateOriginalModule evaluates the HCL module in dir for the given
// variables (Go strings and []string), as Terraform would for a plan:
// variables get their defaults and types, resources their arguments.
func evaluateOriginalModule(t *testing.T, dir string, inputs map[string]any) moduleResult {
	t.Helper()
	parser := hclparse.NewParser()
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no .tf files in %s: %v", dir, err)
	}
	var blocks hcl.Blocks
	for _, f := range files {
		file, diags := parser.ParseHCLFile(f)
		if diags.HasErrors() {
			t.Fatalf("parsing %s: %s", f, diags)
		}
		content, diags := file.Body.Content(originalModuleSchema)
		if diags.HasErrors() {
			t.Fatalf("reading %s: %s", f, diags)
		}
		blocks = append(blocks, content.Blocks...)
	}

	vars := map[string]cty.Value{}
	for _, b := range blocks.OfType("variable") {
		vars[b.Labels[0]] = variableValue(t, b, inputs)
	}
	for name := range inputs {
		if _, ok := vars[name]; !ok {
			t.Fatalf("input %q is not a variable of the module", name)
		}
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
		Functions: terraformFunctions,
	}

	result := moduleResult{Resources: map[string]map[string]any{}, Outputs: map[string]any{}}
	for _, b := range blocks.OfType("resource") {
		attrs, diags := b.Body.JustAttributes()
		if diags.HasErrors() {
			t.Fatalf("resource %s: %s", b.Labels, diags)
		}
		args := map[string]any{}
		for name, attr := range attrs {
			v, diags := attr.Expr.Value(ctx)
			if diags.HasErrors() {
				t.Fatalf("evaluating %s.%s.%s: %s", b.Labels[0], b.Labels[1], name, diags)
			}
			args[name] = ctyToGo(t, v)
		}
		result.Resources[b.Labels[0]+"."+b.Labels[1]] = args
	}
	for _, b := range blocks.OfType("output") {
		attrs, _ := b.Body.JustAttributes()
		value, ok := attrs["value"]
		if !ok {
			t.Fatalf("output %s has no value", b.Labels[0])
		}
		// The module's outputs reference resource attributes, which are
		// only known after apply: render the reference as cdktf does.
		traversal, diags := hcl.AbsTraversalForExpr(value.Expr)
		if diags.HasErrors() {
			t.Fatalf("output %s is not a plain reference: %s", b.Labels[0], diags)
		}
		result.Outputs[b.Labels[0]] = "${" + traversalString(traversal) + "}"
	}
	return result
}

// variableValue converts an input to the variable's declared type, or
// takes its default; a required variable without input fails the test.
func variableValue(t *testing.T, b *hcl.Block, inputs map[string]any) cty.Value {
	t.Helper()
	name := b.Labels[0]
	attrs, _ := b.Body.JustAttributes()
	ty := cty.DynamicPseudoType
	if a, ok := attrs["type"]; ok {
		var diags hcl.Diagnostics
		if ty, diags = typeexpr.TypeConstraint(a.Expr); diags.HasErrors() {
			t.Fatalf("variable %s: %s", name, diags)
		}
	}
	var v cty.Value
	if in, ok := inputs[name]; ok {
		v = goToCty(in)
	} else if a, ok := attrs["default"]; ok {
		var diags hcl.Diagnostics
		if v, diags = a.Expr.Value(nil); diags.HasErrors() {
			t.Fatalf("variable %s default: %s", name, diags)
		}
	} else {
		t.Fatalf("variable %s is required and has no input", name)
	}
	v, err := convert.Convert(v, ty)
	if err != nil {
		t.Fatalf("variable %s: %v", name, err)
	}
	return v
}

func goToCty(v any) cty.Value {
	switch v := v.(type) {
	case string:
		return cty.StringVal(v)
	case []string:
		if len(v) == 0 {
			return cty.ListValEmpty(cty.String)
		}
		vals := make([]cty.Value, len(v))
		for i, s := range v {
			vals[i] = cty.StringVal(s)
		}
		return cty.ListVal(vals)
	}
	panic(fmt.Sprintf("unsupported input type %T", v))
}

func ctyToGo(t *testing.T, v cty.Value) any {
	t.Helper()
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		t.Fatalf("converting %#v: %v", v, err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func traversalString(tr hcl.Traversal) string {
	s := tr.RootName()
	for _, step := range tr[1:] {
		if attr, ok := step.(hcl.TraverseAttr); ok {
			s += "." + attr.Name
		}
	}
	return s
}
