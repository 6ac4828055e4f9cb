// Package hcleval evaluates a small Terraform HCL module the way Terraform
// would for a plan, without Terraform: variables get their types and
// defaults, resources' arguments are evaluated with Terraform's functions
// (as implemented by cty's standard library), and outputs that reference
// resource attributes are rendered as cdktf writes references
// ("${type.name.attr}"). The tests use it to compare the synthesized stacks
// with the original HCL module.
//
// It lives outside __tests__ so that `go mod tidy`, which ignores folders
// starting with "_", keeps hcl and cty in go.mod.
package hcleval

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclparse"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
	ctyjson "github.com/zclconf/go-cty/cty/json"
)

// Result is what a module evaluates to for one set of inputs: its
// resources' arguments by address (as JSON-decoded Go values) and its
// outputs' values.
type Result struct {
	Resources map[string]map[string]any
	Outputs   map[string]any
}

// schema is the part of Terraform's language the module may use.
var schema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{
		{Type: "variable", LabelNames: []string{"name"}},
		{Type: "resource", LabelNames: []string{"type", "name"}},
		{Type: "output", LabelNames: []string{"name"}},
	},
}

// functions are the Terraform functions the module may call.
var functions = map[string]function.Function{
	"concat":     stdlib.ConcatFunc,
	"jsonencode": stdlib.JSONEncodeFunc,
	"format":     stdlib.FormatFunc,
	"join":       stdlib.JoinFunc,
	"lower":      stdlib.LowerFunc,
	"merge":      stdlib.MergeFunc,
}

// Module evaluates the .tf files in dir for the given inputs (string or
// []string values keyed by variable name).
func Module(dir string, inputs map[string]any) (Result, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.tf"))
	if err != nil || len(files) == 0 {
		return Result{}, fmt.Errorf("no .tf files in %s", dir)
	}
	parser := hclparse.NewParser()
	var blocks hcl.Blocks
	for _, f := range files {
		file, diags := parser.ParseHCLFile(f)
		if diags.HasErrors() {
			return Result{}, fmt.Errorf("parsing %s: %s", f, diags)
		}
		content, diags := file.Body.Content(schema)
		if diags.HasErrors() {
			return Result{}, fmt.Errorf("reading %s: %s", f, diags)
		}
		blocks = append(blocks, content.Blocks...)
	}

	vars := map[string]cty.Value{}
	for _, b := range blocks.OfType("variable") {
		v, err := variableValue(b, inputs)
		if err != nil {
			return Result{}, err
		}
		vars[b.Labels[0]] = v
	}
	for name := range inputs {
		if _, ok := vars[name]; !ok {
			return Result{}, fmt.Errorf("input %q is not a variable of the module", name)
		}
	}
	ctx := &hcl.EvalContext{
		Variables: map[string]cty.Value{"var": cty.ObjectVal(vars)},
		Functions: functions,
	}

	res := Result{Resources: map[string]map[string]any{}, Outputs: map[string]any{}}
	for _, b := range blocks.OfType("resource") {
		attrs, diags := b.Body.JustAttributes()
		if diags.HasErrors() {
			return Result{}, fmt.Errorf("resource %s: %s", b.Labels, diags)
		}
		args := map[string]any{}
		for name, attr := range attrs {
			v, diags := attr.Expr.Value(ctx)
			if diags.HasErrors() {
				return Result{}, fmt.Errorf("evaluating %s.%s.%s: %s", b.Labels[0], b.Labels[1], name, diags)
			}
			if args[name], err = toGo(v); err != nil {
				return Result{}, err
			}
		}
		res.Resources[b.Labels[0]+"."+b.Labels[1]] = args
	}
	for _, b := range blocks.OfType("output") {
		attrs, _ := b.Body.JustAttributes()
		value, ok := attrs["value"]
		if !ok {
			return Result{}, fmt.Errorf("output %s has no value", b.Labels[0])
		}
		// Outputs reference resource attributes, known only after apply:
		// render the reference as cdktf does.
		traversal, diags := hcl.AbsTraversalForExpr(value.Expr)
		if diags.HasErrors() {
			return Result{}, fmt.Errorf("output %s is not a plain reference: %s", b.Labels[0], diags)
		}
		res.Outputs[b.Labels[0]] = "${" + traversalString(traversal) + "}"
	}
	return res, nil
}

// variableValue converts an input to the variable's declared type, or
// takes its default.
func variableValue(b *hcl.Block, inputs map[string]any) (cty.Value, error) {
	name := b.Labels[0]
	attrs, _ := b.Body.JustAttributes()
	ty := cty.DynamicPseudoType
	if a, ok := attrs["type"]; ok {
		var diags hcl.Diagnostics
		if ty, diags = typeexpr.TypeConstraint(a.Expr); diags.HasErrors() {
			return cty.NilVal, fmt.Errorf("variable %s: %s", name, diags)
		}
	}
	var v cty.Value
	if in, ok := inputs[name]; ok {
		var err error
		if v, err = fromGo(in); err != nil {
			return cty.NilVal, fmt.Errorf("variable %s: %w", name, err)
		}
	} else if a, ok := attrs["default"]; ok {
		var diags hcl.Diagnostics
		if v, diags = a.Expr.Value(nil); diags.HasErrors() {
			return cty.NilVal, fmt.Errorf("variable %s default: %s", name, diags)
		}
	} else {
		return cty.NilVal, fmt.Errorf("variable %s is required and has no input", name)
	}
	v, err := convert.Convert(v, ty)
	if err != nil {
		return cty.NilVal, fmt.Errorf("variable %s: %w", name, err)
	}
	return v, nil
}

func fromGo(v any) (cty.Value, error) {
	switch v := v.(type) {
	case string:
		return cty.StringVal(v), nil
	case []string:
		if len(v) == 0 {
			return cty.ListValEmpty(cty.String), nil
		}
		vals := make([]cty.Value, len(v))
		for i, s := range v {
			vals[i] = cty.StringVal(s)
		}
		return cty.ListVal(vals), nil
	}
	return cty.NilVal, fmt.Errorf("unsupported input type %T", v)
}

func toGo(v cty.Value) (any, error) {
	b, err := ctyjson.Marshal(v, v.Type())
	if err != nil {
		return nil, err
	}
	var out any
	err = json.Unmarshal(b, &out)
	return out, err
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
