// Package tfformat writes Terraform's native syntax in the canonical style
// of `terraform fmt` (and `tofu fmt`), so that the HCL the app writes
// passes `terraform fmt -check`: the layout of hclwrite.Format (indents,
// aligned equals signs, spacing), and attribute values that are a single
// interpolation written as the bare expression ("${aws_kms_key.k.arn}"
// becomes aws_kms_key.k.arn), which `terraform fmt` rewrites too
// (Terraform, "Command: fmt"; its formatter unwraps interpolation-only
// templates since Terraform 0.12). Only the form changes: a value
// evaluates as before.
package tfformat

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// Format returns src in canonical form; a file that does not parse is an
// error (the app never writes one).
func Format(src []byte, filename string) ([]byte, error) {
	f, diags := hclwrite.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s: %s", filename, diags.Error())
	}
	formatBody(f.Body())
	return hclwrite.Format(f.Bytes()), nil
}

// formatBody unwraps the interpolation-only values of a body and of the
// blocks in it.
func formatBody(body *hclwrite.Body) {
	for name, attr := range body.Attributes() {
		body.SetAttributeRaw(name, unwrap(attr.Expr().BuildTokens(nil)))
	}
	for _, block := range body.Blocks() {
		block.SetLabels(block.Labels())
		formatBody(block.Body())
	}
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
