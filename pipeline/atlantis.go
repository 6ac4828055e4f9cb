// Package pipeline writes the configuration of a pipeline engine that
// plans and applies the synthesized stacks, so that a thousand stacks are
// the engine's work, not a home-made scheduler's: Atlantis's repository
// configuration (atlantis.yaml), one project per stack folder, each stack
// with its own state and lock, cross-stack dependencies in order.
package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/cdktf-kms/cdktf-kms/synth"
)

// Stack is one stack of a synthesized output folder, as a pipeline runs it.
type Stack struct {
	// Name is the stack's name (kms-<environment>).
	Name string
	// Dir is the stack's folder, relative to the repository root, with /.
	Dir string
	// File is the synthesized stack's file name in Dir: cdk.tf.json, or
	// cdk.tf for HCL output.
	File string
	// Backend is the Terraform backend the stack keeps its state in ("s3",
	// ...; "local" for cdktf's default).
	Backend string
	// Dependencies are the stacks it reads, applied before it.
	Dependencies []string
	// Group is its place in the apply order: 0 for a stack without
	// dependencies, else one more than its dependencies' highest.
	Group int
}

// ReadStacks reads the stacks of the output folder outdir (its manifest and
// each stack's backend). repoDir is the output folder as the repository
// sees it, relative to the repository root (where atlantis.yaml lives),
// like "cdktf.out". The stacks come in apply order: by group, then name.
// Every stack must keep its state where a pipeline server finds it again,
// locked: a local state file is refused (the server does not keep it
// between runs), and so is an S3 backend without locking.
func ReadStacks(outdir, repoDir string) ([]Stack, error) {
	repoDir = filepath.ToSlash(filepath.Clean(repoDir))
	if filepath.IsAbs(repoDir) || repoDir == ".." || strings.HasPrefix(repoDir, "../") {
		return nil, fmt.Errorf("output folder %s: it must be inside the repository (Atlantis refuses a project dir outside it)", repoDir)
	}
	m, err := synth.ReadManifest(outdir)
	if err != nil {
		return nil, err
	}
	var stacks []Stack
	var errs []error
	for name, sm := range m.Stacks {
		file := path.Base(sm.SynthesizedStackPath)
		backend, err := backendOf(filepath.Join(outdir, filepath.FromSlash(sm.SynthesizedStackPath)))
		if err != nil {
			errs = append(errs, fmt.Errorf("stack %s: %w", name, err))
			continue
		}
		stacks = append(stacks, Stack{
			Name: name, Dir: path.Join(repoDir, path.Dir(sm.SynthesizedStackPath)), File: file,
			Backend: backend, Dependencies: slices.Sorted(slices.Values(sm.Dependencies)),
		})
	}
	if len(errs) > 0 {
		slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
		return nil, errors.Join(errs...)
	}
	if err := order(stacks); err != nil {
		return nil, err
	}
	return stacks, nil
}

// backendOf returns the backend of a synthesized stack file, refusing one
// whose state a pipeline server would lose or not lock.
func backendOf(file string) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	name, lock := "local", false
	if strings.HasSuffix(file, ".json") {
		var doc struct {
			Terraform struct {
				Backend map[string]map[string]any `json:"backend"`
			} `json:"terraform"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			return "", fmt.Errorf("%s: not Terraform JSON: %w", file, err)
		}
		for n, args := range doc.Terraform.Backend {
			name = n
			useLockfile, _ := args["use_lockfile"].(bool)
			table, _ := args["dynamodb_table"].(string)
			lock = useLockfile || table != ""
		}
	} else {
		var err error
		if name, lock, err = hclBackend(raw, file); err != nil {
			return "", err
		}
	}
	switch {
	case name == "local":
		return "", fmt.Errorf("keeps its state in a local file, which a pipeline server does not keep between runs: give its environment a backend.s3 in cdktf.json (state and lock in S3)")
	case name == "s3" && !lock:
		return "", fmt.Errorf("keeps its state in S3 without a lock, so two runs could write it at once: set backend.s3.use_lockfile (or dynamodb_table)")
	}
	return name, nil
}

// hclBackend reads the backend of a stack written as HCL: the terraform
// block's backend block, and whether it locks (use_lockfile true, or a
// dynamodb_table); "local" without one.
func hclBackend(src []byte, file string) (name string, lock bool, err error) {
	f, diags := hclsyntax.ParseConfig(src, file, hcl.InitialPos)
	if diags.HasErrors() {
		return "", false, fmt.Errorf("%s: not Terraform's native syntax: %s", file, diags.Error())
	}
	name = "local"
	for _, tf := range f.Body.(*hclsyntax.Body).Blocks {
		if tf.Type != "terraform" {
			continue
		}
		for _, b := range tf.Body.Blocks {
			if b.Type != "backend" || len(b.Labels) != 1 {
				continue
			}
			name = b.Labels[0]
			if a, ok := b.Body.Attributes["use_lockfile"]; ok {
				v, diags := a.Expr.Value(nil)
				lock = lock || !diags.HasErrors() && v.Type() == cty.Bool && v.IsKnown() && v.True()
			}
			_, table := b.Body.Attributes["dynamodb_table"]
			lock = lock || table
		}
	}
	return name, lock, nil
}

// order sets each stack's group and sorts the stacks in apply order; a
// dependency that is not a stack of the folder, or a cycle, is an error.
func order(stacks []Stack) error {
	byName := map[string]*Stack{}
	for i := range stacks {
		byName[stacks[i].Name] = &stacks[i]
	}
	const visiting = -1
	done := map[string]bool{}
	var visit func(s *Stack, path []string) error
	visit = func(s *Stack, path []string) error {
		if done[s.Name] {
			return nil
		}
		if s.Group == visiting {
			return fmt.Errorf("stacks %s depend on each other in a cycle", strings.Join(append(path, s.Name), " -> "))
		}
		s.Group = visiting
		group := 0
		for _, d := range s.Dependencies {
			dep, ok := byName[d]
			if !ok {
				return fmt.Errorf("stack %s depends on %s, which is not a stack of the output folder", s.Name, d)
			}
			if err := visit(dep, append(path, s.Name)); err != nil {
				return err
			}
			group = max(group, dep.Group+1)
		}
		s.Group, done[s.Name] = group, true
		return nil
	}
	for _, name := range slices.Sorted(maps.Keys(byName)) {
		if err := visit(byName[name], nil); err != nil {
			return err
		}
	}
	slices.SortFunc(stacks, func(a, b Stack) int {
		if a.Group != b.Group {
			return a.Group - b.Group
		}
		return strings.Compare(a.Name, b.Name)
	})
	return nil
}

// Atlantis returns Atlantis's repository configuration (atlantis.yaml,
// version 3) for the stacks: one project per stack, named after it, in its
// folder, planned when its synthesized file changes, with depends_on for
// its dependencies and an execution_order_group after theirs, so that
// "atlantis apply" applies them in order (Atlantis 0.27 or later: project
// dependencies). Plans and applies of a group run in parallel, and a failed
// group stops the later ones (abort_on_execution_order_fail). Atlantis's
// docs: https://www.runatlantis.io/docs/repo-level-atlantis-yaml.html
func Atlantis(stacks []Stack, source string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: one project per stack,\n", Header, quote(source))
	b.WriteString("# dependencies applied first. Written by cdktf-kms (go run . -atlantis FILE, or\n")
	b.WriteString("# pipeline.Atlantis); do not edit: synthesize and write it again.\n")
	b.WriteString("version: 3\nparallel_plan: true\nparallel_apply: true\nabort_on_execution_order_fail: true\nprojects:\n")
	for _, s := range stacks {
		fmt.Fprintf(&b, "  - name: %s\n    dir: %s\n    execution_order_group: %d\n", quote(s.Name), quote(s.Dir), s.Group)
		if len(s.Dependencies) > 0 {
			b.WriteString("    depends_on: [")
			for i, d := range s.Dependencies {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(quote(d))
			}
			b.WriteString("]\n")
		}
		fmt.Fprintf(&b, "    autoplan:\n      enabled: true\n      when_modified: [%s]\n", quote(s.File))
	}
	return []byte(b.String())
}

// Header starts the first line of the configuration Atlantis writes, so
// that a file can be told apart from one a person wrote.
const Header = "# Atlantis's configuration of the stacks of"

// quote writes a YAML double-quoted scalar: Go's escapes (\", \\, \n,
// \xNN, \uNNNN) are YAML's too.
func quote(s string) string { return strconv.Quote(s) }
