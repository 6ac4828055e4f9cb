//go:build e2e

package deploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmssdk "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
)

// TestKeyPolicyResource applies a key whose policy names a role whose own
// policy names the key (a dependency cycle with the policy inline on
// aws_kms_key, which Terraform refuses), with key_policy_resource: the
// apply, a second plan with no changes, the read-back of the policy.
// Then it proves the switch of an existing key: the same key with its
// policy inline first, then switched to the resource of its own, plans
// only the new aws_kms_key_policy (no change to the key, no replacement),
// and after the apply the key keeps its id and the policy its bytes.
func TestKeyPolicyResource(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := testContext(t)
	dir := t.TempDir()
	app := func(separate bool) func(stack cdktf.TerraformStack) error {
		return func(stack cdktf.TerraformStack) error {
			role := lambdaRole(stack, "worker", "orders-worker")
			cfg := &kms.KmsKeyConfig{
				AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "orders", Environment: "prod",
				KeyPolicyResource: separate,
			}
			if separate {
				// The cycle: the key policy names the role, whose policy
				// names the key.
				cfg.KeyUsers = []string{*role.Arn()}
			}
			key, err := kms.NewKmsKey(stack, "orders_key", cfg)
			if err != nil {
				return err
			}
			iamrolepolicy.NewIamRolePolicy(stack, jsii.String("worker_kms"), &iamrolepolicy.IamRolePolicyConfig{
				Name:   jsii.String("worker-kms"),
				Role:   role.Name(),
				Policy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:Decrypt","Resource":"` + *key.KeyArn() + `"}]}`),
			})
			return nil
		}
	}

	t.Run("a policy that names a role using the key", func(t *testing.T) {
		cycle := t.TempDir()
		synthApp(t, cycle, app(true))
		st := e.loadProject(t, cycle).stack(t, "moving")
		st.skipValidate = true
		if _, ok := st.doc.Resources("aws_kms_key_policy")["orders_key_policy"]; !ok {
			t.Fatalf("no aws_kms_key_policy.orders_key_policy: %v", st.doc.Resources("aws_kms_key_policy"))
		}
		if e.up(t, st) {
			e.down(t, st)
		}
	})

	t.Run("switching an existing key", func(t *testing.T) {
		// The same configuration, the policy inline and then a resource
		// of its own.
		switchApp := func(separate bool) func(stack cdktf.TerraformStack) error {
			return func(stack cdktf.TerraformStack) error {
				_, err := kms.NewKmsKey(stack, "orders_key", &kms.KmsKeyConfig{
					AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "orders", Environment: "prod",
					KeyUsers:          []string{"arn:aws:iam::123456789012:role/orders-api"},
					KeyPolicyResource: separate,
				})
				return err
			}
		}
		synthApp(t, dir, switchApp(false))
		st := e.loadProject(t, dir).stack(t, "moving")
		st.skipValidate = true
		if !e.up(t, st) {
			return
		}
		oldID := keyIDIn(t, st.state, "aws_kms_key.orders_key")
		oldPolicy := e.keyPolicyOf(t, oldID)

		synthApp(t, dir, switchApp(true))
		server := st.server
		st = e.loadProject(t, dir).stack(t, "moving")
		st.server, st.skipValidate = server, true
		if err := st.init(ctx); err != nil {
			t.Fatal(err)
		}
		ok := t.Run("plan only adds the policy resource", func(t *testing.T) {
			_, changes := e.planStream(t, ctx, st, nil, true)
			t.Logf("plan:\n%s", tfresult.Summary(changes))
			created := 0
			for _, c := range changes {
				switch {
				case c.Type == "aws_kms_key_policy" && c.Actions.Create():
					created++
				case !c.NoOp():
					t.Errorf("the switch does more than add the policy resource: %s", c)
				}
			}
			if created != 1 {
				t.Errorf("%d aws_kms_key_policy created, want 1", created)
			}
		}) && t.Run("apply keeps the key and the policy's bytes", func(t *testing.T) {
			if err := st.apply(ctx, nil); err != nil {
				t.Fatal(err)
			}
			state, err := e.readState(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			st.state = state
			newID := keyIDIn(t, state, "aws_kms_key.orders_key")
			if newID != oldID {
				t.Errorf("the key is %s after the switch, %s before", newID, oldID)
			}
			if newPolicy := e.keyPolicyOf(t, newID); newPolicy != oldPolicy {
				t.Errorf("the key policy changed:\nbefore %s\nafter  %s", oldPolicy, newPolicy)
			}
			m, err := readback.Keys(ctx, e.clients, st.doc, state, readback.Options{})
			for _, x := range m {
				t.Error(x)
			}
			if err != nil {
				t.Fatal(err)
			}
		}) && t.Run("a second plan shows no changes", func(t *testing.T) {
			changed, changes := e.planStream(t, ctx, st, nil, false)
			if bad := tfresult.Unexpected(changes, func(tfresult.Change) bool { return false }); len(bad) > 0 || changed {
				t.Errorf("the plan after the switch is not empty:\n%s", strings.Join(bad, "\n"))
			}
		})
		if ok {
			e.down(t, st)
		}
	})
}

// keyPolicyOf reads a key's policy from the emulator, as AWS returns it.
func (e *env) keyPolicyOf(t *testing.T, keyID string) string {
	t.Helper()
	out, err := e.clients.KMS("eu-west-1").GetKeyPolicy(testContext(t), &kmssdk.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(out.Policy)
}
