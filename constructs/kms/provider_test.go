package kms_test

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

func TestProviderConstraints(t *testing.T) {
	for constraint, want := range map[string]string{
		kms.DefaultAwsProviderConstraint: "",
		"5.84.0":                         "",
		"~> 6.21":                        "",
		">= 6.0.0":                       "",
		">= 7.0.0":                       "admits none of the AWS provider releases the tests prove (5.84.0, 6.47.1)",
		"< 5.0.0":                        "admits none",
		"latest":                         "is not a version constraint",
		"":                               "is not a version constraint",
		">=6.2.0":                        "",
		"~>6.21":                         "",
		"v6.47.1":                        `"v6.47.1" is not an operator`,
		">= v6.2.0":                      `is not an operator`,
		"6.47.1.0":                       `is not an operator`,
	} {
		if got := kms.ProviderConstraintProblem(constraint); want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("%q: %q, want %q", constraint, got, want)
		}
	}
}

// A key spec a later provider release added is accepted only when the
// stack's constraint admits no earlier release.
func TestKeySpecsOfLaterProviderReleases(t *testing.T) {
	signing := func(spec kms.KeySpec) *kms.KmsKeyConfig {
		cfg := usageExample()
		cfg.AdditionalPrincipals = nil
		cfg.CustomerMasterKeySpec, cfg.KeyUsage = spec, kms.KeyUsageSignVerify
		return cfg
	}
	for _, c := range []struct {
		spec       kms.KeySpec
		constraint string // "" for none set: the bindings' exact 5.84.0
		want       string
	}{
		{kms.KeySpecMlDsa65, "", `needs the AWS provider 6.2.0 or later (the provider's CHANGELOG for 6.2.0`},
		{kms.KeySpecMlDsa44, kms.DefaultAwsProviderConstraint, `the stack's provider constraint ">= 5.84.0, < 7.0.0" admits earlier releases`},
		{kms.KeySpecMlDsa87, ">= 6.2.0, < 7.0.0", ""},
		{kms.KeySpecEccNistEdwards25519, ">= 6.2.0, < 7.0.0", "needs the AWS provider 6.21.0 or later"},
		{kms.KeySpecEccNistEdwards25519, "~> 6.21", ""},
		{kms.KeySpecEccNistEdwards25519, "~>6.21", ""},
		{kms.KeySpecMlDsa65, ">=6.2.0", ""},
		{kms.KeySpecMlDsa65, "=6.47.1", ""},
		{kms.KeySpecMlDsa65, ">6.2.0", ""},
		{kms.KeySpecMlDsa65, "!= 6.47.1", "needs the AWS provider 6.2.0"},
		{kms.KeySpecEccNistP256, "", ""},
	} {
		stack := synthtest.NewStack(t)
		if c.constraint != "" {
			if err := kms.SetAwsProviderConstraint(stack, c.constraint); err != nil {
				t.Fatal(err)
			}
		}
		_, err := kms.NewKmsKey(stack, "k", signing(c.spec))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s under %q: %v", c.spec, c.constraint, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "CustomerMasterKeySpec")):
			t.Errorf("%s under %q: %v, want %q", c.spec, c.constraint, err, c.want)
		}
		if c.want == "" && err == nil && c.constraint != "" {
			doc := synthtest.Synth(t, stack)
			if got := doc.Tree()["terraform"].(map[string]any)["required_providers"].(map[string]any)["aws"].(map[string]any)["version"]; got != c.constraint {
				t.Errorf("required_providers.aws.version = %v, want %q", got, c.constraint)
			}
		}
	}
	// A constraint set after the key is held to it too.
	stack := synthtest.NewStack(t)
	if err := kms.SetAwsProviderConstraint(stack, ">= 6.2.0, < 7.0.0"); err != nil {
		t.Fatal(err)
	}
	if _, err := kms.NewKmsKey(stack, "k", signing(kms.KeySpecMlDsa65)); err != nil {
		t.Fatal(err)
	}
	if err := kms.SetAwsProviderConstraint(stack, kms.DefaultAwsProviderConstraint); err == nil || !strings.Contains(err.Error(), "needs the AWS provider 6.2.0") {
		t.Errorf("relaxing the constraint below the key's need: %v", err)
	}
	if err := kms.SetAwsProviderConstraint(synthtest.NewStack(t), ">= 8.0.0"); err == nil || !strings.Contains(err.Error(), `AwsProviderVersion: ">= 8.0.0": admits none`) {
		t.Errorf("a constraint no tested release meets: %v", err)
	}
}
