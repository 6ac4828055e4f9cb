package tfresult

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	tfjson "github.com/hashicorp/terraform-json"
	"github.com/zclconf/go-cty/cty"
)

// StateResources returns the root module's resources of a state by
// address.
func StateResources(s *tfjson.State) map[string]*tfjson.StateResource {
	out := map[string]*tfjson.StateResource{}
	if s == nil || s.Values == nil || s.Values.RootModule == nil {
		return out
	}
	for _, r := range s.Values.RootModule.Resources {
		out[r.Address] = r
	}
	return out
}

// StateAddresses returns the address of every managed resource in the
// state's root module, sorted.
func StateAddresses(s *tfjson.State) []string {
	var out []string
	for addr, r := range StateResources(s) {
		if r.Mode == tfjson.ManagedResourceMode {
			out = append(out, addr)
		}
	}
	sort.Strings(out)
	return out
}

// Evaluate evaluates a synthesized string (a Terraform template in JSON
// syntax) as Terraform did when it applied it: literal escapes ($${, %%{)
// become what they stand for, and references to resources (aws_iam_role.r.arn,
// data.aws_kms_alias.a.target_key_arn) take their values from the state. It
// refuses templates that call functions or refer to anything else, which
// the construct does not write.
func Evaluate(template string, s *tfjson.State) (string, error) {
	expr, diags := hclsyntax.ParseTemplate([]byte(template), "template", hcl.InitialPos)
	if diags.HasErrors() {
		return "", diags
	}
	ctx := &hcl.EvalContext{Variables: stateVariables(s)}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		return "", diags
	}
	if v.IsNull() || !v.IsKnown() || v.Type() != cty.String {
		return "", fmt.Errorf("%q evaluates to %#v, not a string", template, v)
	}
	return v.AsString(), nil
}

// stateVariables builds the variables of an evaluation: one object per
// resource type ("data" for data sources), keyed by resource name.
func stateVariables(s *tfjson.State) map[string]cty.Value {
	managed := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, r := range StateResources(s) {
		if r.Index != nil {
			continue
		}
		target := managed
		if r.Mode == tfjson.DataResourceMode {
			target = data
		}
		if target[r.Type] == nil {
			target[r.Type] = map[string]cty.Value{}
		}
		target[r.Type][r.Name] = toCty(map[string]any(r.AttributeValues))
	}
	vars := map[string]cty.Value{}
	for typ, byName := range managed {
		vars[typ] = cty.ObjectVal(byName)
	}
	dataVars := map[string]cty.Value{}
	for typ, byName := range data {
		dataVars[typ] = cty.ObjectVal(byName)
	}
	if len(dataVars) > 0 {
		vars["data"] = cty.ObjectVal(dataVars)
	}
	return vars
}

// toCty converts a JSON value (as encoding/json decodes it) to cty.
func toCty(v any) cty.Value {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case string:
		return cty.StringVal(x)
	case bool:
		return cty.BoolVal(x)
	case float64:
		return cty.NumberFloatVal(x)
	case json.Number:
		f, _, err := big.ParseFloat(string(x), 10, 512, big.ToNearestEven)
		if err != nil {
			return cty.StringVal(string(x))
		}
		return cty.NumberVal(f)
	case map[string]any:
		if len(x) == 0 {
			return cty.EmptyObjectVal
		}
		m := map[string]cty.Value{}
		for k, e := range x {
			m[k] = toCty(e)
		}
		return cty.ObjectVal(m)
	case []any:
		if len(x) == 0 {
			return cty.EmptyTupleVal
		}
		l := make([]cty.Value, len(x))
		for i, e := range x {
			l[i] = toCty(e)
		}
		return cty.TupleVal(l)
	}
	return cty.StringVal(fmt.Sprint(v))
}
