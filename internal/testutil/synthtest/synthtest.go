// Package synthtest reads synthesized cdktf stacks for tests: it parses the
// Terraform JSON of a stack and gives typed access to its resources, outputs
// and providers, failing the test with the whole block when a lookup misses.
package synthtest

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/stackjson"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Doc is the Terraform JSON of one synthesized stack.
type Doc struct {
	Raw  string
	tree map[string]any
}

// Synth synthesizes a stack with cdktf's Testing API (deterministic: keys
// sorted, metadata stripped) and parses it.
func Synth(t testing.TB, stack cdktf.TerraformStack) *Doc {
	t.Helper()
	raw := *cdktf.Testing_Synth(stack, nil)
	return Parse(t, raw)
}

// Parse parses Terraform JSON.
func Parse(t testing.TB, raw string) *Doc {
	t.Helper()
	var tree map[string]any
	if err := json.Unmarshal([]byte(raw), &tree); err != nil {
		t.Fatalf("synthesized stack is not JSON: %v\n%s", err, raw)
	}
	return &Doc{Raw: raw, tree: tree}
}

// Tree returns the parsed document.
func (d *Doc) Tree() map[string]any { return d.tree }

func (d *Doc) block(kind string) map[string]any {
	m, _ := d.tree[kind].(map[string]any)
	return m
}

// Resources returns the resources of one type by name, without cdktf's "//"
// metadata.
func (d *Doc) Resources(resourceType string) map[string]map[string]any {
	return stackjson.ResourcesOf(d.block("resource"), resourceType)
}

// Data returns the data sources of one type by name, without cdktf's "//"
// metadata.
func (d *Doc) Data(dataType string) map[string]map[string]any {
	return stackjson.ResourcesOf(d.block("data"), dataType)
}

// Resource returns one resource's arguments or fails the test, printing
// the whole document.
func (d *Doc) Resource(t testing.TB, resourceType, name string) map[string]any {
	t.Helper()
	r, ok := d.Resources(resourceType)[name]
	if !ok {
		t.Fatalf("no resource %s.%s in the stack; it has %v\n%s", resourceType, name, d.Addresses(), d.Raw)
	}
	return r
}

// Addresses returns the Terraform address of every resource, sorted.
func (d *Doc) Addresses() []string {
	var out []string
	for typ, byName := range d.block("resource") {
		for name := range byName.(map[string]any) {
			out = append(out, typ+"."+name)
		}
	}
	sort.Strings(out)
	return out
}

// Outputs returns every output's block by name.
func (d *Doc) Outputs() map[string]map[string]any {
	out := map[string]map[string]any{}
	for name, v := range d.block("output") {
		out[name], _ = v.(map[string]any)
	}
	return out
}

// Output returns one output's block or fails the test.
func (d *Doc) Output(t testing.TB, name string) map[string]any {
	t.Helper()
	o, ok := d.Outputs()[name]
	if !ok {
		t.Fatalf("no output %q in the stack\n%s", name, d.Raw)
	}
	return o
}

// Providers returns the blocks of one provider.
func (d *Doc) Providers(name string) []map[string]any {
	var out []map[string]any
	list, _ := d.block("provider")[name].([]any)
	for _, p := range list {
		m, _ := p.(map[string]any)
		out = append(out, m)
	}
	return out
}

// JSONArg parses a resource argument that holds a JSON document (a
// policy) as AWS receives it: the synthesized string is a Terraform template,
// evaluated first (references stay as "${...}"). It fails the test when the
// result is not JSON.
func JSONArg(t testing.TB, args map[string]any, name string) any {
	t.Helper()
	s, ok := args[name].(string)
	if !ok {
		t.Fatalf("argument %s is %T, want a JSON string", name, args[name])
	}
	rendered, err := tfrender.RenderJSON(s)
	if err != nil {
		t.Fatalf("argument %s is not a Terraform template: %v\n%s", name, err, s)
	}
	var v any
	if err := json.Unmarshal([]byte(rendered), &v); err != nil {
		t.Fatalf("argument %s is not JSON: %v\n%s", name, err, rendered)
	}
	return v
}

// Ref is the token cdktf writes for a reference to an attribute.
func Ref(address, attribute string) string {
	return "${" + strings.TrimSuffix(address, ".") + "." + attribute + "}"
}

var (
	appOnce sync.Once
	app     cdktf.App
	stackN  atomic.Int64
)

// App returns the package's shared test app, for tests that add their own
// uniquely named stacks to one app.
func App() cdktf.App {
	appOnce.Do(func() { app = NewApp() })
	return app
}

// NewApp returns a new test app. Its output goes to the output folder
// synth.RunTests names (CDKTF_OUTDIR, in the tests' private temp folder).
// The jsii runtime loads the AWS provider once per process, so a new app is
// cheap.
func NewApp() cdktf.App {
	cfg := &cdktf.TestingAppConfig{}
	if outdir := os.Getenv("CDKTF_OUTDIR"); outdir != "" {
		cfg.Outdir = jsii.String(outdir)
	}
	return cdktf.Testing_App(cfg)
}

// NewStack returns a new, empty stack, named after the test, in an app of
// its own: names that must be unique per app (IAM roles, aliases) do not
// clash between tests.
func NewStack(t testing.TB) cdktf.TerraformStack {
	t.Helper()
	return NewStackIn(t, NewApp())
}

// NewStackIn returns a new, empty stack named after the test in app.
func NewStackIn(t testing.TB, app cdktf.App) cdktf.TerraformStack {
	t.Helper()
	name := fmt.Sprintf("%s-%d", strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()), stackN.Add(1))
	return cdktf.NewTerraformStack(app, jsii.String(name))
}
