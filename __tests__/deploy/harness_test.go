//go:build e2e

package deploy

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/awsaccount"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/emulator"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfworkspace"
)

// ---- tools -----------------------------------------------------------------

var (
	toolsOnce      sync.Once
	terraformBin   string
	providerMirror string
	toolsErr       error
)

// requireTools finds terraform, moto_server and the AWS provider. A missing
// one skips the test with the reason, except in CI (CI set), where a
// skipped end-to-end test must never count as a pass: there it fails.
func requireTools(t *testing.T) {
	t.Helper()
	toolsOnce.Do(func() {
		var errs []error
		var err error
		if terraformBin, err = exec.LookPath("terraform"); err != nil {
			errs = append(errs, fmt.Errorf("terraform is not on PATH (.ci/build-terraform.sh builds it): %w", err))
		}
		if _, err = emulator.Path(); err != nil {
			errs = append(errs, err)
		}
		if providerMirror, err = tfworkspace.ProviderMirror(); err != nil {
			errs = append(errs, err)
		}
		toolsErr = errors.Join(errs...)
	})
	if toolsErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("the end-to-end tests cannot run: %v", toolsErr)
		}
		t.Skipf("the end-to-end tests need terraform, moto_server and the AWS provider: %v", toolsErr)
	}
}

var (
	buildMu  sync.Mutex
	builds   = map[string]string{}
	buildDir string
)

// goBinary builds a main package of this module (a path relative to this
// folder) once per test binary and returns the binary.
func goBinary(t *testing.T, pkg string) string {
	t.Helper()
	buildMu.Lock()
	defer buildMu.Unlock()
	if bin, ok := builds[pkg]; ok {
		if bin == "" {
			t.Fatalf("building %s failed earlier", pkg)
		}
		return bin
	}
	builds[pkg] = ""
	if buildDir == "" {
		var err error
		// In the package's private temp directory (synth.RunTests).
		if buildDir, err = os.MkdirTemp("", "deploy-bin-"); err != nil {
			t.Fatal(err)
		}
	}
	bin := filepath.Join(buildDir, strings.NewReplacer("/", "_", ".", "_").Replace(pkg))
	cmd := exec.CommandContext(interrupted, "go", "build", "-o", bin, pkg)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, out)
	}
	builds[pkg] = bin
	return bin
}

// appBinary is the repository's app, cdktf-kms.
func appBinary(t *testing.T) string { return goBinary(t, "../..") }

// ---- contexts --------------------------------------------------------------

// testContext is cancelled by an interrupt, when the test ends, and two
// minutes before go test's deadline, so that terraform is stopped and the
// cleanups run before go test kills the binary.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithCancel(interrupted)
	t.Cleanup(cancel)
	if d, ok := t.Deadline(); ok {
		var c context.CancelFunc
		ctx, c = context.WithDeadline(ctx, d.Add(-2*time.Minute))
		t.Cleanup(c)
	}
	return ctx
}

// ---- the emulator ----------------------------------------------------------

// env is one emulator with the settings of the processes that use it.
type env struct {
	t *testing.T // the test that owns the emulator
	// bin is the terraform (or OpenTofu) binary the environment runs.
	bin      string
	server   *emulator.Server
	clients  *readback.Clients
	settings tfworkspace.Settings
}

// newEnv starts an emulator for deploying stacks: it needs terraform and
// the provider too, and writes the CLI configuration that finds the
// provider.
func newEnv(t *testing.T) *env {
	t.Helper()
	requireTools(t)
	e := newEmulator(t)
	cliConfig := filepath.Join(t.TempDir(), "terraform.rc")
	if err := tfworkspace.WriteCLIConfig(cliConfig, providerMirror); err != nil {
		t.Fatal(err)
	}
	e.settings = tfworkspace.Settings{Endpoint: e.server.URL, Proxy: e.server.ProxyURL, CLIConfig: cliConfig, Region: "eu-west-1"}
	e.bin = terraformBin
	return e
}

// newOpenTofuEnv is newEnv with OpenTofu instead of terraform: the same
// provider, from a mirror under OpenTofu's registry address.
func newOpenTofuEnv(t *testing.T) *env {
	t.Helper()
	requireTools(t)
	tofu, err := tfworkspace.OpenTofuBinary()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	e := newEmulator(t)
	mirror, err := tfworkspace.OpenTofuMirror(t.TempDir(), providerMirror)
	if err != nil {
		t.Fatal(err)
	}
	cliConfig := filepath.Join(t.TempDir(), "tofu.rc")
	if err := os.WriteFile(cliConfig, []byte(tfworkspace.OpenTofuCLIConfig(mirror)), 0o644); err != nil {
		t.Fatal(err)
	}
	e.settings = tfworkspace.Settings{Endpoint: e.server.URL, Proxy: e.server.ProxyURL, CLIConfig: cliConfig, Region: "eu-west-1"}
	e.bin = tofu
	return e
}

// openTofu says whether the environment runs OpenTofu.
func (e *env) openTofu() bool { return e.bin != terraformBin }

// newEmulator starts a moto_server that the test owns: stopped when the
// test and its subtests end (pass, fail, skip, interrupt or timeout; the
// kernel kills it if the binary dies), its log printed when the test failed.
func newEmulator(t *testing.T) *env {
	t.Helper()
	if _, err := emulator.Path(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	dir := t.TempDir()
	server, err := emulator.Start(testContext(t), filepath.Join(dir, "moto_server.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("moto_server log (%s):\n%s", server.URL, server.Log())
		}
		if err := server.Stop(); err != nil {
			t.Error(err)
		}
	})
	return &env{t: t, server: server, clients: readback.NewClients(server.URL)}
}

// terraform returns a terraform-exec handle for dir whose output goes to log.
func (e *env) terraform(t *testing.T, dir string, log *syncBuffer) *tfexec.Terraform {
	t.Helper()
	tf, err := tfworkspace.New(dir, e.bin, e.settings)
	if err != nil {
		t.Fatal(err)
	}
	tf.SetStdout(log)
	tf.SetStderr(log)
	return tf
}

// run runs a command (the app, the cdktf CLI) in dir with the emulator's
// environment, in a process group of its own that is killed when ctx ends.
func (e *env) run(ctx context.Context, dir string, extraEnv []string, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(e.settings.EnvList(), extraEnv...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	setProcessGroup(cmd)
	err := cmd.Run()
	killGroup(cmd)
	return out.String(), err
}

// ---- projects and stacks ---------------------------------------------------

// project is a folder with a cdktf.json (or another app) and its
// synthesized stacks.
type project struct {
	dir    string
	stacks []*stack
	// environments is the cdktf.json the app synthesized from, when it was
	// the product's app (synthEnvironments): its HCL is then synthesized
	// once, into hclDir, for the step "HCL plans no changes".
	environments string
	// hclApp is the binary of a Go app of the tests (the composition app)
	// that synthesized the project: its HCL is synthesized the same way
	// (SYNTH_HCL_OUTPUT=true, as cdktf synth --hcl sets it).
	hclApp  string
	hclOnce sync.Once
	hclDir  string
	hclErr  error
}

// stack is one synthesized stack and what its deployment found out.
type stack struct {
	name, dir string
	project   *project
	doc       readback.Stack
	// siblings are the other stacks of the project (one emulator).
	siblings []readback.Stack
	tf       *tfexec.Terraform
	log      *syncBuffer

	// skipValidate leaves out terraform validate (stacks that are not the
	// product's, which the tests make for one check).
	skipValidate bool

	// From the synthesized JSON.
	resources []string
	gaps      []*gap
	excluded  []string          // resources the apply leaves out (gaps)
	policies  map[string]string // key address -> the policy template applied, when a gap changed it
	targets   []string          // what the apply targets (nil: everything)
	state     *tfjson.State     // after the apply
	destroyed bool

	// server is the provider process terraform attaches to, when the
	// stack has one provider configuration.
	server *tfworkspace.ProviderServer
}

// writeProject writes a cdktf.json whose app is the built app binary and
// whose environments are the given JSON object, and synthesizes it.
func (e *env) synthEnvironments(t *testing.T, environments string) *project {
	t.Helper()
	dir := t.TempDir()
	var envs map[string]json.RawMessage
	if err := json.Unmarshal([]byte(environments), &envs); err != nil {
		t.Fatalf("the environments are not a JSON object: %v\n%s", err, environments)
	}
	cfg := map[string]any{
		"language": "go", "app": appBinary(t), "sendCrashReports": "false",
		"context": map[string]any{"environments": json.RawMessage(environments)},
	}
	if err := tfworkspace.WriteJSON(filepath.Join(dir, "cdktf.json"), cfg); err != nil {
		t.Fatal(err)
	}
	e.synth(t, dir, appBinary(t))
	p := e.loadProject(t, dir)
	p.environments = environments
	return p
}

// hcl synthesizes the project's environments as HCL (go run . -hcl) once,
// into a folder of the same depth, so that relative paths (the local
// backend's state) name the same files, and returns that folder.
func (e *env) hcl(t *testing.T, p *project) (string, error) {
	p.hclOnce.Do(func() {
		p.hclDir = filepath.Join(filepath.Dir(p.dir), filepath.Base(p.dir)+"-hcl")
		if err := os.MkdirAll(p.hclDir, 0o755); err != nil {
			p.hclErr = err
			return
		}
		if p.hclApp != "" {
			if out, err := e.run(testContext(t), p.hclDir, []string{"SYNTH_HCL_OUTPUT=true"}, p.hclApp); err != nil {
				p.hclErr = fmt.Errorf("%s with SYNTH_HCL_OUTPUT=true: %v\n%s", filepath.Base(p.hclApp), err, out)
			}
			return
		}
		raw, err := os.ReadFile(filepath.Join(p.dir, "cdktf.json"))
		if err == nil {
			err = os.WriteFile(filepath.Join(p.hclDir, "cdktf.json"), raw, 0o644)
		}
		if err != nil {
			p.hclErr = err
			return
		}
		if out, err := e.run(testContext(t), p.hclDir, nil, appBinary(t), "-hcl"); err != nil {
			p.hclErr = fmt.Errorf("go run . -hcl: %v\n%s", err, out)
		}
	})
	return p.hclDir, p.hclErr
}

// synth runs an app binary in dir, as `cdktf synth` would.
func (e *env) synth(t *testing.T, dir, bin string) {
	t.Helper()
	out, err := e.run(testContext(t), dir, nil, bin)
	if err != nil {
		t.Fatalf("%s: %v\n%s", filepath.Base(bin), err, out)
	}
}

// loadProject reads the synthesized stacks of dir.
func (e *env) loadProject(t *testing.T, dir string) *project {
	t.Helper()
	p := &project{dir: dir}
	entries, err := os.ReadDir(filepath.Join(dir, "cdktf.out", "stacks"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range entries {
		st := &stack{name: d.Name(), dir: filepath.Join(dir, "cdktf.out", "stacks", d.Name()), log: &syncBuffer{}, project: p}
		raw, err := os.ReadFile(filepath.Join(st.dir, "cdk.tf.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &st.doc); err != nil {
			t.Fatal(err)
		}
		st.tf = e.terraform(t, st.dir, st.log)
		p.stacks = append(p.stacks, st)
	}
	if len(p.stacks) == 0 {
		t.Fatal("nothing was synthesized")
	}
	for _, st := range p.stacks {
		for _, other := range p.stacks {
			if other != st {
				st.siblings = append(st.siblings, other.doc)
			}
		}
	}
	return p
}

// stack returns a stack of the project by name.
func (p *project) stack(t *testing.T, name string) *stack {
	t.Helper()
	for _, st := range p.stacks {
		if st.name == name {
			return st
		}
	}
	t.Fatalf("no stack %s", name)
	return nil
}

// dependencies returns the stacks whose state a stack reads (cdktf's
// cross-stack references: terraform_remote_state of a local backend).
func (p *project) dependencies(st *stack) []*stack {
	var out []*stack
	data, _ := st.doc["data"].(map[string]any)
	remote, _ := data["terraform_remote_state"].(map[string]any)
	for _, v := range remote {
		cfg, _ := v.(map[string]any)["config"].(map[string]any)
		path, _ := cfg["path"].(string)
		for _, other := range p.stacks {
			if other != st && strings.HasSuffix(path, "terraform."+other.name+".tfstate") {
				out = append(out, other)
			}
		}
	}
	return out
}

// deploy runs every stack of the project through its steps, in parallel.
// Stacks that read another's state (cdktf's cross-stack references) and
// the stacks they read form one chain instead: applied in order, destroyed
// in reverse order.
func (e *env) deploy(t *testing.T, p *project) {
	t.Helper()
	ordered := p.ordered(t)
	var chain []*stack
	for _, st := range ordered {
		if !p.linked(st) {
			t.Run(st.name, func(t *testing.T) {
				t.Parallel()
				if e.up(t, st) {
					e.down(t, st)
				}
			})
			continue
		}
		chain = append(chain, st)
	}
	if len(chain) == 0 {
		return
	}
	t.Run(chain[0].name+" and the stacks that read its state", func(t *testing.T) {
		t.Parallel()
		var up []*stack
		for _, st := range chain {
			if !t.Run(st.name, func(t *testing.T) { e.up(t, st) }) {
				break
			}
			up = append(up, st)
		}
		for _, st := range slices.Backward(up) {
			t.Run(st.name+" destroy", func(t *testing.T) { e.down(t, st) })
		}
	})
}

// linked says whether a stack reads another's state or is read by one.
func (p *project) linked(st *stack) bool {
	if len(p.dependencies(st)) > 0 {
		return true
	}
	for _, other := range p.stacks {
		if slices.Contains(p.dependencies(other), st) {
			return true
		}
	}
	return false
}

// ordered returns the stacks with each after the ones it reads.
func (p *project) ordered(t *testing.T) []*stack {
	var out []*stack
	done := map[*stack]bool{}
	var visit func(st *stack, depth int)
	visit = func(st *stack, depth int) {
		if done[st] {
			return
		}
		if depth > len(p.stacks) {
			t.Fatalf("the stacks read each other's state in a cycle")
		}
		for _, d := range p.dependencies(st) {
			visit(d, depth+1)
		}
		done[st] = true
		out = append(out, st)
	}
	sorted := slices.Clone(p.stacks)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].name < sorted[j].name })
	for _, st := range sorted {
		visit(st, 0)
	}
	return out
}

// step runs one named step of a stack; false stops the stack's later steps.
func step(t *testing.T, name string, f func(t *testing.T, ctx context.Context)) bool {
	t.Helper()
	return t.Run(name, func(t *testing.T) { f(t, testContext(t)) })
}

// up takes a stack from synthesized to applied and checked: prepare, init,
// validate, plan, apply, plan again (no changes), read back. It reports
// whether every step passed.
func (e *env) up(t *testing.T, st *stack) bool {
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("terraform output of %s:\n%s", st.name, st.log.Tail(24<<10))
		}
	})
	ok := step(t, "prepare", func(t *testing.T, ctx context.Context) {
		if err := awsaccount.Prepare(ctx, e.server.URL, st.doc, st.siblings...); err != nil {
			t.Fatal(err)
		}
	}) && step(t, "init", func(t *testing.T, ctx context.Context) {
		e.attach(t, ctx, st)
		if err := st.init(ctx); err != nil {
			t.Fatal(err)
		}
	})
	if !ok {
		return false
	}
	// From here on the stack may hold resources: destroy them if a later
	// step fails (terratest's defer destroy), before the emulator stops.
	t.Cleanup(func() {
		if t.Failed() && !st.destroyed && interrupted.Err() == nil {
			ctx, cancel := context.WithTimeout(interrupted, 5*time.Minute)
			defer cancel()
			if err := st.destroy(ctx); err != nil {
				t.Logf("cleanup: destroying %s after a failure: %v", st.name, err)
			}
		}
	})
	findGaps(t, st)
	return step(t, "validate", func(t *testing.T, ctx context.Context) {
		if st.skipValidate {
			t.Skip("not a stack of the product")
		}
		v, err := e.validate(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range v.Diagnostics {
			msg := fmt.Sprintf("%s: %s: %s", d.Severity, d.Summary, d.Detail)
			if d.Severity == tfjson.DiagnosticSeverityError {
				t.Error(msg)
			} else {
				t.Log(msg)
			}
		}
		if !v.Valid {
			t.Fatal("terraform validate: the configuration is not valid")
		}
	}) && step(t, "plan", func(t *testing.T, ctx context.Context) {
		// The apply plans whatever it applies; a plan of the whole stack
		// covers what the emulator's gaps leave out of the apply, with the
		// real provider's schema and validations.
		if !st.needsFullPlan() {
			t.Skip("the apply applies the whole stack; its plan is the plan")
		}
		_, changes := e.planStream(t, ctx, st, nil, false)
		for _, c := range changes {
			if !c.Actions.Create() {
				t.Errorf("a new stack's plan does more than create: %s", c)
			}
		}
		for _, a := range st.excluded {
			if _, err := tfresult.Find(changes, a); err != nil {
				t.Errorf("the plan does not create %s, which the apply leaves out", a)
			}
		}
		writeGapOverride(t, st)
	}) && step(t, "apply", func(t *testing.T, ctx context.Context) {
		if st.nothingApplied() {
			t.Skipf("every resource is left out for the emulator's gaps (%s): the plan of the whole stack covered them", strings.Join(st.excluded, ", "))
		}
		if len(st.excluded) > 0 {
			t.Logf("left out for the emulator's gaps: %s", strings.Join(st.excluded, ", "))
		}
		if err := st.apply(ctx, st.targets); err != nil {
			t.Fatal(err)
		}
	}) && step(t, "plan shows no changes", func(t *testing.T, ctx context.Context) {
		if st.nothingApplied() {
			t.Skip("nothing was applied")
		}
		changed, changes := e.planStream(t, ctx, st, st.targets, st.needsAttributes())
		if bad := tfresult.Unexpected(changes, st.allowedDiff); len(bad) > 0 {
			t.Errorf("the plan after apply is not empty (a perpetual diff):\n%s", strings.Join(bad, "\n"))
		}
		// -detailed-exitcode also counts what the resource changes do
		// not show (an output that changes); only a gap that allows an
		// attribute to differ may leave it at 2.
		if changed && !st.needsAttributes() {
			t.Errorf("terraform plan -detailed-exitcode after apply says there are changes (exit status 2); see the plan in the log")
		}
	}) && step(t, "read back", func(t *testing.T, ctx context.Context) {
		if st.nothingApplied() {
			t.Skip("nothing was applied")
		}
		state, err := e.readState(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		st.state = state
		want := tfresult.Without(st.resources, st.excluded)
		if got := tfresult.StateAddresses(state); !slices.Equal(got, want) {
			t.Errorf("the state holds\n  %v\nwant\n  %v", got, want)
		}
		opts := readback.Options{
			Policy:                   func(addr, _ string) string { return st.policies[addr] },
			RotationPeriodUnreported: st.hasGap(gapRotationPeriod),
		}
		keys, err := readback.Keys(ctx, e.clients, st.doc, state, opts)
		for _, m := range keys {
			t.Error(m)
		}
		if err != nil {
			t.Fatal(err)
		}
		roles, err := readback.Roles(ctx, e.clients, st.doc, state)
		for _, m := range roles {
			t.Error(m)
		}
		if err != nil {
			t.Fatal(err)
		}
	}) && step(t, "HCL plans no changes", func(t *testing.T, ctx context.Context) {
		// The way off CDKTF (docs/migration.md, "Leaving CDKTF"): the
		// same environment written as HCL (go run . -hcl) in place of the
		// JSON, in the same folder and state, plans nothing.
		if st.project == nil || st.project.environments == "" && st.project.hclApp == "" {
			t.Skip("not a stack of the product's app or the composition app")
		}
		if st.nothingApplied() {
			t.Skip("nothing was applied")
		}
		dir, err := e.hcl(t, st.project)
		if err != nil {
			t.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(dir, "cdktf.out", "stacks", st.name, "cdk.tf"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(st.dir, "cdk.tf"), src, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Remove(filepath.Join(st.dir, "cdk.tf.json")); err != nil {
			t.Fatal(err)
		}
		changed, changes := e.planStream(t, ctx, st, st.targets, st.needsAttributes())
		if bad := tfresult.Unexpected(changes, st.allowedDiff); len(bad) > 0 {
			t.Errorf("the HCL plans changes to what the JSON applied:\n%s", strings.Join(bad, "\n"))
		}
		if changed && !st.needsAttributes() {
			t.Errorf("terraform plan -detailed-exitcode of the HCL says there are changes (exit status 2); see the plan in the log")
		}
	})
}

// nothingApplied says whether the emulator's gaps leave every resource of
// the stack out of the apply.
func (st *stack) nothingApplied() bool { return len(st.excluded) > 0 && len(st.targets) == 0 }

// down destroys a stack: refused by Terraform where the stack sets
// prevent_destroy (the keys then stay as they are), else every key is
// scheduled for deletion after its window and loses its aliases.
func (e *env) down(t *testing.T, st *stack) {
	step(t, "destroy", func(t *testing.T, ctx context.Context) {
		if st.nothingApplied() {
			t.Skip("nothing was applied")
		}
		state := st.state
		if state == nil {
			var err error
			if state, err = e.readState(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		if guarded := st.preventDestroy(); len(guarded) > 0 {
			err := st.destroy(ctx)
			if err == nil {
				st.destroyed = true
				t.Fatalf("terraform destroyed a stack whose %v set prevent_destroy", guarded)
			}
			if !strings.Contains(err.Error(), "nstance cannot be destroyed") /* Terraform: "Instance ...", OpenTofu: "Resource instance ..." */ || !strings.Contains(err.Error(), "prevent_destroy") {
				t.Fatalf("destroy failed, but not because of prevent_destroy: %v", err)
			}
			after, err := e.readState(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := tfresult.StateAddresses(after), tfresult.StateAddresses(state); !slices.Equal(got, want) {
				t.Errorf("a refused destroy changed the state: %v, was %v", got, want)
			}
			keys, err := readback.Keys(ctx, e.clients, st.doc, after, readback.Options{
				Policy: func(addr, _ string) string { return st.policies[addr] }, RotationPeriodUnreported: st.hasGap(gapRotationPeriod)})
			for _, m := range keys {
				t.Errorf("after a refused destroy: %v", m)
			}
			if err != nil {
				t.Fatal(err)
			}
			// The emulator goes away with the test; so does the key.
			st.destroyed = true
			return
		}
		if err := st.destroy(ctx); err != nil {
			t.Fatal(err)
		}
		st.destroyed = true
		if st.server != nil {
			if err := st.server.Stop(); err != nil {
				t.Error(err)
			}
		}
		after, err := e.readState(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		if left := tfresult.StateAddresses(after); len(left) > 0 {
			t.Errorf("the state still holds %v after destroy", left)
		}
		gone, err := readback.KeysDeleted(ctx, e.clients, st.doc, state)
		for _, m := range gone {
			t.Error(m)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
}

// preventDestroy returns the resources of the stack that set prevent_destroy.
func (st *stack) preventDestroy() []string {
	var out []string
	resources, _ := st.doc["resource"].(map[string]any)
	for typ, byName := range resources {
		for name, v := range byName.(map[string]any) {
			lc, _ := v.(map[string]any)["lifecycle"].(map[string]any)
			if pd, _ := lc["prevent_destroy"].(bool); pd {
				out = append(out, typ+"."+name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// planStream runs terraform plan -json (targeted when targets is not nil)
// and returns whether it plans changes and which. The changes come from
// terraform's machine-readable output; only withAttributes reads the saved
// plan back (terraform show, which starts the provider once more) to name
// the attributes an update changes.
func (e *env) planStream(t *testing.T, ctx context.Context, st *stack, targets []string, withAttributes bool) (bool, []tfresult.Change) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "plan.tfplan")
	opts := []tfexec.PlanOption{tfexec.Out(out)}
	for _, a := range targets {
		opts = append(opts, tfexec.Target(a))
	}
	if st.server != nil {
		opts = append(opts, tfexec.Reattach(st.server.Reattach))
	}
	var stream bytes.Buffer
	changed, err := st.tf.PlanJSON(ctx, &stream, opts...)
	st.tf.SetStdout(st.log) // PlanJSON replaced it
	changes, lines, perr := tfresult.StreamChanges(stream.Bytes())
	fmt.Fprintf(st.log, "terraform plan -json:\n  %s\n", strings.Join(lines, "\n  "))
	if err != nil {
		t.Fatal(err)
	}
	if perr != nil {
		t.Fatal(perr)
	}
	if changed && withAttributes {
		var show []tfexec.ShowOption
		if st.server != nil {
			show = append(show, tfexec.Reattach(st.server.Reattach))
		}
		plan, err := st.tf.ShowPlanFile(ctx, out, show...)
		if err != nil {
			t.Fatal(err)
		}
		changes = tfresult.Changes(plan)
	}
	return changed, changes
}

// readState reads a stack's state where its backend keeps it: the local
// file, or the S3 object in the emulator. Unlike `terraform state pull` or
// `terraform show`, it runs no terraform, which verifies the provider's
// checksum (about 1 s of CPU) even when it starts no provider.
func (e *env) readState(ctx context.Context, st *stack) (*tfjson.State, error) {
	tf, _ := st.doc["terraform"].(map[string]any)
	backend, _ := tf["backend"].(map[string]any)
	if local, ok := backend["local"].(map[string]any); ok {
		path, _ := local["path"].(string)
		return readStateFile(filepath.Join(st.dir, path))
	}
	if s3cfg, ok := backend["s3"].(map[string]any); ok {
		bucket, _ := s3cfg["bucket"].(string)
		key, _ := s3cfg["key"].(string)
		region, _ := s3cfg["region"].(string)
		raw, err := awsaccount.GetObject(ctx, e.server.URL, region, bucket, key)
		if err != nil {
			return nil, err
		}
		return parseState(raw)
	}
	raw, err := st.tf.StatePull(ctx)
	if err != nil {
		return nil, err
	}
	return parseState([]byte(raw))
}

// readStateFile reads a local state file; a missing one is an empty state.
func readStateFile(path string) (*tfjson.State, error) {
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		raw = nil
	} else if err != nil {
		return nil, err
	}
	return parseState(raw)
}

func parseState(raw []byte) (*tfjson.State, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return &tfjson.State{Values: &tfjson.StateValues{RootModule: &tfjson.StateModule{}}}, nil
	}
	return tfresult.ParseRawState(raw)
}

// attach starts a provider server for the stack when it has a single
// provider configuration (see tfworkspace.ProviderServer); its later
// terraform commands attach to it. It stops with the stack's destroy, or
// when the emulator's test ends.
func (e *env) attach(t *testing.T, ctx context.Context, st *stack) {
	t.Helper()
	providers, _ := st.doc["provider"].(map[string]any)
	if configs, _ := providers["aws"].([]any); len(providers) != 1 || len(configs) != 1 || e.openTofu() {
		// OpenTofu starts the provider itself: the server's reattach
		// configuration names the provider by terraform's address.
		return
	}
	server, err := tfworkspace.StartProvider(ctx, providerMirror, e.settings, st.log)
	if err != nil {
		t.Fatal(err)
	}
	st.server = server
	e.t.Cleanup(func() {
		if err := server.Stop(); err != nil {
			e.t.Error(err)
		}
	})
}

// validate runs terraform validate. tfexec's Validate takes no reattach
// option (and SetEnv refuses TF_REATTACH_PROVIDERS), so with a provider
// server this one command runs here, with the environment tfexec would
// give it and the reattach configuration, and its output is read as tfexec
// reads it.
func (e *env) validate(ctx context.Context, st *stack) (*tfjson.ValidateOutput, error) {
	if st.server == nil {
		return st.tf.Validate(ctx)
	}
	cmd := exec.CommandContext(ctx, e.bin, "validate", "-no-color", "-json")
	cmd.Dir = st.dir
	cmd.Env = append(e.settings.EnvList(), "TF_REATTACH_PROVIDERS="+st.server.ReattachJSON, "TF_IN_AUTOMATION=1", "TF_INPUT=0")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	setProcessGroup(cmd)
	err := cmd.Run()
	killGroup(cmd)
	// Exit status 1 with a JSON report: the configuration is not valid.
	if err != nil && cmd.ProcessState.ExitCode() != 1 {
		return nil, fmt.Errorf("terraform validate: %w\n%s", err, stderr.String())
	}
	var v tfjson.ValidateOutput
	if jerr := json.Unmarshal(out.Bytes(), &v); jerr != nil {
		return nil, fmt.Errorf("terraform validate: %v: %w\n%s%s", err, jerr, out.String(), stderr.String())
	}
	return &v, nil
}

// init initializes the stack's folder: the backend, and the provider from
// the mirror unless the stack has a provider server (then terraform
// installs nothing for it).
func (st *stack) init(ctx context.Context) error {
	var opts []tfexec.InitOption
	if st.server != nil {
		opts = append(opts, tfexec.Reattach(st.server.Reattach))
	}
	return st.tf.Init(ctx, opts...)
}

// apply applies the stack (only the targets when they are not nil).
func (st *stack) apply(ctx context.Context, targets []string) error {
	var opts []tfexec.ApplyOption
	for _, a := range targets {
		opts = append(opts, tfexec.Target(a))
	}
	if st.server != nil {
		opts = append(opts, tfexec.Reattach(st.server.Reattach))
	}
	return st.tf.Apply(ctx, opts...)
}

// destroy destroys the stack.
func (st *stack) destroy(ctx context.Context) error {
	var opts []tfexec.DestroyOption
	if st.server != nil {
		opts = append(opts, tfexec.Reattach(st.server.Reattach))
	}
	return st.tf.Destroy(ctx, opts...)
}

// ---- output ----------------------------------------------------------------

// syncBuffer collects the output of a stack's terraform runs.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// Tail returns the last n bytes.
func (s *syncBuffer) Tail(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := s.b.Bytes()
	if len(b) > n {
		return "...\n" + string(b[len(b)-n:])
	}
	return string(b)
}
