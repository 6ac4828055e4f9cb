package kms_test

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// TestWeakConfigurationsAreRefused covers what IaC scanners flag on a KMS
// key: each is refused with an error naming the field, unless it is a
// documented opt-in.
func TestWeakConfigurationsAreRefused(t *testing.T) {
	off := false
	many := make([]string, 400)
	for i := range many {
		many[i] = "arn:aws:iam::123456789012:role/application-role-number-" + strings.Repeat("x", 20) + string(rune('a'+i%26)) + strings.Repeat("y", i%7) + "-" + itoa(i)
	}
	cases := []struct {
		name   string
		mutate func(*kms.KmsKeyConfig)
		want   string
	}{
		{"rotation off on a symmetric key", func(c *kms.KmsKeyConfig) { c.EnableKeyRotation = &off }, "EnableKeyRotation"},
		{"wildcard additional principal", func(c *kms.KmsKeyConfig) { c.AdditionalPrincipals = []string{"*"} }, "AdditionalPrincipals[0]"},
		{"wildcard administrator", func(c *kms.KmsKeyConfig) { c.KeyAdministrators = []string{"arn:aws:iam::123456789012:*"} }, "KeyAdministrators[0]"},
		{"wildcard service", func(c *kms.KmsKeyConfig) { c.ServicePrincipals = []string{"*"} }, "ServicePrincipals[0]"},
		{"unconditioned wildcard in an extra statement", func(c *kms.KmsKeyConfig) {
			c.ExtraPolicyStatements = mustStatements(`{"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]"},
		{"policy over the size limit", func(c *kms.KmsKeyConfig) { c.AdditionalPrincipals = many }, "over AWS's limit of 32768 bytes"},
		{"lockout through a deny", func(c *kms.KmsKeyConfig) {
			c.ExtraPolicyStatements = mustStatements(`{"Effect": "Deny", "Principal": "*", "Action": "kms:PutKeyPolicy", "Resource": "*"}`)
		}, "ExtraPolicyStatements[0]: statement 5: denies kms:PutKeyPolicy"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usageExample()
			tc.mutate(cfg)
			stack := synthtest.NewStack(t)
			k, err := kms.NewKmsKey(stack, "kms", cfg)
			if err == nil || k != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("NewKmsKey = %v, %v; want an error with %q", k, err, tc.want)
			}
			if n := len(*stack.Node().Children()); n != 0 {
				t.Errorf("a refused configuration added %d constructs", n)
			}
		})
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// TestLockoutCheckIsBypassedOnlyByItsFlag: the key never carries
// bypass_policy_lockout_safety_check unless BypassPolicyLockoutSafetyCheck is
// set, whatever else is configured.
func TestLockoutCheckIsBypassedOnlyByItsFlag(t *testing.T) {
	everything := usageExample()
	everything.KeyAdministrators = []string{"arn:aws:iam::123456789012:role/kms-admin"}
	everything.ServicePrincipals = []string{"s3.amazonaws.com"}
	everything.PreventDestroy = true
	everything.Tags = map[string]string{"bypass_policy_lockout_safety_check": "true"}
	_, doc := synthKey(t, everything)
	if _, set := doc.Resource(t, "aws_kms_key", "kms")["bypass_policy_lockout_safety_check"]; set {
		t.Errorf("the key bypasses the lockout check without the flag")
	}
	everything.BypassPolicyLockoutSafetyCheck = true
	_, doc = synthKey(t, everything)
	if got := doc.Resource(t, "aws_kms_key", "kms")["bypass_policy_lockout_safety_check"]; got != true {
		t.Errorf("with the flag, bypass_policy_lockout_safety_check = %v, want true", got)
	}
}
