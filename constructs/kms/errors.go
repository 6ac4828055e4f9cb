package kms

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/excerpt"
)

// FieldError is one problem with one configuration field.
type FieldError struct {
	// Field is the Go name of the field, with an index for list elements
	// ("AdditionalPrincipals[2]").
	Field string
	// Key is the same field's key in an environment of cdktf.json
	// ("additional_principals[2]").
	Key string
	// Value is the offending value as the user gave it.
	Value any
	// Rule says what is allowed.
	Rule string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.describe())
}

// ConfigError renders the problem with the cdktf.json key instead of the Go
// field name, for messages about a configuration file.
func (e *FieldError) ConfigError() string {
	return fmt.Sprintf("%s: %s", e.Key, e.describe())
}

func (e *FieldError) describe() string {
	switch v := e.Value.(type) {
	case nil:
		return e.Rule
	case string:
		if v == "" {
			return fmt.Sprintf("empty value: %s", e.Rule)
		}
		return fmt.Sprintf("%s: %s", quoteCut(v), e.Rule)
	default:
		return fmt.Sprintf("%s: %s", cut(fmt.Sprint(v)), e.Rule)
	}
}

// maxShownValue is how much of a value a message shows: enough to
// recognize it, not a 30 MB string echoed back.
const maxShownValue = 120

// quoteCut quotes a value for a message, cutting it to a readable length.
func quoteCut(v string) string { return excerpt.Quote(v, maxShownValue) }

// cut shortens an unquoted value for a message.
func cut(v string) string { return excerpt.Plain(v, maxShownValue) }

// FieldErrors returns every *FieldError in err, which may be a single
// *FieldError or a tree of errors joined with errors.Join.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if joined, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range joined.Unwrap() {
				walk(e)
			}
			return
		}
		if fe, ok := err.(*FieldError); ok {
			out = append(out, fe)
			return
		}
		walk(errors.Unwrap(err))
	}
	walk(err)
	return out
}

// field names a configuration field in Go and in cdktf.json.
type field struct{ goName, key string }

func (f field) index(i int) field {
	return field{fmt.Sprintf("%s[%d]", f.goName, i), fmt.Sprintf("%s[%d]", f.key, i)}
}

func (f field) sub(goName, key string) field {
	return field{f.goName + "." + goName, f.key + "." + key}
}

// problems collects the field errors of one validation pass.
type problems []error

func (p *problems) add(f field, value any, rule string, args ...any) {
	*p = append(*p, &FieldError{Field: f.goName, Key: f.key, Value: value, Rule: fmt.Sprintf(rule, args...)})
}

func (p problems) err() error { return errors.Join(p...) }

// withNew adds the problems of more whose field (or, for a whole list,
// any of its elements) has none in p yet. A problem of one of the whole
// policy's keys (the account and region every statement depends on) also
// hides the findings about the policy as a whole (key_policy), which would
// only be its consequence.
func (p problems) withNew(more problems, policyKeys ...string) problems {
	has := map[string]bool{}
	for _, e := range p {
		if fe, ok := e.(*FieldError); ok {
			has[fe.Key] = true
			if i := strings.IndexByte(fe.Key, '['); i >= 0 {
				has[fe.Key[:i]] = true
			}
			if slices.Contains(policyKeys, fe.Key) {
				has[fKeyPolicy.key] = true
			}
		}
	}
	out := p
	for _, e := range more {
		if fe, ok := e.(*FieldError); ok && has[fe.Key] {
			continue
		}
		out = append(out, e)
	}
	return out
}
