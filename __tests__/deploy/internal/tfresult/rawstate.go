package tfresult

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	tfjson "github.com/hashicorp/terraform-json"
)

// rawState is Terraform's state file (format version 4), as `terraform
// state pull` prints it.
type rawState struct {
	Version   int `json:"version"`
	Resources []struct {
		Module    string `json:"module"`
		Mode      string `json:"mode"`
		Type      string `json:"type"`
		Name      string `json:"name"`
		Provider  string `json:"provider"`
		Instances []struct {
			IndexKey   any            `json:"index_key"`
			Attributes map[string]any `json:"attributes"`
		} `json:"instances"`
	} `json:"resources"`
}

// ParseRawState reads a state file (`terraform state pull`) into the form of
// `terraform show -json`, as far as the tests need it: each resource
// instance's address, mode, type, name, index and attribute values, in the
// root module or its child modules. Unlike show, it needs no provider
// schema, so no provider process starts.
func ParseRawState(raw []byte) (*tfjson.State, error) {
	var s rawState
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("not a state file: %w", err)
	}
	if s.Version != 4 {
		return nil, fmt.Errorf("state format version %d; only 4 is read", s.Version)
	}
	root := &tfjson.StateModule{}
	modules := map[string]*tfjson.StateModule{"": root}
	for _, r := range s.Resources {
		m := modules[r.Module]
		if m == nil {
			m = &tfjson.StateModule{Address: r.Module}
			modules[r.Module] = m
			root.ChildModules = append(root.ChildModules, m)
		}
		mode := tfjson.ManagedResourceMode
		prefix := ""
		if r.Mode == "data" {
			mode = tfjson.DataResourceMode
			prefix = "data."
		}
		for _, inst := range r.Instances {
			addr := prefix + r.Type + "." + r.Name
			switch k := inst.IndexKey.(type) {
			case float64:
				addr += "[" + strconv.Itoa(int(k)) + "]"
			case string:
				addr += "[" + strconv.Quote(k) + "]"
			}
			if r.Module != "" {
				addr = r.Module + "." + addr
			}
			m.Resources = append(m.Resources, &tfjson.StateResource{
				Address: addr, Mode: mode, Type: r.Type, Name: r.Name, Index: inst.IndexKey,
				ProviderName: r.Provider, AttributeValues: inst.Attributes,
			})
		}
	}
	for _, m := range modules {
		sort.Slice(m.Resources, func(i, j int) bool { return m.Resources[i].Address < m.Resources[j].Address })
	}
	sort.Slice(root.ChildModules, func(i, j int) bool { return root.ChildModules[i].Address < root.ChildModules[j].Address })
	return &tfjson.State{FormatVersion: "1.0", Values: &tfjson.StateValues{RootModule: root}}, nil
}
