// Package filterpattern evaluates CloudWatch Logs JSON filter patterns
// against JSON log events, for the subset of the syntax the construct
// writes: { <term> } where terms are comparisons of a selector ($.a.b[0].c)
// with = or != against a quoted or bare string value (with * as a wildcard),
// combined with && and || and grouped with parentheses. It lets tests check
// that a metric filter matches the events it should and nothing broader,
// without AWS.
package filterpattern

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strconv"
	"strings"
)

// Pattern is a parsed filter pattern.
type Pattern struct{ root node }

type node interface{ eval(event any) bool }

type or []node
type and []node
type comparison struct {
	selector []string // field names and [n] indexes
	negate   bool
	value    string
}

func (o or) eval(e any) bool {
	for _, n := range o {
		if n.eval(e) {
			return true
		}
	}
	return false
}

func (a and) eval(e any) bool {
	for _, n := range a {
		if !n.eval(e) {
			return false
		}
	}
	return true
}

func (c comparison) eval(e any) bool {
	v, ok := lookup(e, c.selector)
	s, isString := v.(string)
	if !ok || !isString {
		// A missing or non-string field matches neither = nor != here.
		return false
	}
	// CloudWatch's * matches any run of characters; path.Match does that
	// for strings without "/", so map "/" out of the way first.
	matched, _ := path.Match(strings.ReplaceAll(c.value, "/", "\x00"), strings.ReplaceAll(s, "/", "\x00"))
	return matched != c.negate
}

func lookup(e any, selector []string) (any, bool) {
	cur := e
	for _, step := range selector {
		if strings.HasPrefix(step, "[") {
			i, _ := strconv.Atoi(strings.Trim(step, "[]"))
			list, ok := cur.([]any)
			if !ok || i >= len(list) {
				return nil, false
			}
			cur = list[i]
			continue
		}
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[step]; !ok {
			return nil, false
		}
	}
	return cur, true
}

var tokenPattern = regexp.MustCompile(`\s*(\{|\}|\(|\)|&&|\|\||!=|=|"(?:[^"\\]|\\.)*"|\$[A-Za-z0-9_.\[\]]+|[A-Za-z0-9_.*:/-]+)`)

// Parse parses a filter pattern.
func Parse(pattern string) (*Pattern, error) {
	var tokens []string
	rest := strings.TrimSpace(pattern)
	for rest != "" {
		m := tokenPattern.FindStringSubmatchIndex(rest)
		if m == nil || m[0] != 0 {
			return nil, fmt.Errorf("unexpected text at %q", rest)
		}
		tokens = append(tokens, rest[m[2]:m[3]])
		rest = strings.TrimSpace(rest[m[1]:])
	}
	p := &parser{tokens: tokens}
	if !p.accept("{") {
		return nil, fmt.Errorf("a JSON filter pattern starts with {")
	}
	root, err := p.or()
	if err != nil {
		return nil, err
	}
	if !p.accept("}") || p.pos != len(p.tokens) {
		return nil, fmt.Errorf("a JSON filter pattern ends with } and nothing after it")
	}
	return &Pattern{root: root}, nil
}

// Matches says whether a JSON event matches the pattern.
func (p *Pattern) Matches(eventJSON string) (bool, error) {
	var e any
	if err := json.Unmarshal([]byte(eventJSON), &e); err != nil {
		return false, err
	}
	return p.root.eval(e), nil
}

type parser struct {
	tokens []string
	pos    int
}

func (p *parser) peek() string {
	if p.pos < len(p.tokens) {
		return p.tokens[p.pos]
	}
	return ""
}

func (p *parser) accept(tok string) bool {
	if p.peek() == tok {
		p.pos++
		return true
	}
	return false
}

func (p *parser) or() (node, error) {
	var terms or
	for {
		t, err := p.and()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		if !p.accept("||") {
			break
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

func (p *parser) and() (node, error) {
	var terms and
	for {
		t, err := p.primary()
		if err != nil {
			return nil, err
		}
		terms = append(terms, t)
		if !p.accept("&&") {
			break
		}
	}
	if len(terms) == 1 {
		return terms[0], nil
	}
	return terms, nil
}

var selectorStep = regexp.MustCompile(`\.[A-Za-z0-9_]+|\[[0-9]+\]`)

func (p *parser) primary() (node, error) {
	if p.accept("(") {
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if !p.accept(")") {
			return nil, fmt.Errorf("missing )")
		}
		return n, nil
	}
	sel := p.peek()
	if !strings.HasPrefix(sel, "$") {
		return nil, fmt.Errorf("expected a selector like $.eventName, got %q", sel)
	}
	p.pos++
	steps := selectorStep.FindAllString(sel[1:], -1)
	if strings.Join(steps, "") != sel[1:] {
		return nil, fmt.Errorf("bad selector %q", sel)
	}
	for i, s := range steps {
		steps[i] = strings.TrimPrefix(s, ".")
	}
	c := comparison{selector: steps}
	switch {
	case p.accept("="):
	case p.accept("!="):
		c.negate = true
	default:
		return nil, fmt.Errorf("expected = or != after %s", sel)
	}
	v := p.peek()
	if v == "" || strings.ContainsAny(v[:1], "(){}&|$") {
		return nil, fmt.Errorf("expected a value after %s", sel)
	}
	p.pos++
	if strings.HasPrefix(v, `"`) {
		unq, err := strconv.Unquote(v)
		if err != nil {
			return nil, err
		}
		v = unq
	}
	c.value = v
	return c, nil
}
