package kms

import (
	"sync"

	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// stackState is what the construct tracks per stack to refuse collisions
// between keys: alias names, output names and key names, and the moved
// blocks it has emitted (a stack-level override that all keys share).
type stackState struct {
	stack   cdktf.TerraformStack
	aliases map[string]string // alias name -> owning key's address
	outputs map[string]string // output name -> owning key's address
	roles   map[string]string // IAM role name -> owning key's address
	keys    map[string]bool   // addresses of the keys
	moved   []map[string]string
}

var (
	stacksMu sync.Mutex
	// The jsii runtime hands back the same Go value for the same stack, so
	// the stack itself is the key.
	stacks = map[cdktf.TerraformStack]*stackState{}
)

func stateOf(stack cdktf.TerraformStack) *stackState {
	st, ok := stacks[stack]
	if !ok {
		st = &stackState{stack: stack, aliases: map[string]string{}, outputs: map[string]string{}, roles: map[string]string{}, keys: map[string]bool{}}
		stacks[stack] = st
	}
	return st
}

// reserve checks that the key's aliases and outputs are free in the stack
// and, when they are, records them. Call with stacksMu held.
func (st *stackState) reserve(address string, aliases, outputs, roles []string) error {
	if st.keys[address] {
		return &FieldError{Field: "id", Key: "id", Value: address,
			Rule: "is already a key of this stack; give each KmsKey its own id"}
	}
	var p problems
	for i, a := range aliases {
		if owner, taken := st.aliases[a]; taken {
			p.add(field{"Aliases", "aliases"}.index(i), a, "is already the alias of %s in this stack; alias names are unique per account and region", owner)
		}
	}
	for _, o := range outputs {
		if owner, taken := st.outputs[o]; taken {
			p.add(field{"OutputPrefix", "output_prefix"}, nil,
				"output %q is already created by %s in this stack; give this key another OutputPrefix or set SkipOutputs", o, owner)
		}
	}
	for i, r := range roles {
		if owner, taken := st.roles[r]; taken {
			p.add(field{"Roles", "roles"}.index(i).sub("Name", "name"), r,
				"is already the name of a role of %s in this stack; IAM role names are unique per account", owner)
		}
	}
	if err := p.err(); err != nil {
		return err
	}
	for _, r := range roles {
		st.roles[r] = address
	}
	st.keys[address] = true
	for _, a := range aliases {
		st.aliases[a] = address
	}
	for _, o := range outputs {
		st.outputs[o] = address
	}
	return nil
}
