package access

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Build evaluates the synthesized stacks (stack name -> the stack's
// cdk.tf.json) and returns the report; source names where they came from
// (like "cdktf.json"). An error names the stack and resource it could not
// read.
func Build(source string, stacks map[string][]byte) (*Report, error) {
	r := &Report{Format: Format, Source: source, Capabilities: Capabilities(), Stacks: []Stack{}}
	for _, name := range slices.Sorted(maps.Keys(stacks)) {
		st, err := parseStack(name, stacks[name])
		if err != nil {
			return nil, err
		}
		out := Stack{Name: name, Keys: []Key{}}
		for _, k := range st.keys {
			out.Keys = append(out.Keys, evaluateKey(st, k))
		}
		out.Notes = sortedNotes(st.notes)
		r.Stacks = append(r.Stacks, out)
	}
	return r, nil
}

// JSON returns the report's JSON form, indented, with a final newline.
func (r *Report) JSON() ([]byte, error) { return marshal(r) }

// JSON returns the diff's JSON form, indented, with a final newline.
func (d DiffReport) JSON() ([]byte, error) {
	if d.Changes == nil {
		d.Changes = []Change{}
	}
	return marshal(d)
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("encoding the report: %w", err)
	}
	return b.Bytes(), nil
}

// Filter returns the report limited to the named stacks (all when names
// is empty).
func (r *Report) Filter(names ...string) *Report {
	if len(names) == 0 {
		return r
	}
	out := *r
	out.Stacks = nil
	for _, s := range r.Stacks {
		if slices.Contains(names, s.Name) {
			out.Stacks = append(out.Stacks, s)
		}
	}
	if out.Stacks == nil {
		out.Stacks = []Stack{}
	}
	return &out
}

// Cell returns a principal's cell for an action: the listed one, or a
// denied cell without paths when nothing allows the action.
func (p Principal) Cell(action string) Cell {
	for _, c := range p.Cells {
		if c.Action == action {
			return c
		}
	}
	capability, _ := capabilityOf(action)
	return Cell{Action: action, Capability: capability.Name, Access: Denied}
}
