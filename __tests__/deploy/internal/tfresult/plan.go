// Package tfresult reads what terraform reports, as terraform-json parses
// it from `terraform show -json`: the changes of a plan (actions, moves,
// imports, the attributes an update changes), which resources depend on
// which (from the plan's configuration), and the state's values, with which
// it evaluates synthesized templates the way Terraform did.
package tfresult

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"
)

// Change is one resource's planned change.
type Change struct {
	Address string
	// PreviousAddress is the address the resource moved from, or "".
	PreviousAddress string
	Type            string
	Actions         tfjson.Actions
	// ImportID is the id of an import, or "".
	ImportID string
	// Attributes are the top-level attributes an update changes (known
	// values that differ, or values known only after apply), sorted.
	Attributes []string
}

// Changes returns every resource change of a plan that is not a data read,
// in address order.
func Changes(p *tfjson.Plan) []Change {
	var out []Change
	for _, rc := range p.ResourceChanges {
		if rc.Mode == tfjson.DataResourceMode || rc.Change == nil {
			continue
		}
		c := Change{Address: rc.Address, PreviousAddress: rc.PreviousAddress, Type: rc.Type, Actions: rc.Change.Actions}
		if rc.Change.Importing != nil {
			c.ImportID = rc.Change.Importing.ID
			if c.ImportID == "" {
				c.ImportID = "(import)"
			}
		}
		if rc.Change.Actions.Update() {
			c.Attributes = changedAttributes(rc.Change)
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out
}

// changedAttributes lists the top-level attributes whose planned value
// differs from the current one or is unknown until apply.
func changedAttributes(c *tfjson.Change) []string {
	before, _ := c.Before.(map[string]any)
	after, _ := c.After.(map[string]any)
	unknown, _ := c.AfterUnknown.(map[string]any)
	keys := map[string]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var out []string
	for k := range keys {
		if isUnknown(unknown[k]) || !reflect.DeepEqual(before[k], after[k]) {
			out = append(out, k)
		}
	}
	for k, u := range unknown {
		if !keys[k] && isUnknown(u) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// isUnknown says whether an after_unknown entry marks any part of a value
// unknown.
func isUnknown(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case map[string]any:
		for _, e := range x {
			if isUnknown(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if isUnknown(e) {
				return true
			}
		}
	}
	return false
}

// Moved says whether the change moves the resource from another address.
func (c Change) Moved() bool { return c.PreviousAddress != "" && c.PreviousAddress != c.Address }

// NoOp says whether the change leaves the resource as it is (a move or an
// import without changes are no-ops too).
func (c Change) NoOp() bool { return c.Actions.NoOp() }

func (c Change) String() string {
	var b strings.Builder
	b.WriteString(c.Address + ": " + strings.Join(actionNames(c.Actions), ","))
	if c.Moved() {
		b.WriteString(" (moved from " + c.PreviousAddress + ")")
	}
	if c.ImportID != "" {
		b.WriteString(" (import " + c.ImportID + ")")
	}
	if len(c.Attributes) > 0 {
		b.WriteString(" [" + strings.Join(c.Attributes, ", ") + "]")
	}
	return b.String()
}

func actionNames(a tfjson.Actions) []string {
	var out []string
	for _, x := range a {
		out = append(out, string(x))
	}
	return out
}

// Summary lists the changes that are not no-ops, one a line.
func Summary(changes []Change) string {
	var lines []string
	for _, c := range changes {
		if !c.NoOp() || c.Moved() || c.ImportID != "" {
			lines = append(lines, c.String())
		}
	}
	if len(lines) == 0 {
		return "(no changes)"
	}
	return strings.Join(lines, "\n")
}

// Without returns list without the entries of drop.
func Without(list, drop []string) []string {
	var out []string
	for _, s := range list {
		if !slices.Contains(drop, s) {
			out = append(out, s)
		}
	}
	return out
}

// Unexpected returns the changes that are neither no-ops nor allowed by
// allow, as readable lines. allow gets each change that is not a no-op and
// says whether it is expected.
func Unexpected(changes []Change, allow func(Change) bool) []string {
	var out []string
	for _, c := range changes {
		if c.NoOp() {
			continue
		}
		if allow != nil && allow(c) {
			continue
		}
		out = append(out, c.String())
	}
	return out
}

// Find returns the change of an address.
func Find(changes []Change, address string) (Change, error) {
	for _, c := range changes {
		if c.Address == address {
			return c, nil
		}
	}
	return Change{}, fmt.Errorf("no change for %s in the plan", address)
}

// streamMessage is one line of `terraform plan -json` (the machine-readable
// UI), as far as it is read here.
type streamMessage struct {
	Type    string `json:"type"`
	Message string `json:"@message"`
	Level   string `json:"@level"`
	Change  *struct {
		Resource struct {
			Addr         string `json:"addr"`
			ResourceType string `json:"resource_type"`
		} `json:"resource"`
		PreviousResource *struct {
			Addr string `json:"addr"`
		} `json:"previous_resource"`
		Action    string `json:"action"`
		Importing *struct {
			ID string `json:"id"`
		} `json:"importing"`
	} `json:"change"`
}

// streamActions maps the actions of the machine-readable UI to the
// actions of a saved plan.
var streamActions = map[string]tfjson.Actions{
	"noop":    {tfjson.ActionNoop},
	"move":    {tfjson.ActionNoop},
	"import":  {tfjson.ActionNoop},
	"create":  {tfjson.ActionCreate},
	"read":    {tfjson.ActionRead},
	"update":  {tfjson.ActionUpdate},
	"replace": {tfjson.ActionDelete, tfjson.ActionCreate},
	"delete":  {tfjson.ActionDelete},
	"remove":  {tfjson.ActionForget},
}

// StreamChanges reads the planned changes of `terraform plan -json`'s
// output (one JSON message a line) without a saved plan: `terraform show`
// would start the provider once more. Attributes are not in the stream;
// use Changes on a saved plan for them. It also returns the messages as
// readable lines, and errors and warnings first.
func StreamChanges(stream []byte) ([]Change, []string, error) {
	var out []Change
	var lines []string
	for _, raw := range bytes.Split(stream, []byte("\n")) {
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var m streamMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, lines, fmt.Errorf("not a line of terraform's machine-readable output: %v: %s", err, raw)
		}
		if m.Message != "" {
			lines = append(lines, m.Level+": "+m.Message)
		}
		if m.Type != "planned_change" || m.Change == nil {
			continue
		}
		actions, ok := streamActions[m.Change.Action]
		if !ok {
			return nil, lines, fmt.Errorf("unknown planned action %q of %s", m.Change.Action, m.Change.Resource.Addr)
		}
		c := Change{Address: m.Change.Resource.Addr, Type: m.Change.Resource.ResourceType, Actions: actions}
		if m.Change.PreviousResource != nil {
			c.PreviousAddress = m.Change.PreviousResource.Addr
		}
		if m.Change.Importing != nil {
			c.ImportID = m.Change.Importing.ID
			if c.ImportID == "" {
				c.ImportID = "(import)"
			}
		}
		if strings.HasPrefix(c.Address, "data.") || c.Actions.Read() {
			continue
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, lines, nil
}

// refPattern finds references to resources and data sources in a
// synthesized string: ${aws_x.name...} or ${data.aws_x.name...}, also inside
// larger expressions.
var refPattern = regexp.MustCompile(`\b(data\.)?([a-z][a-z0-9_]*)\.([A-Za-z_][A-Za-z0-9_-]*)`)

// ConfigResources returns the managed resources of a synthesized stack's
// "resource" block (type -> name -> arguments) by address, sorted.
func ConfigResources(resources map[string]any) []string {
	var out []string
	for typ, byName := range resources {
		m, _ := byName.(map[string]any)
		for name := range m {
			out = append(out, typ+"."+name)
		}
	}
	sort.Strings(out)
	return out
}

// ConfigDependents is Dependents for a synthesized stack: the resources of
// the given types, and every resource whose arguments refer to one of them
// (inside "${...}") or that depends_on one, directly or through others.
func ConfigDependents(resources map[string]any, types ...string) []string {
	var seeds []string
	for _, a := range ConfigResources(resources) {
		if slices.Contains(types, a[:strings.IndexByte(a, '.')]) {
			seeds = append(seeds, a)
		}
	}
	return ConfigDependentsOf(resources, seeds)
}

// ConfigDependentsOf is ConfigDependents from given resource addresses: the
// resources themselves and every resource that refers to or depends on one
// of them, directly or through others.
func ConfigDependentsOf(resources map[string]any, seeds []string) []string {
	refs := map[string][]string{}
	addrs := ConfigResources(resources)
	for typ, byName := range resources {
		m, _ := byName.(map[string]any)
		for name, args := range m {
			addr := typ + "." + name
			walkTemplates(args, func(expr string) {
				for _, r := range refPattern.FindAllStringSubmatch(expr, -1) {
					refs[addr] = append(refs[addr], r[1]+r[2]+"."+r[3])
				}
			})
			if a, ok := args.(map[string]any); ok {
				deps, _ := a["depends_on"].([]any)
				for _, d := range deps {
					if s, ok := d.(string); ok {
						refs[addr] = append(refs[addr], resourceOf(s))
					}
				}
			}
		}
	}
	out := map[string]bool{}
	for _, a := range seeds {
		out[a] = true
	}
	for changed := true; changed; {
		changed = false
		for _, a := range addrs {
			if out[a] {
				continue
			}
			for _, r := range refs[a] {
				if out[r] {
					out[a] = true
					changed = true
					break
				}
			}
		}
	}
	return slices.Sorted(maps.Keys(out))
}

// interpolation finds the "${...}" parts of a template (not "$${", which
// is a literal).
var interpolation = regexp.MustCompile(`(^|[^$])\$\{([^}]*)\}`)

// walkTemplates calls f with the inside of every interpolation in the
// strings of v, except the "//" metadata cdktf writes.
func walkTemplates(v any, f func(expr string)) {
	switch x := v.(type) {
	case string:
		for _, m := range interpolation.FindAllStringSubmatch(x, -1) {
			f(m[2])
		}
	case map[string]any:
		for k, e := range x {
			if k != "//" {
				walkTemplates(e, f)
			}
		}
	case []any:
		for _, e := range x {
			walkTemplates(e, f)
		}
	}
}

// resourceOf turns a reference (aws_kms_key.k.arn, data.aws_x.y.id,
// aws_kms_key.k) into the address of the resource it names.
func resourceOf(ref string) string {
	parts := strings.Split(ref, ".")
	n := 2
	if parts[0] == "data" {
		n = 3
	}
	if len(parts) < n {
		return ref
	}
	if i := strings.IndexByte(parts[n-1], '['); i >= 0 {
		parts[n-1] = parts[n-1][:i]
	}
	return strings.Join(parts[:n], ".")
}
