package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/tfformat"
)

// manifestFile and stacksFolder are what cdktf writes into an output
// folder: manifest.json, and one folder per stack under stacks/.
const (
	manifestFile = "manifest.json"
	stacksFolder = "stacks"
)

// synthesizedFiles are the files cdktf 0.20 writes into a stack's folder:
// the stack as JSON or HCL, and the HCL output's metadata.
var synthesizedFiles = []string{"cdk.tf.json", "cdk.tf", "metadata.json"}

// hclStackFile is the file of a stack synthesized as HCL; only then does
// cdktf write the metadata file its manifest always names.
const hclStackFile = "cdk.tf"

// Manifest is the part of cdktf's manifest.json that says which files a
// synth wrote.
type Manifest struct {
	Version string                   `json:"version"`
	Stacks  map[string]StackManifest `json:"stacks"`
}

// StackManifest is one stack of a manifest.
type StackManifest struct {
	Name                 string       `json:"name"`
	SynthesizedStackPath string       `json:"synthesizedStackPath"`
	StackMetadataPath    string       `json:"stackMetadataPath"`
	WorkingDirectory     string       `json:"workingDirectory"`
	Annotations          []Annotation `json:"annotations"`
	// Dependencies are the stacks this one reads (cross-stack references),
	// which must be applied first.
	Dependencies []string `json:"dependencies"`
}

// Annotation is a message a construct added (cdktf's Annotations): a
// warning, an error or an info.
type Annotation struct {
	ConstructPath string `json:"constructPath"`
	// Level is "@cdktf/warn", "@cdktf/error" or "@cdktf/info".
	Level   string `json:"level"`
	Message string `json:"message"`
}

// Annotation levels as cdktf writes them.
const (
	LevelWarn  = "@cdktf/warn"
	LevelError = "@cdktf/error"
	LevelInfo  = "@cdktf/info"
)

// readManifest reads the manifest of an output folder; ok is false when
// there is none.
func readManifest(dir string) (m Manifest, ok bool, err error) {
	raw, err := os.ReadFile(filepath.Join(dir, manifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, false, nil
	}
	if err != nil {
		return Manifest{}, false, err
	}
	if err := json.Unmarshal(raw, &m); err != nil || m.Version == "" || m.Stacks == nil {
		return Manifest{}, false, &ManifestError{Path: filepath.Join(dir, manifestFile), Problem: "it is not a manifest cdktf wrote (an object with version and stacks)"}
	}
	for name, s := range m.Stacks {
		if err := s.check(name); err != nil {
			return Manifest{}, false, &ManifestError{Path: filepath.Join(dir, manifestFile), Problem: err.Error()}
		}
	}
	return m, true, nil
}

// ReadManifest reads the manifest.json of an output folder a synth wrote,
// checked as a synth checks it before replacing the folder (a
// *ManifestError when it is not one cdktf wrote).
func ReadManifest(outdir string) (Manifest, error) {
	m, ok, err := readManifest(outdir)
	if err == nil && !ok {
		err = fmt.Errorf("%s: there is no manifest: synthesize first (cdktf synth, or go run .)", filepath.Join(outdir, manifestFile))
	}
	return m, err
}

// ManifestError refuses an output folder whose manifest.json no synth
// wrote as it is: the manifest decides what the next synth replaces and
// removes, so a synth never acts on one it cannot trust.
type ManifestError struct {
	Path    string
	Problem string
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("%s: %s; nothing was written. The manifest decides which files a synth replaces, so a synth does not use one it did not write: if you changed it, restore it; else move the output folder away (keep any Terraform state in it) and synthesize again", e.Path, e.Problem)
}

// check refuses a stack entry whose paths leave the stack's folder or name
// files cdktf does not write: the output folder's manifest decides what the
// next synth removes, so it must not be able to name anything else.
func (s StackManifest) check(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return fmt.Errorf("stack name %q is not a folder name", name)
	}
	if i := strings.IndexFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }); i >= 0 {
		return fmt.Errorf("stack name %q holds a control character (%U), which cdktf never writes", name, rune(name[i]))
	}
	for _, p := range []string{s.SynthesizedStackPath, s.StackMetadataPath} {
		if p == "" {
			continue
		}
		dir, file := path.Split(p)
		if dir != stacksFolder+"/"+name+"/" || !slices.Contains(synthesizedFiles, file) {
			return fmt.Errorf("stack %s: %q is not a file cdktf writes into stacks/%s", name, p, name)
		}
	}
	return nil
}

// written returns the files a synth of this stack entry wrote, relative to
// the output folder: the stack's file, and the metadata file only for HCL
// output (cdktf's manifest names metadata.json for JSON output too, where
// it writes none; a file of that name is then the user's).
func (s StackManifest) written() []string {
	var out []string
	if s.SynthesizedStackPath != "" {
		out = append(out, filepath.FromSlash(s.SynthesizedStackPath))
	}
	if s.StackMetadataPath != "" && path.Base(s.SynthesizedStackPath) == hclStackFile {
		out = append(out, filepath.FromSlash(s.StackMetadataPath))
	}
	return out
}

// OutdirError says why an output folder is not one Main may write to.
type OutdirError struct {
	Outdir string
	// Others are the entries (relative to Outdir) that no synth wrote.
	Others []string
	// Removed is the stack no longer synthesized whose folder holds Others
	// ("" when they are elsewhere).
	Removed string
	// Err is a problem reading the folder.
	Err error
}

func (e *OutdirError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("output folder %s: %v", e.Outdir, e.Err)
	}
	const show = 5
	others := e.Others
	more := ""
	if len(others) > show {
		more = fmt.Sprintf(" and %d more", len(others)-show)
		others = others[:show]
	}
	if e.Removed != "" {
		return fmt.Sprintf("output folder %s: stack %s is no longer synthesized, but its folder holds files that no synth wrote (%s%s); nothing was written. Move them out of the output folder (cdktf synth deletes the folders of stacks it no longer synthesizes), or keep the stack",
			e.Outdir, e.Removed, strings.Join(others, ", "), more)
	}
	return fmt.Sprintf("output folder %s holds files that no synth wrote (%s%s); nothing was written. Name an output folder that is new, empty or an earlier synth's (CDKTF_OUTDIR, or \"output\" in cdktf.json): a synth replaces what is there",
		e.Outdir, strings.Join(others, ", "), more)
}

// terraformWorkingFiles are what terraform (and cdktf deploy) make in a
// stack's folder when they run there: the working directory, the lock file,
// local state and plans. They may stay in the folder of a stack that a
// later synth removed, and a synth never removes them.
func isTerraformWorkingFile(name string) bool {
	switch {
	case name == ".terraform", name == ".terraform.lock.hcl", name == "terraform.tfstate.d", name == "plan":
		return true
	case strings.HasSuffix(name, ".tfstate"), strings.HasSuffix(name, ".tfstate.backup"), strings.HasSuffix(name, ".tfplan"):
		return true
	}
	return false
}

// isState says whether an entry of a stack's folder is Terraform state:
// local state files and the local backend's workspaces.
func isState(name string) bool {
	return name == "terraform.tfstate.d" || strings.HasSuffix(name, ".tfstate") || strings.HasSuffix(name, ".tfstate.backup")
}

// previousOutput is what an output folder holds before a synth.
type previousOutput struct {
	manifest Manifest
	// leftovers are stack folders no manifest lists that hold only
	// Terraform's working files (a stack removed by an earlier synth).
	leftovers []string
}

// inspectOutdir checks that dir is an output folder a synth may replace:
// absent, empty, or what earlier synths left there: a manifest.json cdktf
// wrote, its stacks' folders (with whatever terraform made in them), and
// folders of stacks removed earlier that hold only Terraform's working
// files. Anything else is an *OutdirError naming it.
func inspectOutdir(dir string) (previousOutput, error) {
	var prev previousOutput
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return prev, nil
	}
	if err != nil {
		return prev, &OutdirError{Outdir: dir, Err: err}
	}
	if len(entries) == 0 {
		return prev, nil
	}
	m, ok, err := readManifest(dir)
	if err != nil {
		return prev, &OutdirError{Outdir: dir, Err: err}
	}
	var others []string
	if !ok {
		for _, e := range entries {
			others = append(others, e.Name())
		}
		return prev, &OutdirError{Outdir: dir, Others: others}
	}
	prev.manifest = m
	for _, e := range entries {
		switch {
		case e.Name() == manifestFile:
		case e.Name() == stacksFolder && e.IsDir():
		default:
			others = append(others, e.Name())
		}
	}
	stacks, err := os.ReadDir(filepath.Join(dir, stacksFolder))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return prev, &OutdirError{Outdir: dir, Err: err}
	}
	for _, s := range stacks {
		rel := filepath.Join(stacksFolder, s.Name())
		if _, listed := m.Stacks[s.Name()]; listed && s.IsDir() {
			continue
		}
		if !s.IsDir() {
			others = append(others, rel)
			continue
		}
		inside, err := os.ReadDir(filepath.Join(dir, rel))
		if err != nil {
			return prev, &OutdirError{Outdir: dir, Err: err}
		}
		leftover := true
		for _, f := range inside {
			if !isTerraformWorkingFile(f.Name()) {
				others = append(others, filepath.Join(rel, f.Name()))
				leftover = false
			}
		}
		if leftover {
			prev.leftovers = append(prev.leftovers, s.Name())
		}
	}
	if len(others) > 0 {
		return prev, &OutdirError{Outdir: dir, Others: others}
	}
	return prev, nil
}

// StateError refuses a synth that would leave Terraform state in the folder
// of a stack it removes: cdktf synth deletes such folders after the app has
// run.
type StateError struct {
	Outdir string
	Stack  string
	States []string
}

func (e *StateError) Error() string {
	return fmt.Sprintf("output folder %s: stack %s is no longer synthesized, but its folder holds Terraform state (%s); nothing was written. Move the state out of the output folder (cdktf synth deletes the folders of stacks it no longer synthesizes), or keep the stack",
		e.Outdir, e.Stack, strings.Join(e.States, ", "))
}

// isRegenerable says whether an entry of a stack's folder is what terraform
// init makes again: its working directory and the lock file.
func isRegenerable(name string) bool { return name == ".terraform" || name == ".terraform.lock.hcl" }

// checkRemovedStacks refuses to drop a stack whose folder holds state or
// any other file no synth wrote (a plan, a file of the user's): the app
// leaves such a folder in place, the next synth could not tell it from a
// folder of the user's, and cdktf synth deletes the folders of the stacks
// it no longer synthesizes.
func checkRemovedStacks(dir string, prev previousOutput, next Manifest) error {
	removed := append([]string(nil), prev.leftovers...)
	for name := range prev.manifest.Stacks {
		if _, kept := next.Stacks[name]; !kept {
			removed = append(removed, name)
		}
	}
	slices.Sort(removed)
	for _, name := range removed {
		entries, err := os.ReadDir(filepath.Join(dir, stacksFolder, name))
		if err != nil {
			continue
		}
		ours := map[string]bool{}
		for _, f := range prev.manifest.Stacks[name].written() {
			ours[filepath.Base(f)] = true
		}
		var states, others []string
		for _, e := range entries {
			rel := filepath.Join(stacksFolder, name, e.Name())
			switch {
			case isState(e.Name()):
				states = append(states, rel)
			case !ours[e.Name()] && !isRegenerable(e.Name()):
				others = append(others, rel)
			}
		}
		if len(states) > 0 {
			return &StateError{Outdir: dir, Stack: name, States: states}
		}
		if len(others) > 0 {
			return &OutdirError{Outdir: dir, Others: others, Removed: name}
		}
	}
	return nil
}

// formatHCL rewrites the HCL stacks of a staged synth in the canonical
// style of terraform fmt (internal/tfformat), so that the HCL the app
// writes passes terraform fmt -check; JSON stacks stay as cdktf wrote them.
func formatHCL(staging string, m Manifest) error {
	for _, name := range slices.Sorted(maps.Keys(m.Stacks)) {
		p := m.Stacks[name].SynthesizedStackPath
		if path.Base(p) != hclStackFile {
			continue
		}
		file := filepath.Join(staging, filepath.FromSlash(p))
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		out, err := tfformat.Format(src, p)
		if err != nil {
			return fmt.Errorf("stack %s: cdktf wrote HCL that does not parse: %w", name, err)
		}
		if err := os.WriteFile(file, out, 0o644); err != nil {
			return err
		}
	}
	return nil
}
