package tests

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/hcleval"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf-kms/cdktf-kms/stacks"
)

const originalModuleDir = "testdata/original-module"

type moduleInputs struct {
	account, region, prefix, environment string
	principals                           []string
}

func (in moduleInputs) vars() map[string]any {
	v := map[string]any{
		"aws_account_id": in.account,
		"aws_region":     in.region,
		"name_prefix":    in.prefix,
		"environment":    in.environment,
	}
	if in.principals != nil {
		v["additional_principals"] = in.principals
	}
	return v
}

// environmentNamed is the app's environment for the module's inputs.
func (in moduleInputs) environmentNamed(name string) stacks.Environment {
	return stacks.Environment{Name: name, KmsKeyConfig: kms.KmsKeyConfig{
		AwsAccountId: in.account, AwsRegion: in.region, NamePrefix: in.prefix,
		Environment: in.environment, AdditionalPrincipals: in.principals,
	}}
}

// synthEnvironment adds the environment's stack to the test app and
// synthesizes it.
func synthEnvironment(t *testing.T, env stacks.Environment) *synthtest.Doc {
	t.Helper()
	s, err := stacks.NewEnvironmentStack(testApp(), env)
	if err != nil {
		t.Fatal(err)
	}
	return synthtest.Synth(t, s.Stack)
}

// manyPrincipals mixes every principal form the module accepts.
func manyPrincipals(partition string) []string {
	var out []string
	for i := 0; i < 12; i++ {
		out = append(out,
			fmt.Sprintf("arn:%s:iam::%012d:role/app-%d", partition, 100000000000+i, i),
			fmt.Sprintf("arn:%s:iam::123456789012:user/teams/t%d/user-%d", partition, i, i),
		)
	}
	return append(out,
		fmt.Sprintf("arn:%s:iam::210987654321:root", partition),
		fmt.Sprintf("arn:%s:sts::123456789012:assumed-role/deployer/ci-run", partition),
		fmt.Sprintf("arn:%s:iam::123456789012:role/service-role/svc+a=b,c.d@e-f", partition),
	)
}

var equivalenceCases = map[string]moduleInputs{
	"usage example": {"123456789012", "eu-west-1", "dev", "dev", []string{
		"arn:aws:iam::123456789012:role/example-role", "arn:aws:iam::123456789012:role/another-role"}},
	"no principals (default)": {"000000000001", "us-east-1", "acme", "prod", nil},
	"empty principals":        {"123456789012", "us-west-2", "acme", "stage", []string{}},
	"one principal":           {"999999999999", "ap-southeast-7", "Team_A", "qa-1", []string{"arn:aws:iam::999999999999:user/alice"}},
	"many principals":         {"123456789012", "eu-central-2", "platform", "sandbox", manyPrincipals("aws")},
	"prefix differs from env": {"123456789012", "sa-east-1", "billing-api", "production", nil},
	"region il-central-1":     {"123456789012", "il-central-1", "p", "e", nil},
	"region ca-west-1":        {"123456789012", "ca-west-1", "p", "e", nil},
	"region me-central-1":     {"123456789012", "me-central-1", "p", "e", nil},
	"region mx-central-1":     {"123456789012", "mx-central-1", "p", "e", nil},
	"china cn-north-1":        {"123456789012", "cn-north-1", "cn", "dev", []string{"arn:aws-cn:iam::123456789012:role/r"}},
	"china cn-northwest-1":    {"123456789012", "cn-northwest-1", "cn", "dev", manyPrincipals("aws-cn")},
	"govcloud us-gov-west-1":  {"123456789012", "us-gov-west-1", "gov", "prod", []string{"arn:aws-us-gov:iam::123456789012:role/r"}},
	"govcloud us-gov-east-1":  {"123456789012", "us-gov-east-1", "gov", "prod", nil},
	"iso us-iso-east-1":       {"123456789012", "us-iso-east-1", "iso", "prod", []string{"arn:aws-iso:iam::123456789012:role/r"}},
	"iso-b us-isob-east-1":    {"123456789012", "us-isob-east-1", "isob", "prod", nil},
}

// originalModule evaluates the original module for the inputs.
func originalModule(t *testing.T, in moduleInputs) hcleval.Result {
	t.Helper()
	res, err := hcleval.Module(originalModuleDir, in.vars())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// logsSuffixes are the regions whose CloudWatch Logs principal does not end
// in amazonaws.com, from AWS's table (the AWS provider's
// aws_service_principal, taken from the CDK's region facts), written out
// here rather than taken from the construct.
var logsSuffixes = map[string]string{"cn-": "amazonaws.com.cn", "us-iso-": "c2s.ic.gov", "us-isob-": "sc2s.sgov.gov"}

// applyIntendedDifference turns the original module's result into what the
// port must produce, the two intended differences of the specification: the
// account-root ARN in the region's partition instead of the hard-coded
// "arn:aws", and the CloudWatch Logs principal with the partition's DNS
// suffix where AWS's table says so.
func applyIntendedDifference(t *testing.T, res hcleval.Result, region string) {
	t.Helper()
	partition, _ := kms.PartitionOf(region)
	for _, args := range res.Resources {
		policy, ok := args["policy"].(string)
		if !ok {
			continue
		}
		policy = strings.Replace(policy, `"arn:aws:iam::`, `"arn:`+partition+`:iam::`, 1)
		for prefix, suffix := range logsSuffixes {
			if strings.HasPrefix(region, prefix) {
				policy = strings.Replace(policy, `"logs.`+region+`.amazonaws.com"`, `"logs.`+region+`.`+suffix+`"`, 1)
			}
		}
		args["policy"] = policy
	}
}

// differences lists how a synthesized stack differs from the module's
// result: resources, arguments (JSON arguments compared parsed), outputs,
// and the AWS provider's region.
func differences(t *testing.T, want hcleval.Result, doc *synthtest.Doc, region string) []string {
	t.Helper()
	var diffs []string
	if got, wantAddrs := doc.Addresses(), slices.Sorted(maps.Keys(want.Resources)); !reflect.DeepEqual(got, wantAddrs) {
		diffs = append(diffs, fmt.Sprintf("resources: got %v, want %v", got, wantAddrs))
	}
	for addr, wantArgs := range want.Resources {
		typ, name, _ := strings.Cut(addr, ".")
		gotArgs, ok := doc.Resources(typ)[name]
		if !ok {
			continue
		}
		for _, arg := range unionKeys(gotArgs, wantArgs) {
			g, w := gotArgs[arg], wantArgs[arg]
			if arg == "policy" {
				g, w = parseJSONString(g), parseJSONString(w)
			}
			if !reflect.DeepEqual(g, w) {
				diffs = append(diffs, fmt.Sprintf("%s.%s: got %v, want %v", addr, arg, g, w))
			}
		}
	}
	gotOutputs := map[string]any{}
	for name, o := range doc.Outputs() {
		gotOutputs[name] = o["value"]
	}
	if !reflect.DeepEqual(gotOutputs, want.Outputs) {
		diffs = append(diffs, fmt.Sprintf("outputs: got %v, want %v", gotOutputs, want.Outputs))
	}
	providers := doc.Providers("aws")
	if len(providers) != 1 || providers[0]["region"] != region {
		diffs = append(diffs, fmt.Sprintf("aws provider: got %v, want one with region %s", providers, region))
	}
	return diffs
}

func TestSynthIsEquivalentToTheOriginalModule(t *testing.T) {
	names := slices.Sorted(maps.Keys(equivalenceCases))
	for i, name := range names {
		in := equivalenceCases[name]
		t.Run(name, func(t *testing.T) {
			want := originalModule(t, in)
			applyIntendedDifference(t, want, in.region)

			env := in.environmentNamed(fmt.Sprintf("equivalence-%d", i))
			doc := synthEnvironment(t, env)
			for _, d := range differences(t, want, doc, in.region) {
				t.Error(d)
			}
			// Beyond equal as parsed JSON: the same bytes as jsonencode, so
			// that a plan after migrating from the module shows no policy
			// change at all.
			gotPolicy := doc.Resource(t, "aws_kms_key", stacks.KeyID)["policy"]
			if wantPolicy := want.Resources["aws_kms_key.general_encryption_key"]["policy"]; gotPolicy != wantPolicy {
				t.Errorf("policy bytes differ from jsonencode:\n got %s\nwant %s", gotPolicy, wantPolicy)
			}
		})
	}
}

// TestEquivalenceCheckDetectsDrift makes sure the comparison above can fail:
// a module result that differs in any argument, resource or output is
// reported.
func TestEquivalenceCheckDetectsDrift(t *testing.T) {
	in := equivalenceCases["usage example"]
	env := in.environmentNamed("drift")
	doc := synthEnvironment(t, env)

	drifts := map[string]func(r hcleval.Result){
		"description": func(r hcleval.Result) { r.Resources["aws_kms_key.general_encryption_key"]["description"] = "other" },
		"rotation": func(r hcleval.Result) {
			r.Resources["aws_kms_key.general_encryption_key"]["enable_key_rotation"] = false
		},
		"extra arg": func(r hcleval.Result) {
			r.Resources["aws_kms_key.general_encryption_key"]["deletion_window_in_days"] = 7.0
		},
		"policy principal": func(r hcleval.Result) {
			args := r.Resources["aws_kms_key.general_encryption_key"]
			args["policy"] = strings.Replace(args["policy"].(string), "example-role", "another-rol3", 1)
		},
		"tag": func(r hcleval.Result) {
			r.Resources["aws_kms_key.general_encryption_key"]["tags"] = map[string]any{"Name": "x"}
		},
		"resource": func(r hcleval.Result) { r.Resources["aws_kms_alias.extra"] = map[string]any{} },
		"output":   func(r hcleval.Result) { r.Outputs["kms_key_arn"] = "${aws_kms_key.other.arn}" },
	}
	for name, drift := range drifts {
		t.Run(name, func(t *testing.T) {
			want := originalModule(t, in)
			if d := differences(t, want, doc, in.region); len(d) != 0 {
				t.Fatalf("baseline differs: %v", d)
			}
			drift(want)
			if d := differences(t, want, doc, in.region); len(d) == 0 {
				t.Errorf("a drift in %s was not detected", name)
			}
		})
	}
}

func unionKeys(a, b map[string]any) []string {
	set := map[string]bool{}
	for k := range a {
		set[k] = true
	}
	for k := range b {
		set[k] = true
	}
	return slices.Sorted(maps.Keys(set))
}

// TestMigrationKeepsTheOriginalArguments checks both migration paths from
// the HCL module: with moved_from or import_key_id set, the key's arguments
// still equal the module's for the same inputs, so the first plan after the
// move or import has nothing to change on the key.
func TestMigrationKeepsTheOriginalArguments(t *testing.T) {
	in := equivalenceCases["usage example"]
	cases := map[string]func(*kms.KmsKeyConfig){
		"moved_from":          func(c *kms.KmsKeyConfig) { c.MovedFrom = "module.kms.aws_kms_key.general_encryption_key" },
		"import_key_id by id": func(c *kms.KmsKeyConfig) { c.ImportKeyId = "1234abcd-12ab-34cd-56ef-1234567890ab" },
		"import_key_id by arn": func(c *kms.KmsKeyConfig) {
			c.ImportKeyId = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		},
	}
	for i, name := range slices.Sorted(maps.Keys(cases)) {
		t.Run(name, func(t *testing.T) {
			want := originalModule(t, in)
			env := in.environmentNamed(fmt.Sprintf("migration-%d", i))
			cases[name](&env.KmsKeyConfig)
			doc := synthEnvironment(t, env)
			for _, d := range differences(t, want, doc, in.region) {
				t.Error(d)
			}
			tree := doc.Tree()
			if env.MovedFrom != "" {
				wantMoved := []any{map[string]any{"from": env.MovedFrom, "to": "aws_kms_key.general_encryption_key"}}
				if !reflect.DeepEqual(tree["moved"], wantMoved) {
					t.Errorf("moved = %v, want %v", tree["moved"], wantMoved)
				}
			} else {
				wantImport := []any{map[string]any{"id": "1234abcd-12ab-34cd-56ef-1234567890ab", "to": "aws_kms_key.general_encryption_key"}}
				if !reflect.DeepEqual(tree["import"], wantImport) {
					t.Errorf("import = %v, want %v", tree["import"], wantImport)
				}
			}
		})
	}
}
