//go:build e2e

package deploy

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
	"github.com/hashicorp/terraform-exec/tfexec"
	tfjson "github.com/hashicorp/terraform-json"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/awsaccount"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfworkspace"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
)

// moduleInputs are the original module's variables for the migration.
type moduleInputs struct {
	Account     string   `json:"aws_account_id"`
	Region      string   `json:"aws_region"`
	Prefix      string   `json:"name_prefix"`
	Environment string   `json:"environment"`
	Principals  []string `json:"additional_principals"`
}

var legacyInputs = moduleInputs{
	Account: "123456789012", Region: "eu-west-1", Prefix: "legacy", Environment: "prod",
	Principals: []string{"arn:aws:iam::123456789012:role/example-role", "arn:aws:iam::123456789012:role/another-role"},
}

// rootModule calls the original module as module "kms", the way a team's
// configuration does (docs/migration.md): its key is at
// module.kms.aws_kms_key.general_encryption_key.
const rootModule = `
variable "aws_account_id" { type = string }
variable "aws_region" { type = string }
variable "name_prefix" { type = string }
variable "environment" { type = string }
variable "additional_principals" { type = list(string) }

provider "aws" {
  region = var.aws_region
}

module "kms" {
  source                = "./original-module"
  aws_account_id        = var.aws_account_id
  aws_region            = var.aws_region
  name_prefix           = var.name_prefix
  environment           = var.environment
  additional_principals = var.additional_principals
}

output "kms_key_arn" {
  value = module.kms.kms_key_arn
}
`

const moduleKeyAddress = "module.kms.aws_kms_key.general_encryption_key"

// applyModule applies the original module (a copy of
// __tests__/testdata/original-module, with a tfvars file) to the emulator
// and returns its folder's terraform and the key's id.
func (e *env) applyModule(t *testing.T, ctx context.Context, in moduleInputs) (*tfexec.Terraform, string) {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join("..", "testdata", "original-module")
	entries, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "original-module"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range entries {
		if !strings.HasSuffix(f.Name(), ".tf") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(src, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "original-module", f.Name()), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(rootModule), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := tfworkspace.WriteJSON(filepath.Join(dir, "terraform.tfvars.json"), in); err != nil {
		t.Fatal(err)
	}
	if err := awsaccount.CreateRoles(ctx, e.server.URL, in.Principals...); err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("terraform output of the module:\n%s", log.Tail(16<<10))
		}
	})
	tf := e.terraform(t, dir, log)
	server, err := tfworkspace.StartProvider(ctx, providerMirror, e.settings, log)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Stop()
	if err := tf.Init(ctx, tfexec.Reattach(server.Reattach)); err != nil {
		t.Fatal(err)
	}
	if err := tf.Apply(ctx, tfexec.Reattach(server.Reattach)); err != nil {
		t.Fatal(err)
	}
	state, err := readStateFile(filepath.Join(dir, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	return tf, moduleKeyID(t, state)
}

// moduleKeyID returns the key id of the module's key in a state.
func moduleKeyID(t *testing.T, s *tfjson.State) string {
	t.Helper()
	for _, m := range s.Values.RootModule.ChildModules {
		for _, r := range m.Resources {
			if r.Address == moduleKeyAddress {
				id, _ := r.AttributeValues["key_id"].(string)
				return id
			}
		}
	}
	t.Fatalf("no %s in the module's state", moduleKeyAddress)
	return ""
}

// keyIDIn returns the key id of a key address in a stack's state.
func keyIDIn(t *testing.T, s *tfjson.State, address string) string {
	t.Helper()
	r, ok := tfresult.StateResources(s)[address]
	if !ok {
		t.Fatalf("no %s in the state", address)
	}
	id, _ := r.AttributeValues["key_id"].(string)
	return id
}

// environmentOf is the app's environment for the module's inputs and more
// settings.
func environmentOf(name string, in moduleInputs, more map[string]any) string {
	env := map[string]any{
		"aws_account_id": in.Account, "aws_region": in.Region, "name_prefix": in.Prefix,
		"environment": in.Environment, "additional_principals": in.Principals,
	}
	for k, v := range more {
		env[k] = v
	}
	raw, _ := json.Marshal(map[string]any{name: env})
	return string(raw)
}

// migrationPlan checks the first plan of a stack that takes over the
// module's key: the key is moved or imported, changed in nothing; the only
// other changes create what the module never had (aliases).
func migrationPlan(t *testing.T, changes []tfresult.Change, check func(key tfresult.Change)) {
	t.Helper()
	t.Logf("first plan:\n%s", tfresult.Summary(changes))
	key, err := tfresult.Find(changes, "aws_kms_key.general_encryption_key")
	if err != nil {
		t.Fatal(err)
	}
	if !key.NoOp() {
		t.Errorf("the plan changes the module's key: %s", key)
	}
	check(key)
	for _, c := range changes {
		if c.Address == key.Address {
			continue
		}
		if !c.Actions.Create() || c.Type != "aws_kms_alias" {
			t.Errorf("the plan does more than add an alias: %s", c)
		}
	}
}

// takeOver runs a stack that takes over the module's key through its
// steps: init, the first plan (checked by check), apply, a plan without
// changes, the read-back, and it returns the key id in the stack's state.
func (e *env) takeOver(t *testing.T, ctx context.Context, st *stack, check func(key tfresult.Change)) string {
	t.Helper()
	if err := awsaccount.Prepare(ctx, e.server.URL, st.doc); err != nil {
		t.Fatal(err)
	}
	e.attach(t, ctx, st)
	if err := st.init(ctx); err != nil {
		t.Fatal(err)
	}
	_, changes := e.planStream(t, ctx, st, nil, false)
	migrationPlan(t, changes, check)
	if t.Failed() {
		t.FailNow()
	}
	if err := st.apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	changed, after := e.planStream(t, ctx, st, nil, false)
	if bad := tfresult.Unexpected(after, nil); len(bad) > 0 {
		t.Errorf("the plan after apply is not empty:\n%s", strings.Join(bad, "\n"))
	} else if changed {
		t.Errorf("terraform plan -detailed-exitcode after apply says there are changes (exit status 2); see the plan in the log")
	}
	state, err := e.readState(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	m, err := readback.Keys(ctx, e.clients, st.doc, state, readback.Options{})
	for _, x := range m {
		t.Error(x)
	}
	if err != nil {
		t.Fatal(err)
	}
	st.state = state
	return keyIDIn(t, state, "aws_kms_key.general_encryption_key")
}

// TestMigrationFromTheModule applies the original HCL module, then brings
// its key under the app's stack as docs/migration.md says: with
// import_key_id (a new state) and with moved_from (the module's state).
// Neither plan may replace or update the key or its policy; the only
// additions are resources the module never had (an alias).
func TestMigrationFromTheModule(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	t.Run("import_key_id", func(t *testing.T) {
		t.Parallel()
		ctx := testContext(t)
		moduleTF, keyID := e.applyModule(t, ctx, legacyInputs)
		// docs/migration.md: remove the key from the old state without
		// destroying it.
		if err := moduleTF.StateRm(ctx, moduleKeyAddress); err != nil {
			t.Fatal(err)
		}
		p := e.synthEnvironments(t, environmentOf("imported", legacyInputs, map[string]any{
			"import_key_id": keyID, "aliases": []string{"legacy-imported"},
		}))
		st := p.stack(t, "kms-imported")
		got := e.takeOver(t, ctx, st, func(key tfresult.Change) {
			if key.ImportID != keyID {
				t.Errorf("the key is not imported from %s: %s", keyID, key)
			}
		})
		if got != keyID {
			t.Errorf("the stack's key is %s, not the module's %s", got, keyID)
		}
		e.down(t, st)
	})

	t.Run("moved_from", func(t *testing.T) {
		t.Parallel()
		ctx := testContext(t)
		moduleTF, keyID := e.applyModule(t, ctx, legacyInputs)
		p := e.synthEnvironments(t, environmentOf("moved", legacyInputs, map[string]any{
			"moved_from": moduleKeyAddress, "aliases": []string{"legacy-moved"},
		}))
		st := p.stack(t, "kms-moved")
		// The stack takes over the module's state: its local backend's file.
		state, err := moduleTF.StatePull(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(p.dir, "terraform.kms-moved.tfstate"), []byte(state), 0o644); err != nil {
			t.Fatal(err)
		}
		got := e.takeOver(t, ctx, st, func(key tfresult.Change) {
			if key.PreviousAddress != moduleKeyAddress {
				t.Errorf("the key is not moved from %s: %s", moduleKeyAddress, key)
			}
		})
		if got != keyID {
			t.Errorf("the stack's key is %s, not the module's %s", got, keyID)
		}
		e.down(t, st)
	})
}

// TestMovingAKeyKeepsIt changes a key's construct id (the key moves into a
// construct of the app, docs/migration.md's example) with MovedFrom set:
// the plan moves the key and everything it owns and destroys nothing, and
// after the apply the state holds the same key.
func TestMovingAKeyKeepsIt(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := testContext(t)
	dir := t.TempDir()
	config := func(movedFrom string) *kms.KmsKeyConfig {
		return &kms.KmsKeyConfig{
			AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "orders", Environment: "prod",
			Aliases:   []string{"orders"},
			KeyUsers:  []string{"arn:aws:iam::123456789012:role/orders-api"},
			Roles:     []kms.RoleSpec{{Service: "lambda", Access: kms.AccessDecrypt}},
			KmsGrants: []kms.KmsGrantSpec{{Name: "batch", GranteePrincipal: "arn:aws:iam::123456789012:role/batch", Operations: []string{"Decrypt"}}},
			MovedFrom: movedFrom,
		}
	}
	synthApp(t, dir, func(stack cdktf.TerraformStack) error {
		_, err := kms.NewKmsKey(stack, "orders_key", config(""))
		return err
	})
	st := e.loadProject(t, dir).stack(t, "moving")
	st.skipValidate = true
	if !e.up(t, st) {
		return
	}
	oldID := keyIDIn(t, st.state, "aws_kms_key.orders_key")

	synthApp(t, dir, func(stack cdktf.TerraformStack) error {
		platform := constructs.NewConstruct(stack, jsii.String("platform"))
		_, err := kms.NewKmsKey(platform, "orders_key", config("aws_kms_key.orders_key"))
		return err
	})
	server := st.server
	st = e.loadProject(t, dir).stack(t, "moving")
	st.server = server
	if err := st.init(ctx); err != nil {
		t.Fatal(err)
	}
	ok := t.Run("plan moves and destroys nothing", func(t *testing.T) {
		_, changes := e.planStream(t, ctx, st, nil, true)
		t.Logf("plan:\n%s", tfresult.Summary(changes))
		moved := 0
		for _, c := range changes {
			if c.Moved() {
				moved++
				if c.Address != strings.Replace(c.PreviousAddress, ".orders_key", ".platform_orders_key", 1) {
					t.Errorf("moved to an unexpected address: %s", c)
				}
			} else {
				t.Errorf("a resource of the key did not move: %s", c)
			}
			// A role's description names the key's address, so it follows
			// the key in place; nothing else may change.
			roleDescription := c.Type == "aws_iam_role" && c.Actions.Update() && slices.Equal(c.Attributes, []string{"description"})
			if !c.NoOp() && !roleDescription {
				t.Errorf("the plan does more than move: %s", c)
			}
		}
		if moved != 5 {
			t.Errorf("%d resources moved; the key, its alias, role, role policy and grant should", moved)
		}
	}) && t.Run("apply keeps the key", func(t *testing.T) {
		if err := st.apply(ctx, nil); err != nil {
			t.Fatal(err)
		}
		state, err := e.readState(ctx, st)
		if err != nil {
			t.Fatal(err)
		}
		st.state = state
		if newID := keyIDIn(t, state, "aws_kms_key.platform_orders_key"); newID != oldID {
			t.Errorf("the key in the state is %s after the move, %s before", newID, oldID)
		}
		m, err := readback.Keys(ctx, e.clients, st.doc, state, readback.Options{})
		for _, x := range m {
			t.Error(x)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	if ok {
		e.down(t, st)
	}
}

// synthMu serializes the in-process synths of synthApp.
var synthMu sync.Mutex

// synthApp synthesizes an app of one stack, "moving", in this process: the
// provider for eu-west-1, local state in dir, and what add puts in it.
func synthApp(t *testing.T, dir string, add func(stack cdktf.TerraformStack) error) {
	t.Helper()
	// The jsii runtime of this process serves one caller at a time: tests
	// that run in parallel take turns (two at once crash its start-up).
	synthMu.Lock()
	defer synthMu.Unlock()
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(filepath.Join(dir, "cdktf.out"))})
	stack := cdktf.NewTerraformStack(app, jsii.String("moving"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String("../../../terraform.moving.tfstate")})
	// As a Go app of a user's sets it: the provider versions the tests
	// prove, in place of the bindings' exact 5.84.0.
	if err := kms.SetAwsProviderConstraint(stack, kms.DefaultAwsProviderConstraint); err != nil {
		t.Fatal(err)
	}
	if err := add(stack); err != nil {
		t.Fatal(err)
	}
	app.Synth()
}
