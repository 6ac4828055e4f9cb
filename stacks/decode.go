package stacks

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cdktf-kms/cdktf-kms/internal/jsonkind"
)

// decoder decodes one environment of cdktf.json key by key, so that one
// run reports every problem: an unknown key, a value of the wrong type, a
// null, or a zero value that would silently mean the default all become
// errors naming their path, and the keys that decode are still validated.
type decoder struct {
	errs []error
	// failed are the key paths (as FieldError.Key writes them) whose value
	// could not be decoded: validation problems of those fields would only
	// repeat the decoding problem (an unset field reads as "required").
	failed map[string]bool
}

func (d *decoder) fail(path []string, format string, args ...any) {
	if d.failed == nil {
		d.failed = map[string]bool{}
	}
	if len(path) > 0 {
		d.failed[keyPath(path)] = true
	}
	msg := fmt.Sprintf(format, args...)
	if len(path) > 0 {
		msg = keyPath(path) + ": " + msg
	}
	d.errs = append(d.errs, errors.New(msg))
}

// unmarshalerType and textUnmarshalerType mark types that decode
// themselves (a policy statement): the decoder hands them their JSON.
var (
	unmarshalerType = reflect.TypeFor[interface{ UnmarshalJSON([]byte) error }]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// decode decodes raw into v (a settable value of a type of Environment)
// at path, recording every problem.
func (d *decoder) decode(raw jsontext.Value, v reflect.Value, path []string) {
	kind := raw.Kind()
	if kind == 'n' {
		d.fail(path, "is null; give %s, or leave the key out", jsonTypeName(v.Type()))
		return
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer && !t.Implements(unmarshalerType) {
		elem := reflect.New(t.Elem())
		d.decode(raw, elem.Elem(), path)
		v.Set(elem)
		return
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshaler) {
		d.scalar(raw, v, path)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if kind != '{' {
			d.fail(path, "got a JSON %s, want %s", jsonkind.Name(kind), jsonTypeName(t))
			return
		}
		d.object(raw, v, path)
	case reflect.Slice:
		if kind != '[' {
			d.fail(path, "got a JSON %s, want %s", jsonkind.Name(kind), jsonTypeName(t))
			return
		}
		var items []jsontext.Value
		if err := json.Unmarshal(raw, &items); err != nil {
			d.fail(path, "%v", shortError(err))
			return
		}
		s := reflect.MakeSlice(t, len(items), len(items))
		for i, item := range items {
			d.decode(item, s.Index(i), append(path, strconv.Itoa(i)))
		}
		v.Set(s)
	case reflect.Map:
		if kind != '{' {
			d.fail(path, "got a JSON %s, want %s", jsonkind.Name(kind), jsonTypeName(t))
			return
		}
		ms, dups, err := members(raw)
		if err != nil {
			d.fail(path, "%v", err)
			return
		}
		d.duplicates(path, dups)
		m := reflect.MakeMapWithSize(t, len(ms))
		for _, mem := range ms {
			val := reflect.New(t.Elem()).Elem()
			d.decode(mem.value, val, append(path, mem.name))
			m.SetMapIndex(reflect.ValueOf(mem.name).Convert(t.Key()), val)
		}
		v.Set(m)
	default:
		d.scalar(raw, v, path)
	}
}

// scalar decodes a value the JSON decoder handles whole.
func (d *decoder) scalar(raw jsontext.Value, v reflect.Value, path []string) {
	if err := json.Unmarshal(raw, v.Addr().Interface(), json.RejectUnknownMembers(true)); err != nil {
		d.fail(path, "%s", scalarProblem(err, v.Type(), raw.Kind()))
	}
}

// scalarProblem says what is wrong with a value of type t.
func scalarProblem(err error, t reflect.Type, kind jsontext.Kind) string {
	var sem *json.SemanticError
	if errors.As(err, &sem) {
		switch {
		case isInteger(t) && kind == '0' && sem.Err != nil && strings.Contains(sem.Err.Error(), "out of range"):
			return "the number is out of range; give a whole number within the limits of the setting"
		case isInteger(t) && kind == '0':
			return "must be a whole number (no fraction or exponent)"
		case sem.Err != nil && len(sem.JSONPointer) == 0 && sem.GoType == nil:
			// A type's own decoder (a policy statement's).
			return sem.Err.Error()
		case sem.Err != nil && !strings.Contains(sem.Err.Error(), "cannot unmarshal"):
			return sem.Err.Error()
		}
	}
	return fmt.Sprintf("got a JSON %s, want %s", jsonkind.Name(kind), jsonTypeName(t))
}

// object decodes a JSON object into a struct, key by key.
func (d *decoder) object(raw jsontext.Value, v reflect.Value, path []string) {
	ms, dups, err := members(raw)
	if err != nil {
		d.fail(path, "%v", err)
		return
	}
	d.duplicates(path, dups)
	for _, mem := range ms {
		field, ok := fieldPath(v.Type(), mem.name)
		at := append(append([]string(nil), path...), mem.name)
		if !ok {
			allowed := strings.Join(jsonKeys(v.Type()), ", ")
			if len(path) == 0 {
				d.fail(nil, "unknown key %s; allowed keys: %s", quote(mem.name), allowed)
			} else {
				d.fail(at, "unknown key; allowed keys in %s: %s", keyPath(path), allowed)
			}
			continue
		}
		fv := v.FieldByIndex(field.Index)
		if msg := implicitDefault(field, mem.value); msg != "" {
			d.fail(at, "%s", msg)
			continue
		}
		d.decode(mem.value, fv, at)
	}
}

// implicitDefault refuses an explicit zero that the Go type cannot tell
// from an unset value: "" or 0 (or -0) for an optional string or whole
// number, which the construct would silently replace with its default.
// Booleans, lists and maps are not refused: false, [] and {} mean what the
// documentation says (off, none).
func implicitDefault(f reflect.StructField, raw jsontext.Value) string {
	if !strings.Contains(f.Tag.Get("json"), ",omitempty") {
		return ""
	}
	switch {
	case f.Type.Kind() == reflect.String && raw.Kind() == '"' && string(raw) == `""`:
		return `is empty; leave the key out for the default, or give a value`
	case isInteger(f.Type) && f.Type.Kind() != reflect.Pointer && raw.Kind() == '0':
		if n, err := strconv.ParseFloat(string(raw), 64); err == nil && n == 0 {
			return fmt.Sprintf("%s: 0 is not a value of this setting; leave the key out for the default, or give a value within its limits", string(raw))
		}
	}
	return ""
}

// member is one member of a JSON object, in document order.
type member struct {
	name  string
	value jsontext.Value
}

// members reads an object's members in order. A name given twice is kept
// once (the first) and returned in dups, so that the caller reports it and
// goes on with the rest.
func members(raw jsontext.Value) (out []member, dups []string, err error) {
	dec := jsontext.NewDecoder(bytes.NewReader(raw), jsontext.AllowDuplicateNames(true))
	if _, err := dec.ReadToken(); err != nil {
		return nil, nil, err
	}
	seen := map[string]bool{}
	for dec.PeekKind() != '}' {
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, nil, err
		}
		name := tok.String()
		value, err := dec.ReadValue()
		if err != nil {
			return nil, nil, err
		}
		if seen[name] {
			dups = append(dups, name)
			continue
		}
		seen[name] = true
		out = append(out, member{name, value.Clone()})
	}
	return out, dups, nil
}

// duplicates reports the names an object gives twice.
func (d *decoder) duplicates(path []string, dups []string) {
	for _, name := range dups {
		d.fail(append(append([]string(nil), path...), name), "the key is given twice; the second value would silently replace the first")
	}
}

// fieldPath finds the field with a JSON name in a struct, looking into
// embedded structs, and returns it with its index path from t.
func fieldPath(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			if sub, ok := fieldPath(f.Type, name); ok {
				sub.Index = append([]int{i}, sub.Index...)
				return sub, true
			}
			continue
		}
		if jsonName(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}
