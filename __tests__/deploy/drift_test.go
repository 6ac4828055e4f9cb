//go:build e2e

package deploy

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
)

// TestChecksNoticeDrift makes sure the checks of the other tests can fail:
// after a deploy, every kind of change made behind Terraform's back
// (through the SDK) is reported by the read-back, and terraform's plan is no
// longer empty.
func TestChecksNoticeDrift(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	p := e.synthEnvironments(t, `{"drift": {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "drift",
		"additional_principals": ["arn:aws:iam::123456789012:role/example-role"], "aliases": ["drift-key"],
		"kms_grants": [{"name": "reader", "grantee_principal": "arn:aws:iam::123456789012:role/example-role", "operations": ["Decrypt"]}]}}`)
	st := p.stack(t, "kms-drift")
	st.skipValidate = true
	if !e.up(t, st) {
		return
	}
	ok := t.Run("drift is noticed", func(t *testing.T) {
		ctx := testContext(t)
		keyID := aws.String(keyIDIn(t, st.state, "aws_kms_key.general_encryption_key"))
		k := e.clients.KMS("eu-west-1")
		changes := map[string]func(ctx context.Context) error{
			"description": func(ctx context.Context) error {
				_, err := k.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: keyID, Description: aws.String("changed")})
				return err
			},
			"policy": func(ctx context.Context) error {
				_, err := k.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: keyID, PolicyName: aws.String("default"),
					Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}`)})
				return err
			},
			"tags": func(ctx context.Context) error {
				_, err := k.TagResource(ctx, &kms.TagResourceInput{KeyId: keyID, Tags: []kmstypes.Tag{{TagKey: aws.String("Extra"), TagValue: aws.String("x")}}})
				return err
			},
			"rotation enabled": func(ctx context.Context) error {
				_, err := k.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: keyID})
				return err
			},
			"aliases": func(ctx context.Context) error {
				_, err := k.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/drift-extra"), TargetKeyId: keyID})
				return err
			},
			"grants": func(ctx context.Context) error {
				_, err := k.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: keyID, Name: aws.String("extra"),
					GranteePrincipal: aws.String("arn:aws:iam::123456789012:role/example-role"), Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationEncrypt}})
				return err
			},
		}
		for what, change := range changes {
			if err := change(ctx); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		m, err := readback.Keys(ctx, e.clients, st.doc, st.state, readback.Options{})
		if err != nil {
			t.Fatal(err)
		}
		var reported []string
		for _, x := range m {
			reported = append(reported, x.What)
		}
		for what := range changes {
			if !slices.Contains(reported, what) {
				t.Errorf("the read-back does not report the changed %s; it reports %v", what, m)
			}
		}
		// Terraform sees the key's own arguments (aliases and grants made
		// elsewhere are not its resources).
		if _, c := e.planStream(t, ctx, st, nil, false); len(tfresult.Unexpected(c, nil)) == 0 {
			t.Error("terraform's plan is empty after the key was changed behind its back")
		}
		// The alias made behind Terraform's back would outlive the destroy.
		if _, err := k.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String("alias/drift-extra")}); err != nil {
			t.Fatal(err)
		}
	})
	if ok {
		e.down(t, st)
	}
}
