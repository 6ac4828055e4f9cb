package access

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Change is what one principal gains, loses or has changed on one action
// of one key between two reports.
type Change struct {
	Stack string `json:"stack"`
	Key   string `json:"key"`
	// Principal is the principal's ID, Label its short name.
	Principal string `json:"principal"`
	Label     string `json:"label"`
	Action    string `json:"action"`
	// Kind is gains (not allowed before), loses (not allowed now) or
	// changes (allowed both times, under other conditions).
	Kind string `json:"kind"`
	// Before and After are the access values; BeforeDetail and
	// AfterDetail say why, in words.
	Before       string `json:"before"`
	After        string `json:"after"`
	BeforeDetail string `json:"before_detail,omitempty"`
	AfterDetail  string `json:"after_detail,omitempty"`
}

// DiffReport is the JSON form of `-access -diff <revision> -format json`.
type DiffReport struct {
	Format int `json:"format"`
	// Against is the revision compared with.
	Against string   `json:"against"`
	Changes []Change `json:"changes"`
}

// Diff compares two reports: what each principal gains or loses on each
// action of each key, from old to new. A stack, key or principal that one
// report lacks counts as allowed nothing there.
func Diff(old, new *Report) []Change {
	type keyRef struct{ stack, key string }
	index := func(r *Report) map[keyRef]map[string]Principal {
		out := map[keyRef]map[string]Principal{}
		for _, s := range r.Stacks {
			for _, k := range s.Keys {
				m := map[string]Principal{}
				for _, p := range k.Principals {
					m[p.ID] = p
				}
				out[keyRef{s.Name, k.Address}] = m
			}
		}
		return out
	}
	before, after := index(old), index(new)
	keys := map[keyRef]bool{}
	for k := range before {
		keys[k] = true
	}
	for k := range after {
		keys[k] = true
	}
	var changes []Change
	for k := range keys {
		ids := map[string]bool{}
		for id := range before[k] {
			ids[id] = true
		}
		for id := range after[k] {
			ids[id] = true
		}
		for id := range ids {
			b, bok := before[k][id]
			a, aok := after[k][id]
			label := a.Label
			if !aok {
				label = b.Label
			}
			for _, action := range Actions() {
				var cb, ca Cell
				if bok {
					cb = b.Cell(action)
				} else {
					cb = Principal{}.Cell(action)
				}
				if aok {
					ca = a.Cell(action)
				} else {
					ca = Principal{}.Cell(action)
				}
				wasAllowed, isAllowed := cb.Access != Denied, ca.Access != Denied
				kind := ""
				switch {
				case !wasAllowed && isAllowed:
					kind = "gains"
				case wasAllowed && !isAllowed:
					kind = "loses"
				case wasAllowed && isAllowed && cb.conditionSignature() != ca.conditionSignature():
					kind = "changes"
				}
				if kind == "" {
					continue
				}
				changes = append(changes, Change{Stack: k.stack, Key: k.key, Principal: id, Label: label, Action: action, Kind: kind,
					Before: cb.Access, After: ca.Access, BeforeDetail: detail(cb), AfterDetail: detail(ca)})
			}
		}
	}
	order := Actions()
	slices.SortFunc(changes, func(x, y Change) int {
		for _, c := range []int{strings.Compare(x.Stack, y.Stack), strings.Compare(x.Key, y.Key), strings.Compare(x.Principal, y.Principal),
			slices.Index(order, x.Action) - slices.Index(order, y.Action)} {
			if c != 0 {
				return c
			}
		}
		return 0
	})
	return changes
}

// detail is a cell in words ("" when nothing allows it).
func detail(c Cell) string {
	if c.Access == Denied && len(c.Paths) == 0 {
		return ""
	}
	return c.how()
}

// WriteDiffText writes the changes for a reviewer: per stack and key, what
// each principal gains and loses.
func WriteDiffText(w io.Writer, against string, changes []Change) error {
	ew := &errWriter{w: w}
	if len(changes) == 0 {
		ew.printf("No access changes against %s.\n", against)
		return ew.err
	}
	ew.printf("Access changes against %s (actions not listed are unchanged):\n", against)
	last := ""
	for i := 0; i < len(changes); {
		c := changes[i]
		// Consecutive changes of one principal, kind and detail read as one
		// line.
		j := i + 1
		actions := []string{c.Action}
		for j < len(changes) && changes[j].Stack == c.Stack && changes[j].Key == c.Key && changes[j].Principal == c.Principal &&
			changes[j].Kind == c.Kind && changes[j].AfterDetail == c.AfterDetail && changes[j].BeforeDetail == c.BeforeDetail {
			actions = append(actions, changes[j].Action)
			j++
		}
		if head := c.Stack + " " + c.Key; head != last {
			ew.printf("\n%s\n", head)
			last = head
		}
		who := c.Label
		if c.Principal != c.Label && !strings.HasPrefix(c.Principal, "account:") && c.Principal != "*" {
			who += " (" + c.Principal + ")"
		}
		list := strings.Join(actions, ", ")
		switch c.Kind {
		case "gains":
			ew.printf("  %s gains %s on %s: %s\n", who, list, c.Stack, c.AfterDetail)
		case "loses":
			ew.printf("  %s loses %s on %s (was: %s)\n", who, list, c.Stack, c.BeforeDetail)
		default:
			ew.printf("  %s keeps %s on %s, changed: %s (was: %s)\n", who, list, c.Stack, c.AfterDetail, c.BeforeDetail)
		}
		i = j
	}
	return ew.err
}

// Summary counts the changes by kind, for a closing line.
func Summary(changes []Change) string {
	n := map[string]int{}
	for _, c := range changes {
		n[c.Kind]++
	}
	return fmt.Sprintf("%d gained, %d lost, %d changed", n["gains"], n["loses"], n["changes"])
}
