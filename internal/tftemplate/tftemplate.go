// Package tftemplate turns literal strings into Terraform templates that
// evaluate to exactly those strings, and recognizes cdktf's token markers.
//
// Terraform reads every string of a configuration (JSON syntax included) as
// a template: "${...}" interpolates and "%{...}" is a directive. A literal
// that holds either must be escaped, or Terraform evaluates it. cdktf
// represents a reference to another resource inside a Go string as a token
// marker, "${TfToken[TOKEN.n]}", which it replaces with "${type.name.attr}"
// when it synthesizes. Escape keeps the markers and escapes everything
// around them.
package tftemplate

import (
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// tokenPattern is cdktf's string token marker (STRING_TOKEN_REGEX in cdktf's
// tokens/private/encoding.ts).
var tokenPattern = regexp.MustCompile(`\$\{TfToken\[[a-zA-Z0-9:._-]+\]\}`)

// complexMarker matches cdktf's list and map token markers, which have no
// meaning inside a string.
var complexMarker = regexp.MustCompile(`[#&]\{TfToken\[[a-zA-Z0-9:._-]+\]\}`)

// IsUnresolved says whether s holds a cdktf string token: what
// cdktf.Token_IsUnresolved answers for a string, without a call into the
// jsii runtime.
func IsUnresolved(s string) bool {
	return strings.Contains(s, "${TfToken[") && tokenPattern.MatchString(s)
}

// HasComplexMarker says whether s holds a cdktf list or map token marker,
// which cdktf refuses (or misreads) inside a string.
func HasComplexMarker(s string) bool {
	return strings.Contains(s, "{TfToken[") && complexMarker.MatchString(s)
}

// listMarker is cdktf's list token marker standing alone: the element of
// the one-element list that cdktf.Token_AsList and a variable's ListValue
// return, which stands for the whole list.
var listMarker = regexp.MustCompile(`^#\{TfToken\[[a-zA-Z0-9:._-]+\]\}$`)

// IsListToken says whether s is a whole cdktf list token: a reference to a
// Terraform list (a list(string) variable, a data source's list
// attribute), not a string.
func IsListToken(s string) bool {
	return strings.HasPrefix(s, "#{TfToken[") && listMarker.MatchString(s)
}

// IsReference says whether s holds a reference of any kind: a string token
// or a whole list token.
func IsReference(s string) bool { return IsUnresolved(s) || IsListToken(s) }

// Markers returns the token markers in s, in order.
func Markers(s string) []string { return tokenPattern.FindAllString(s, -1) }

// ReplaceMarkers replaces every token marker in s with what f returns.
func ReplaceMarkers(s string, f func(marker string) string) string {
	if !IsUnresolved(s) {
		return s
	}
	return tokenPattern.ReplaceAllStringFunc(s, f)
}

// IsNFC says whether s is in Unicode normalization form C. Terraform
// normalizes every string literal of a configuration to NFC (U+2000 becomes
// U+2002, "e" and a combining accent become "é"), so a string that is not in
// NFC cannot reach AWS unchanged; the construct refuses it.
func IsNFC(s string) bool { return norm.NFC.IsNormalString(s) }

// Problem says why Terraform cannot carry s unchanged, or returns "": s
// must be valid UTF-8 in Unicode NFC (Terraform normalizes literals to
// NFC), and must not hold a carriage return that is not followed by a line
// feed (after one, Terraform's template scanner stops recognizing
// interpolations and mis-reads escapes; seen with terraform 1.11).
func Problem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case !IsNFC(s):
		return fmt.Sprintf("is not in Unicode normalization form C; Terraform would store %q instead, so write that", NFC(s))
	case loneCR(s):
		return "holds a carriage return (\\r) without a line feed after it, which Terraform's template parser mishandles; use \\n or \\r\\n"
	}
	return ""
}

func loneCR(s string) bool {
	for i := strings.IndexByte(s, '\r'); i >= 0; i = strings.IndexByte(s, '\r') {
		if i+1 >= len(s) || s[i+1] != '\n' {
			return true
		}
		s = s[i+2:]
	}
	return false
}

// NFC returns s in Unicode normalization form C.
func NFC(s string) string { return norm.NFC.String(s) }

// Syntax is the syntax a template is written for.
type Syntax int

const (
	// JSON is Terraform's JSON syntax (cdk.tf.json): the JSON encoder
	// quotes the string.
	JSON Syntax = iota
	// HCL is Terraform's native syntax (cdk.tf) as cdktf renders it: the
	// string goes between double quotes as it is, so quotes, backslashes and
	// line breaks in literal text are escaped here.
	HCL
)

// dollar is an interpolation that evaluates to "$". Inside a string that
// holds tokens, the usual escape "$${" would not do: cdktf reads "${" as the
// start of an expression and writes the reference that follows it without
// its "${...}" (and a literal "$" just before a reference would make
// "$${reference}", a literal). "${"$"}" is closed at once and evaluates to
// "$" whatever follows.
const dollar = `${"$"}`

// Escape returns the template that Terraform evaluates to s, keeping cdktf's
// token markers as they are so that cdktf replaces them with references.
func Escape(s string, syntax Syntax) string {
	if !needsEscape(s, syntax) {
		return s
	}
	markers := tokenPattern.FindAllStringIndex(s, -1)
	hasTokens := len(markers) > 0
	var b strings.Builder
	b.Grow(len(s) + 16)
	last := 0
	for _, m := range markers {
		escapeLiteral(&b, s[last:m[0]], syntax, hasTokens, true)
		b.WriteString(s[m[0]:m[1]])
		last = m[1]
	}
	escapeLiteral(&b, s[last:], syntax, hasTokens, false)
	return b.String()
}

// needsEscape says whether s holds anything Escape changes.
func needsEscape(s string, syntax Syntax) bool {
	if strings.Contains(s, "${") || strings.Contains(s, "%{") {
		return true
	}
	if syntax == HCL {
		return strings.ContainsFunc(s, func(r rune) bool { return r == '"' || r == '\\' || r < 0x20 })
	}
	return false
}

// escapeLiteral writes one literal part of a template; beforeToken says a
// token marker follows it.
func escapeLiteral(b *strings.Builder, lit string, syntax Syntax, hasTokens, beforeToken bool) {
	for i := 0; i < len(lit); i++ {
		c := lit[i]
		next := byte(0)
		if i+1 < len(lit) {
			next = lit[i+1]
		}
		switch {
		case c == '$' && next == '{':
			if hasTokens {
				b.WriteString(dollar)
			} else {
				b.WriteString("$$")
			}
		case c == '$' && i+1 == len(lit) && beforeToken:
			b.WriteString(dollar)
		case c == '%' && next == '{':
			b.WriteString("%%")
		case syntax == HCL && c == '"':
			b.WriteString(`\"`)
		case syntax == HCL && c == '\\':
			b.WriteString(`\\`)
		case syntax == HCL && c == '\n':
			b.WriteString(`\n`)
		case syntax == HCL && c == '\r':
			b.WriteString(`\r`)
		case syntax == HCL && c == '\t':
			b.WriteString(`\t`)
		case syntax == HCL && c < 0x20:
			fmt.Fprintf(b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
}
