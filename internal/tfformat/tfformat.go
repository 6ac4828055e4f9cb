// Package tfformat writes Terraform's native syntax in the canonical style
// of `terraform fmt` (and `tofu fmt`), so that the HCL the app writes
// passes `terraform fmt -check`: the layout of hclwrite.Format (indents,
// aligned equals signs, spacing), and attribute values that are a single
// interpolation written as the bare expression ("${aws_kms_key.k.arn}"
// becomes aws_kms_key.k.arn), which `terraform fmt` rewrites too
// (Terraform, "Command: fmt"; its formatter unwraps interpolation-only
// templates since Terraform 0.12). Only the form changes: a value
// evaluates as before.
//
// It also writes a lifecycle's preconditions and postconditions as blocks,
// as Terraform requires them: cdktf 0.20's HCL renderer writes them as an
// attribute holding a list of objects, which Terraform refuses
// ("Unsupported argument ... Did you mean to define a block of type
// "precondition"?"; Terraform language, "Custom Conditions").
package tfformat

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// Format returns src in canonical form; a file that does not parse is an
// error (the app never writes one).
func Format(src []byte, filename string) ([]byte, error) {
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	if err := formatBody(f.Body()); err != nil {
		return nil, fmt.Errorf("%s: %w", filename, err)
	}
	return hclwrite.Format(f.Bytes()), nil
}

// formatBody unwraps the interpolation-only values of a body and of the
// blocks in it, and writes the conditions of a lifecycle block as blocks.
func formatBody(body *hclwrite.Body) error {
	for name, attr := range body.Attributes() {
		body.SetAttributeRaw(name, unwrap(attr.Expr().BuildTokens(nil)))
	}
	for _, block := range body.Blocks() {
		block.SetLabels(block.Labels())
		if block.Type() == "lifecycle" {
			if err := conditionBlocks(block.Body()); err != nil {
				return err
			}
		}
		if err := formatBody(block.Body()); err != nil {
			return err
		}
	}
	return nil
}

// conditionKinds are the lifecycle's condition blocks.
var conditionKinds = []string{"precondition", "postcondition"}

// conditionBlocks replaces a lifecycle's precondition and postcondition
// attributes (a list of objects) by one block each object, with the same
// arguments written as they were.
func conditionBlocks(lifecycle *hclwrite.Body) error {
	for _, kind := range conditionKinds {
		attr := lifecycle.GetAttribute(kind)
		if attr == nil {
			continue
		}
		src := attr.Expr().BuildTokens(nil).Bytes()
		expr, diags := hclsyntax.ParseExpression(src, kind, hcl.InitialPos)
		if diags.HasErrors() {
			return fmt.Errorf("lifecycle %s: %s", kind, diags.Error())
		}
		list, ok := expr.(*hclsyntax.TupleConsExpr)
		if !ok {
			return fmt.Errorf("lifecycle %s: a list of objects is expected, not %s", kind, src)
		}
		var blocks strings.Builder
		for _, item := range list.Exprs {
			obj, ok := item.(*hclsyntax.ObjectConsExpr)
			if !ok {
				return fmt.Errorf("lifecycle %s: an object is expected, not %s", kind, item.Range().SliceBytes(src))
			}
			blocks.WriteString(kind + " {\n")
			for _, it := range obj.Items {
				// A bare name or a quoted one, as an object key may be.
				key, diags := it.KeyExpr.Value(nil)
				if diags.HasErrors() || key.Type() != cty.String || !key.IsKnown() || !hclsyntax.ValidIdentifier(key.AsString()) {
					return fmt.Errorf("lifecycle %s: the argument name %s is not a name", kind, it.KeyExpr.Range().SliceBytes(src))
				}
				fmt.Fprintf(&blocks, "%s = %s\n", key.AsString(), it.ValueExpr.Range().SliceBytes(src))
			}
			blocks.WriteString("}\n")
		}
		parsed, diags := hclwrite.ParseConfig([]byte(blocks.String()), kind, hcl.InitialPos)
		if diags.HasErrors() {
			return fmt.Errorf("lifecycle %s: %s", kind, diags.Error())
		}
		lifecycle.RemoveAttribute(kind)
		for _, b := range parsed.Body().Blocks() {
			lifecycle.AppendBlock(b)
		}
	}
	return nil
}

// unwrap returns the tokens of "${ expr }" as expr, when the quoted
// template is that one interpolation and nothing else; other tokens as
// they are. A multi-line expression keeps parentheses around it, so that
// it still parses as one expression.
func unwrap(tokens hclwrite.Tokens) hclwrite.Tokens {
	n := len(tokens)
	if n < 5 || tokens[0].Type != hclsyntax.TokenOQuote || tokens[1].Type != hclsyntax.TokenTemplateInterp ||
		tokens[n-2].Type != hclsyntax.TokenTemplateSeqEnd || tokens[n-1].Type != hclsyntax.TokenCQuote {
		return tokens
	}
	inside := tokens[2 : n-2]
	depth := 0 // nested quoted strings may hold templates of their own
	for _, t := range inside {
		switch {
		case t.Type == hclsyntax.TokenOQuote:
			depth++
		case t.Type == hclsyntax.TokenCQuote:
			depth--
		case depth > 0:
		case t.Type == hclsyntax.TokenTemplateInterp, t.Type == hclsyntax.TokenTemplateSeqEnd, t.Type == hclsyntax.TokenQuotedLit:
			// "${a}${b}", or literal text around the interpolation.
			return tokens
		}
	}
	for len(inside) > 0 && inside[0].Type == hclsyntax.TokenNewline {
		inside = inside[1:]
	}
	for len(inside) > 0 && inside[len(inside)-1].Type == hclsyntax.TokenNewline {
		inside = inside[:len(inside)-1]
	}
	multiLine := false
	for _, t := range inside {
		multiLine = multiLine || t.Type == hclsyntax.TokenNewline
	}
	if multiLine && !(len(inside) > 1 && inside[0].Type == hclsyntax.TokenOParen && inside[len(inside)-1].Type == hclsyntax.TokenCParen) {
		out := hclwrite.Tokens{{Type: hclsyntax.TokenOParen, Bytes: []byte("(")}}
		out = append(out, inside...)
		return append(out, &hclwrite.Token{Type: hclsyntax.TokenCParen, Bytes: []byte(")")})
	}
	return inside
}
