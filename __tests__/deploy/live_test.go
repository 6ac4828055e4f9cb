//go:build e2e

package deploy

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	kmssdk "github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/cdktf-kms/cdktf-kms/access"
)

// TestAccessLive deploys the shipped dev environment, checks that
// go run . -access -live finds the key as the code says, then changes the
// key through the SDK as a person would outside the code (a grant, an
// edited policy, rotation off) and checks that each change is reported and
// the exit status says so. The check only reads: the emulator's key is as
// the test left it afterwards.
func TestAccessLive(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	var all map[string]json.RawMessage
	if err := json.Unmarshal([]byte(readEnvironments(t, filepath.Join("..", "..", "cdktf.json"))), &all); err != nil {
		t.Fatal(err)
	}
	p := e.synthEnvironments(t, `{"dev": `+string(all["dev"])+`}`)
	st := p.stack(t, "kms-dev")
	if !e.up(t, st) {
		return
	}
	defer e.down(t, st)
	ctx := testContext(t)
	live := func() (string, int) {
		out, err := e.run(ctx, p.dir, nil, appBinary(t), "-access", "-live", "-env", "dev")
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("-access -live: %v\n%s", err, out)
		}
		return out, code
	}
	if out, code := live(); code != 0 || !strings.Contains(out, "Every deployed key is as the code says.") {
		t.Fatalf("right after the apply: exit %d\n%s", code, out)
	}

	keyID := keyIDIn(t, st.state, "aws_kms_key.general_encryption_key")
	k := e.clients.KMS("eu-west-1")
	if _, err := k.CreateGrant(ctx, &kmssdk.CreateGrantInput{KeyId: aws.String(keyID), GranteePrincipal: aws.String("arn:aws:iam::123456789012:role/example-role"),
		Operations: []kmstypes.GrantOperation{kmstypes.GrantOperationDecrypt, kmstypes.GrantOperationReEncryptFrom}, Name: aws.String("by-hand")}); err != nil {
		t.Fatal(err)
	}
	pol, err := k.GetKeyPolicy(ctx, &kmssdk.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(aws.ToString(pol.Policy)), &doc); err != nil {
		t.Fatal(err)
	}
	doc["Statement"] = append(doc["Statement"].([]any), map[string]any{"Sid": "ConsoleEdit", "Effect": "Allow",
		"Principal": map[string]any{"AWS": "arn:aws:iam::123456789012:role/another-role"}, "Action": "kms:ScheduleKeyDeletion", "Resource": "*"})
	edited, _ := json.Marshal(doc)
	if _, err := k.PutKeyPolicy(ctx, &kmssdk.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"), Policy: aws.String(string(edited))}); err != nil {
		t.Fatal(err)
	}
	if _, err := k.DisableKeyRotation(ctx, &kmssdk.DisableKeyRotationInput{KeyId: aws.String(keyID)}); err != nil {
		t.Fatal(err)
	}
	out, code := live()
	if code != access.LiveDifferencesExit {
		t.Errorf("after the changes: exit %d, want %d\n%s", code, access.LiveDifferencesExit, out)
	}
	for _, want := range []string{
		"kms-dev aws_kms_key.general_encryption_key (key " + keyID + ")",
		"(by-hand) is not in the code: arn:aws:iam::123456789012:role/example-role may Decrypt, ReEncryptFrom",
		"the key policy in AWS differs from the code's",
		"role/another-role may kms:ScheduleKeyDeletion in AWS, which the code does not allow",
		"automatic rotation is off in AWS, on in the code",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q:\n%s", want, out)
		}
	}
	// Read only: the policy is still the edited one.
	after, err := k.GetKeyPolicy(ctx, &kmssdk.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil || aws.ToString(after.Policy) != string(edited) {
		t.Errorf("the live check changed the key policy (%v)", err)
	}
	// Terraform puts the policy and rotation back; the grant made by hand
	// stays (Terraform does not manage it) and is still reported.
	if err := st.apply(ctx, nil); err != nil {
		t.Fatal(err)
	}
	out, code = live()
	if code != access.LiveDifferencesExit || !strings.Contains(out, "(by-hand) is not in the code") || strings.Contains(out, "rotation") {
		t.Errorf("after terraform apply: exit %d\n%s", code, out)
	}
}
