package envgen

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/stacks"
)

// TestGeneratedEnvironmentsAreValid: the app accepts what the generator
// makes, for many seeds, so that an end-to-end failure is about deploying,
// never about a configuration the app refuses.
func TestGeneratedEnvironmentsAreValid(t *testing.T) {
	features := map[string]int{}
	for seed := uint64(0); seed < 400; seed++ {
		raw := JSON(seed, 0)
		envs, err := stacks.ParseEnvironments([]byte(raw))
		if err != nil {
			t.Fatalf("seed %d: the app refuses the generated environments: %v\n%s", seed, err, raw)
		}
		for _, e := range envs {
			for _, f := range []struct {
				name string
				on   bool
			}{
				{"additional_principals", len(e.AdditionalPrincipals) > 0},
				{"key_administrators", len(e.KeyAdministrators) > 0},
				{"key_users", len(e.KeyUsers) > 0},
				{"aliases", len(e.Aliases) > 0},
				{"tags", len(e.Tags) > 0},
				{"description with ${", strings.Contains(e.Description, "${")},
				{"description with %{", strings.Contains(e.Description, "%{")},
				{"description with $${", strings.Contains(e.Description, "$${")},
				{"roles", len(e.Roles) > 0},
				{"kms_grants", len(e.KmsGrants) > 0},
			} {
				if f.on {
					features[f.name]++
				}
			}
		}
	}
	for _, f := range []string{"additional_principals", "key_administrators", "key_users", "aliases", "tags",
		"description with ${", "description with %{", "description with $${", "roles", "kms_grants"} {
		if features[f] < 20 {
			t.Errorf("the generator covers %s in only %d environments", f, features[f])
		}
	}
}

func TestGenerationIsReproducible(t *testing.T) {
	if JSON(42, 0) != JSON(42, 0) {
		t.Error("the same seed gives different environments")
	}
	if JSON(42, 0) == JSON(43, 0) {
		t.Error("different seeds give the same environments")
	}
}

// TestTheDefaultSeedCoversEveryFeature: the end-to-end tests' default
// environments have every kind of principal and every feature the
// generator makes, so that a change to the generator cannot quietly drop
// one from CI.
func TestTheDefaultSeedCoversEveryFeature(t *testing.T) {
	raw := JSON(Seed, Count)
	for _, f := range []string{`:root"`, ":user/", ":assumed-role/", ":role/", `"key_administrators"`, `"key_users"`,
		`"aliases"`, `"tags"`, "${", "%{", "$${", `"lambda"`, `"ecs-tasks"`, `"path"`, `"managed_policy_arns"`,
		`"kms_grants"`, `"retiring_principal"`, `"encryption_context_`, `"retire_on_delete"`} {
		if !strings.Contains(raw, f) {
			t.Errorf("seed %d (%d environments) has no %s; pick another Seed", Seed, Count, f)
		}
	}
}
