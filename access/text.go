package access

import (
	"fmt"
	"io"
	"strings"
)

// item is one capability (or one action of it) and what a principal can
// do with it, in words.
type item struct {
	level Level
	name  string
	how   string
}

// items summarizes a principal's cells by capability: one item per
// capability whose actions all say the same, else one per action.
func (p Principal) items() []item {
	var out []item
	for _, c := range capabilities {
		var hows []string
		listed := 0
		for _, a := range c.Actions {
			cell := p.Cell(a)
			if cell.Access == Denied && len(cell.Paths) == 0 {
				hows = append(hows, "")
				continue
			}
			listed++
			hows = append(hows, cell.how())
		}
		if listed == 0 {
			continue
		}
		uniform := true
		for _, h := range hows {
			uniform = uniform && h == hows[0]
		}
		if uniform {
			out = append(out, item{c.Level, c.Name, hows[0]})
			continue
		}
		// Actions that say the same read as one item.
		done := map[int]bool{}
		for i := range c.Actions {
			if hows[i] == "" || done[i] {
				continue
			}
			var actions []string
			for j := i; j < len(c.Actions); j++ {
				if hows[j] == hows[i] {
					actions = append(actions, c.Actions[j])
					done[j] = true
				}
			}
			out = append(out, item{c.Level, c.Name + " (" + strings.Join(actions, ", ") + ")", hows[i]})
		}
	}
	return out
}

// how says in words what a cell allows and why.
func (c Cell) how() string {
	switch c.Access {
	case Allowed:
		return "allowed (" + viaText(c.Paths) + ")"
	case Denied:
		var alts []string
		for _, p := range c.Paths {
			alt := "denied by " + viaText([]Path{p})
			if len(p.Conditions) > 0 {
				alt += " if " + conditionsText(p.Conditions)
			}
			alts = append(alts, alt)
		}
		return strings.Join(alts, "; or ")
	}
	var alts []string
	for _, p := range c.Paths {
		if len(p.Conditions) == 0 {
			alts = append(alts, "allowed ("+viaText([]Path{p})+")")
			continue
		}
		alts = append(alts, "if "+conditionsText(p.Conditions)+" ("+viaText([]Path{p})+")")
	}
	out := strings.Join(alts, "; or ")
	for _, u := range c.Unless {
		out += "; unless " + conditionsText(u.Conditions) + " (" + viaText([]Path{u}) + ")"
	}
	return out
}

func conditionsText(conds []Condition) string {
	var parts []string
	for _, c := range conds {
		parts = append(parts, c.String())
	}
	return strings.Join(parts, " and ")
}

// viaText names the sources of paths.
func viaText(paths []Path) string {
	var names []string
	seen := map[string]bool{}
	for _, p := range paths {
		var via []string
		for _, s := range p.Via {
			via = append(via, s.String())
		}
		if n := strings.Join(via, " + "); !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	return strings.Join(names, "; ")
}

// WriteText writes the report for a terminal: per stack and key, each
// principal and what it can do, grouped by access level.
func (r *Report) WriteText(w io.Writer) error {
	ew := &errWriter{w: w}
	ew.printf("Who can do what with each key (access levels of the Service Authorization Reference; actions not listed are not allowed).\n")
	if len(r.Stacks) == 0 {
		ew.printf("\nNo stacks.\n")
	}
	for _, s := range r.Stacks {
		ew.printf("\n%s\n", s.Name)
		for _, n := range s.Notes {
			ew.printf("  note: %s\n", n)
		}
		if len(s.Keys) == 0 {
			ew.printf("  no keys\n")
		}
		for _, k := range s.Keys {
			ew.printf("\n  %s  (%s)\n", k.Address, k.describe())
			for _, n := range k.Notes {
				ew.printf("    note: %s\n", n)
			}
			for _, p := range k.Principals {
				ew.printf("\n    %s\n", p.heading())
				items := p.items()
				if len(items) == 0 {
					ew.printf("      nothing\n")
				}
				for _, group := range groupItems(items) {
					ew.printf("      %-23s %s: %s\n", group.level, group.name, group.how)
				}
			}
		}
	}
	return ew.err
}

// groupItems joins consecutive items of one level that say the same.
func groupItems(items []item) []item {
	var out []item
	for _, it := range items {
		if n := len(out); n > 0 && out[n-1].level == it.level && out[n-1].how == it.how {
			out[n-1].name += ", " + it.name
			continue
		}
		out = append(out, it)
	}
	return out
}

// describe is a key's one-line summary.
func (k Key) describe() string {
	parts := []string{k.Region, "account " + orUnknown(k.Account), k.KeySpec + " " + k.KeyUsage}
	if k.Primary != "" {
		parts = append(parts, "replica of "+k.Primary)
	}
	return strings.Join(parts, ", ")
}

// heading names a principal with its roles.
func (p Principal) heading() string {
	h := p.Label
	if p.ID != p.Label && p.Kind != KindAccount && p.Kind != KindAnyone && p.Kind != KindReference {
		h += " (" + p.ID + ")"
	}
	if len(p.Roles) > 0 {
		h += ": " + strings.Join(p.Roles, ", ")
	}
	return h
}

type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}
