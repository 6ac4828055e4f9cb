package kms_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/snstopic"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// An alias name given by reference: one aws_kms_alias (and one per replica
// region) named after a hash of the reference's Terraform expression, with
// the name as Terraform gives it and a precondition for AWS's rule; the
// outputs list it; a literal alias beside it keeps its readable address.
func TestAliasReferences(t *testing.T) {
	stack := synthtest.NewStack(t)
	v := cdktf.NewTerraformVariable(stack, jsii.String("alias_name"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	cfg := usageExample()
	cfg.Aliases = []string{"alias/literal", *v.StringValue()}
	cfg.MultiRegion = true
	cfg.ReplicaRegions = []string{"us-east-1"}
	k := mustKey(t, stack, "kms", cfg)
	other := cdktf.NewTerraformVariable(stack, jsii.String("late_alias"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	if _, err := k.AddAlias(*other.StringValue()); err != nil {
		t.Fatal(err)
	}
	// The same expression again is the same alias.
	if _, err := k.AddAlias(*other.StringValue()); err == nil || !strings.Contains(err.Error(), "is already an alias of aws_kms_key.kms") {
		t.Errorf("the same reference twice: %v", err)
	}
	doc := synthtest.Synth(t, stack)
	hash := func(expr string) string {
		sum := sha256.Sum256([]byte(expr))
		return hex.EncodeToString(sum[:])[:8]
	}
	aliases := doc.Resources("aws_kms_alias")
	for _, c := range []struct{ tf, expr, field string }{
		{"kms_alias_ref_" + hash("${var.alias_name}"), "${var.alias_name}", "aliases[1]"},
		{"kms_alias_ref_" + hash("${var.late_alias}"), "${var.late_alias}", "alias"},
	} {
		for _, name := range []string{c.tf, c.tf + "_us_east_1"} {
			a, ok := aliases[name]
			if !ok {
				t.Fatalf("no aws_kms_alias.%s; have %v", name, doc.Addresses())
			}
			if a["name"] != c.expr {
				t.Errorf("aws_kms_alias.%s name = %v, want %s", name, a["name"], c.expr)
			}
		}
		lc, _ := aliases[c.tf]["lifecycle"].(map[string]any)
		pre, _ := lc["precondition"].([]any)
		if len(pre) != 1 {
			t.Fatalf("aws_kms_alias.%s preconditions = %v, want one", c.tf, lc)
		}
		p := pre[0].(map[string]any)
		want := fmt.Sprintf("%s: the reference $%s is an alias name of aws_kms_key.kms, and it must be alias/", c.field, c.expr)
		if msg, _ := p["error_message"].(string); !strings.HasPrefix(msg, want) {
			t.Errorf("aws_kms_alias.%s error_message = %q, want it to start %q", c.tf, msg, want)
		}
		for _, part := range []string{`regex("^alias/[A-Za-z0-9/_-]{1,250}$", ` + strings.Trim(c.expr, "${}") + `)`, `regex("^(?i)alias/aws/", ` + strings.Trim(c.expr, "${}") + `)`} {
			if cond, _ := p["condition"].(string); !strings.Contains(cond, part) {
				t.Errorf("aws_kms_alias.%s condition = %q, want it to hold %s", c.tf, cond, part)
			}
		}
	}
	if _, ok := aliases["kms_alias_literal"]; !ok {
		t.Errorf("the literal alias lost its address: %v", doc.Addresses())
	}
	if lc := aliases["kms_alias_literal"]["lifecycle"]; lc != nil {
		t.Errorf("a literal alias has a precondition: %v", lc)
	}
	names := fmt.Sprint(doc.Output(t, "kms_alias_names")["value"])
	for _, n := range []string{"kms_alias_literal.name", "kms_alias_ref_" + hash("${var.alias_name}") + ".name", "kms_alias_ref_" + hash("${var.late_alias}") + ".name"} {
		if !strings.Contains(names, n) {
			t.Errorf("output kms_alias_names = %s, want it to list %s", names, n)
		}
	}
}

// The text around an alias reference holds only what an alias name may
// (a quote or a backslash would break the precondition's expression, or the
// jsii runtime's check of it); the messages name a reference by its
// Terraform expression, not the token's text.
func TestAliasReferenceTextAndMessages(t *testing.T) {
	stack := synthtest.NewStack(t)
	v := cdktf.NewTerraformVariable(stack, jsii.String("alias_name"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	for _, around := range []string{`alias/"q`, `alias/\`, "alias/\r\n", "alias/a b", "alias/é"} {
		cfg := usageExample()
		cfg.Aliases = []string{around + *v.StringValue()}
		err := cfg.Validate()
		want := fmt.Sprintf("Aliases[0]: %q: holds a reference, and the text around it (%q) may hold only letters, digits, /, _ and -, as an alias name does", cfg.Aliases[0], around)
		if err == nil || err.Error() != want {
			t.Errorf("alias %q: Validate() = %v\nwant %s", around, err, want)
		}
		if _, err := kms.NewKmsKey(stack, "refused", cfg); err == nil || !strings.Contains(err.Error(), "the text around it") {
			t.Errorf("alias %q: NewKmsKey: %v", around, err)
		}
	}
	cfg := usageExample()
	cfg.Aliases = []string{*v.StringValue()}
	k := mustKey(t, stack, "kms", cfg)
	_, err := k.AddAlias(*v.StringValue()) // another token, the same expression
	if err == nil || !strings.Contains(err.Error(), `alias: "${var.alias_name}": is already an alias of aws_kms_key.kms, or maps to the same Terraform name as ${var.alias_name}`) {
		t.Errorf("the same reference again: %v", err)
	}
	if _, err := k.AddAlias(`alias/"` + *v.StringValue()); err == nil || !strings.Contains(err.Error(), `alias: "alias/\"${var.alias_name}": holds a reference`) {
		t.Errorf("AddAlias with a quote around a reference: %v", err)
	}
	if got := k.Aliases(); len(got) != 1 {
		t.Errorf("refused aliases were added: %q", got)
	}
}

// A topic of the app encrypted with the key through its alias given by
// reference draws the warning a literal alias draws.
func TestMonitoringSeesAnAliasReference(t *testing.T) {
	stack := synthtest.NewStack(t)
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	v := cdktf.NewTerraformVariable(stack, jsii.String("alias_name"), &cdktf.TerraformVariableConfig{Type: jsii.String("string")})
	topic := snstopic.NewSnsTopic(stack, jsii.String("alerts"), &snstopic.SnsTopicConfig{Name: jsii.String("alerts")})
	cfg := usageExample()
	cfg.Aliases = []string{*v.StringValue()}
	cfg.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: "trail-logs", SnsTopicArn: *topic.Arn()}
	key := mustKey(t, stack, "kms", cfg)
	topic.SetKmsMasterKeyId(v.StringValue())
	cdktf.Testing_Synth(stack, jsii.Bool(true))
	var got []string
	for _, w := range key.Warnings() {
		if strings.HasPrefix(w, "monitoring.sns_topic_arn") {
			got = append(got, w)
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], "the topic "+*stack.Node().Id()+"/alerts is encrypted with this key") {
		t.Errorf("warnings %q; want one for the topic encrypted through the alias reference", got)
	}
}
