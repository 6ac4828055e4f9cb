//go:build e2e

package deploy

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/emulator"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfresult"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/tfworkspace"
)

// gap is something the emulator (moto 5.2.1) cannot do that AWS does, with
// the smallest exclusion that avoids it. This is the one list of what the
// end-to-end tests leave out; nothing else is skipped. Every stack still
// passes terraform validate and a plan of everything against the real
// provider schema; only the apply, the second plan and the read-back
// exclude what is listed here. TestEmulatorGapsAreReal checks on the
// emulator that each gap is still there, so that the list cannot rot.
type gap struct {
	name string
	// reason says what the emulator does and what that would do to a test.
	reason string
	// exclusion says what the tests leave out because of it.
	exclusion string

	// skipTypes: the apply leaves out resources of these types and every
	// resource that refers to one (with -target for the others; terraform
	// 1.11 has no -exclude), and so do the second plan and the read-back.
	skipTypes []string
	// skipResources: as skipTypes, for the resources whose arguments it
	// matches.
	skipResources func(typ string, args map[string]any) bool
	// dropStatement: key policy statements the apply leaves out (an
	// override file beside cdk.tf.json sets the key's policy without them);
	// the read-back expects the policy without them.
	dropStatement func(statement map[string]any) bool
	// allowDiff: attributes of a resource type that the plan after apply
	// may show changing, where the stack sets them.
	allowDiff map[string][]string

	// stillThere checks on the emulator that the gap is real: nil when it
	// is, an error that says what changed when it is not.
	stillThere func(ctx context.Context, endpoint string) error
}

// Names of the gaps code refers to.
const (
	gapAlarms         = "cloudwatch-alarms"
	gapReplicas       = "replica-keys"
	gapDeny           = "deny-statements"
	gapRotationPeriod = "rotation-period"
	gapNewerKeySpecs  = "newer-key-specs"
	gapImport         = "imported-key-material"
)

var gaps = []*gap{
	{
		name: gapAlarms,
		reason: "the AWS provider 6.x's SDK (service/cloudwatch v1.57.2) calls CloudWatch with the Smithy RPC v2 CBOR protocol, " +
			"which moto 5.2.1 does not route: every CloudWatch call, PutMetricAlarm included, gets HTTP 404",
		exclusion:  "aws_cloudwatch_metric_alarm is planned, not applied; the metric filters, the topic and its policy are applied",
		skipTypes:  []string{"aws_cloudwatch_metric_alarm"},
		stillThere: emulator.ProbeCloudWatchUnrouted,
	},
	{
		name: gapReplicas,
		reason: "moto 5.2.1 ignores the policy of ReplicateKey (the replica has none: GetKeyPolicy says NotFound), " +
			"so the provider waits 10 minutes for the replica's policy and fails",
		exclusion:  "aws_kms_replica_key and what refers to it (replica aliases, role policies that name the replicas' ARNs) are planned, not applied",
		skipTypes:  []string{"aws_kms_replica_key"},
		stillThere: emulator.ProbeReplicaPolicyIgnored,
	},
	{
		name: gapDeny,
		reason: "moto 5.2.1 evaluates only Deny statements of a key policy, and ignores their conditions: a Deny with Resource \"*\" " +
			"whose actions cover kms:DescribeKey (kms:*, kms:Describe*, kms:DescribeKey) denies DescribeKey to every caller, the provider included",
		exclusion:     "those Deny statements are left out of the applied key policy (an override file); the plan has them, and the read-back expects the policy without them",
		dropStatement: motoDenies,
		stillThere:    emulator.ProbeDenyIgnoresConditions,
	},
	{
		name:       gapRotationPeriod,
		reason:     "moto 5.2.1 ignores RotationPeriodInDays and GetKeyRotationStatus does not return it, so the provider reads 0: a perpetual diff of rotation_period_in_days that AWS does not have",
		exclusion:  "the plan after apply may change exactly rotation_period_in_days of an aws_kms_key that sets it; the read-back does not compare the period",
		allowDiff:  map[string][]string{"aws_kms_key": {"rotation_period_in_days"}},
		stillThere: emulator.ProbeRotationPeriodUnreported,
	},
	{
		name: gapNewerKeySpecs,
		reason: "moto 5.2.1 refuses the key specs AWS added in 2025 (ML_DSA_44, ML_DSA_65, ML_DSA_87, ECC_NIST_EDWARDS25519): " +
			"CreateKey fails its KeySpec enum validation",
		exclusion: "an aws_kms_key of those specs, and what refers to it, is planned (with the provider's own validation of the spec), not applied",
		skipResources: func(typ string, args map[string]any) bool {
			spec, _ := args["customer_master_key_spec"].(string)
			return typ == "aws_kms_key" && (strings.HasPrefix(spec, "ML_DSA_") || spec == "ECC_NIST_EDWARDS25519")
		},
		stillThere: emulator.ProbeNewerKeySpecsRefused,
	},
	{
		name: gapImport,
		reason: "moto 5.2.1 creates keys with origin EXTERNAL but has no GetParametersForImport or ImportKeyMaterial, " +
			"so the provider cannot import the key material it is given",
		exclusion: "an aws_kms_external_key or aws_kms_replica_external_key given key_material_base64, and what refers to it, is planned (with the provider's validation), not applied; one without material is applied",
		skipResources: func(typ string, args map[string]any) bool {
			_, material := args["key_material_base64"]
			return (typ == "aws_kms_external_key" || typ == "aws_kms_replica_external_key") && material
		},
		stillThere: emulator.ProbeImportUnsupported,
	},
}

// motoDenies is moto's test for a Deny that applies to DescribeKey
// (moto/kms/policy_validator.py): Effect Deny, Resource exactly "*", an
// action among kms:*, kms:Describe*, kms:DescribeKey; conditions and
// principals are ignored.
func motoDenies(s map[string]any) bool {
	if eff, _ := s["Effect"].(string); !strings.EqualFold(eff, "Deny") {
		return false
	}
	if res, _ := s["Resource"].(string); res != "*" {
		return false
	}
	var actions []string
	switch a := s["Action"].(type) {
	case string:
		actions = []string{a}
	case []any:
		for _, x := range a {
			if str, ok := x.(string); ok {
				actions = append(actions, str)
			}
		}
	}
	for _, a := range actions {
		if a == "kms:*" || a == "kms:Describe*" || a == "kms:DescribeKey" {
			return true
		}
	}
	return false
}

// gapOverrideFile holds the key policies changed for the emulator's gaps.
const gapOverrideFile = "e2e_gap_override.tf.json"

// findGaps finds the gaps a stack hits (from its synthesized JSON) and
// sets up their exclusions: what the apply leaves out (st.excluded, and
// st.targets for the others) and the key policies applied (st.policies).
func findGaps(t *testing.T, st *stack) {
	t.Helper()
	resources, _ := st.doc["resource"].(map[string]any)
	var skip, skipSeeds []string
	for _, g := range gaps {
		hits := false
		for _, typ := range g.skipTypes {
			_, present := resources[typ]
			hits = hits || present
		}
		var seeds []string
		if g.skipResources != nil {
			for typ := range resources {
				for name, args := range st.doc.Resources(typ) {
					if g.skipResources(typ, args) {
						seeds = append(seeds, typ+"."+name)
					}
				}
			}
			hits = hits || len(seeds) > 0
		}
		for typ, attrs := range g.allowDiff {
			for _, r := range st.doc.Resources(typ) {
				for _, a := range attrs {
					_, set := r[a]
					hits = hits || set
				}
			}
		}
		if g.dropStatement != nil {
			for _, policyHolder := range []string{"aws_kms_key", "aws_kms_key_policy"} {
				for name, k := range st.doc.Resources(policyHolder) {
					tmpl, _ := k["policy"].(string)
					if tmpl == "" {
						continue // its policy is an aws_kms_key_policy (key_policy_resource)
					}
					dropped := 0
					rewritten, err := tfresult.RewriteJSONTemplate(tmpl, func(doc any) any {
						m, _ := doc.(map[string]any)
						list, _ := m["Statement"].([]any)
						var keep []any
						for _, s := range list {
							if sm, ok := s.(map[string]any); ok && g.dropStatement(sm) {
								dropped++
								continue
							}
							keep = append(keep, s)
						}
						m["Statement"] = keep
						return m
					})
					if err != nil {
						t.Fatalf("%s.%s: policy: %v", policyHolder, name, err)
					}
					if dropped > 0 {
						hits = true
						if st.policies == nil {
							st.policies = map[string]string{}
						}
						st.policies[policyHolder+"."+name] = rewritten
					}
				}
			}
		}
		if hits {
			st.gaps = append(st.gaps, g)
			skip = append(skip, g.skipTypes...)
			skipSeeds = append(skipSeeds, seeds...)
			t.Logf("emulator gap %s: %s", g.name, g.exclusion)
		}
	}
	st.resources = tfresult.ConfigResources(resources)
	if len(skip) > 0 || len(skipSeeds) > 0 {
		for _, a := range st.resources {
			if slices.Contains(skip, a[:strings.IndexByte(a, '.')]) {
				skipSeeds = append(skipSeeds, a)
			}
		}
		st.excluded = tfresult.ConfigDependentsOf(resources, skipSeeds)
		st.targets = tfresult.Without(st.resources, st.excluded)
	}
}

// writeGapOverride writes the key policies changed for the gaps into an
// override file beside cdk.tf.json.
func writeGapOverride(t *testing.T, st *stack) {
	t.Helper()
	if len(st.policies) == 0 {
		return
	}
	byType := map[string]any{}
	for addr, p := range st.policies {
		typ, name, _ := strings.Cut(addr, ".")
		if byType[typ] == nil {
			byType[typ] = map[string]any{}
		}
		byType[typ].(map[string]any)[name] = map[string]any{"policy": p}
	}
	override := map[string]any{"resource": byType}
	if err := tfworkspace.WriteJSON(filepath.Join(st.dir, gapOverrideFile), override); err != nil {
		t.Fatal(err)
	}
}

// needsFullPlan says whether the apply leaves anything of the stack out,
// so that only a plan of the whole stack (before the override) covers it.
func (st *stack) needsFullPlan() bool { return len(st.excluded) > 0 || len(st.policies) > 0 }

// needsAttributes says whether a gap of the stack allows some attributes
// to differ after apply, which only a saved plan shows.
func (st *stack) needsAttributes() bool {
	return slices.ContainsFunc(st.gaps, func(g *gap) bool { return len(g.allowDiff) > 0 })
}

func (st *stack) hasGap(name string) bool {
	return slices.ContainsFunc(st.gaps, func(g *gap) bool { return g.name == name })
}

// allowedDiff says whether a change in the plan after apply is one a gap of
// the stack explains: an update of exactly the allowed attributes of a
// resource that sets them.
func (st *stack) allowedDiff(c tfresult.Change) bool {
	if !c.Actions.Update() {
		return false
	}
	for _, g := range st.gaps {
		allowed := g.allowDiff[c.Type]
		if len(allowed) == 0 {
			continue
		}
		name := strings.TrimPrefix(c.Address, c.Type+".")
		args := st.doc.Resources(c.Type)[name]
		ok := len(c.Attributes) > 0
		for _, a := range c.Attributes {
			_, set := args[a]
			ok = ok && slices.Contains(allowed, a) && set
		}
		if ok {
			return true
		}
	}
	return false
}

// TestEmulatorGapsAreReal checks on the emulator that each gap of the list
// is still there: when an emulator upgrade fixes one, this fails, and the
// exclusion must go.
func TestEmulatorGapsAreReal(t *testing.T) {
	t.Parallel()
	e := newEmulator(t)
	for _, g := range gaps {
		t.Run(g.name, func(t *testing.T) {
			if g.reason == "" || g.exclusion == "" || g.stillThere == nil {
				t.Fatal("a gap needs a reason, an exclusion and a check")
			}
			if n := len(g.skipTypes) + len(g.allowDiff); n == 0 && g.dropStatement == nil && g.skipResources == nil {
				t.Fatal("a gap without an exclusion")
			}
			if err := g.stillThere(testContext(t), e.server.URL); err != nil {
				t.Errorf("the emulator no longer has this gap (%v); remove it from the list and from docs/contributing.md", err)
			}
		})
	}
}

// TestGapsAreDocumented: docs/contributing.md lists every gap by name.
func TestGapsAreDocumented(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "contributing.md"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, g := range gaps {
		names[g.name] = true
		if !strings.Contains(string(raw), "`"+g.name+"`") {
			t.Errorf("docs/contributing.md does not name the emulator gap `%s`", g.name)
		}
	}
	if len(names) != len(gaps) {
		t.Errorf("gap names are not unique: %v", slices.Sorted(maps.Keys(names)))
	}
}
