package kms_test

import (
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/kmsoutputs"
	"github.com/cdktf-kms/cdktf-kms/internal/svcconditions"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
)

// statementBySid finds a key policy statement of a synthesized key.
func statementBySid(t *testing.T, policy any, sid string) map[string]any {
	t.Helper()
	for _, s := range policy.(map[string]any)["Statement"].([]any) {
		if m := s.(map[string]any); m["Sid"] == sid {
			return m
		}
	}
	t.Fatalf("no statement %s in %v", sid, policy)
	return nil
}

func stringsOf(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		out := make([]string, len(x))
		for i, e := range x {
			out[i] = e.(string)
		}
		sort.Strings(out)
		return out
	}
	return nil
}

func TestReplicasInEveryListedRegion(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.MultiRegion = true
	cfg.ReplicaRegions = []string{"eu-central-1", "us-east-1"}
	cfg.Aliases = []string{"orders"}
	cfg.DeletionWindowInDays = 14
	cfg.PreventDestroy = true
	cfg.KeyAdministrators = []string{"arn:aws:iam::123456789012:role/kms-admin"}
	k := mustKey(t, stack, "key", cfg)
	doc := synthtest.Synth(t, stack)
	replicas := doc.Resources("aws_kms_replica_key")
	if len(replicas) != 2 || len(k.Replicas()) != 2 {
		t.Fatalf("replicas %v", doc.Addresses())
	}
	for _, region := range cfg.ReplicaRegions {
		name := "key_replica_" + strings.ReplaceAll(region, "-", "_")
		r := doc.Resource(t, "aws_kms_replica_key", name)
		alias := strings.ReplaceAll(region, "-", "_")
		if r["provider"] != "aws."+alias || r["primary_key_arn"] != synthtest.Ref("aws_kms_key.key", "arn") {
			t.Errorf("%s: provider %v, primary %v", name, r["provider"], r["primary_key_arn"])
		}
		if r["deletion_window_in_days"] != 14.0 || !reflect.DeepEqual(r["lifecycle"], map[string]any{"prevent_destroy": true}) {
			t.Errorf("%s does not carry the deletion window and prevent_destroy: %v", name, r)
		}
		logs := synthtest.JSONArg(t, r, "policy").(map[string]any)["Statement"].([]any)[1].(map[string]any)["Principal"]
		if !reflect.DeepEqual(logs, map[string]any{"Service": "logs." + region + ".amazonaws.com"}) {
			t.Errorf("%s: the CloudWatch Logs principal is not the replica region's: %v", name, logs)
		}
		a := doc.Resource(t, "aws_kms_alias", "key_alias_orders_"+alias)
		if a["name"] != "alias/orders" || a["provider"] != "aws."+alias || a["target_key_id"] != synthtest.Ref("aws_kms_replica_key."+name, "key_id") {
			t.Errorf("replica alias in %s: %v", region, a)
		}
	}
	providers := doc.Providers("aws")
	if len(providers) != 2 {
		t.Errorf("providers %v, want one aliased provider per replica region (the test stack has no default one)", providers)
	}
	out := doc.Output(t, "kms_replica_arns")["value"].(map[string]any)
	if out["eu-central-1"] != synthtest.Ref("aws_kms_replica_key.key_replica_eu_central_1", "arn") || len(out) != 2 {
		t.Errorf("replica ARNs output %v", out)
	}
	admin := statementBySid(t, synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "key"), "policy"), kms.SidKeyAdministrators)
	for _, a := range []string{"kms:ReplicateKey", "kms:UpdatePrimaryRegion"} {
		if !contains(stringsOf(admin["Action"]), a) {
			t.Errorf("administrators of a multi-Region key lack %s: %v", a, admin["Action"])
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestReplicasReuseTheStacksProviderAndAcceptTheirOwn(t *testing.T) {
	stack := synthtest.NewStack(t)
	existing := provider.NewAwsProvider(stack, jsii.String("frankfurt"), &provider.AwsProviderConfig{Region: jsii.String("eu-central-1"), Alias: jsii.String("fra")})
	given := provider.NewAwsProvider(stack, jsii.String("virginia"), &provider.AwsProviderConfig{Region: jsii.String("us-east-1"), Alias: jsii.String("use1")})
	cfg := usageExample()
	cfg.MultiRegion = true
	cfg.ReplicaRegions = []string{"eu-central-1", "us-east-1", "eu-north-1"}
	cfg.ReplicaProviders = map[string]provider.AwsProvider{"us-east-1": given}
	k := mustKey(t, stack, "key", cfg)
	got := map[string]provider.AwsProvider{}
	for _, r := range k.Replicas() {
		got[r.Region] = r.Provider
	}
	if got["eu-central-1"] != existing || got["us-east-1"] != given {
		t.Errorf("the replicas do not use the stack's and the given providers")
	}
	second := usageExample()
	second.OutputPrefix = "second"
	second.MultiRegion = true
	second.ReplicaRegions = []string{"eu-north-1"}
	k2 := mustKey(t, stack, "second", second)
	if k2.Replicas()[0].Provider != got["eu-north-1"] {
		t.Errorf("the second key did not share the provider the first one added for eu-north-1")
	}
	if n := len(synthtest.Synth(t, stack).Providers("aws")); n != 3 {
		t.Errorf("%d aws providers, want the two of the user and one added", n)
	}
}

func TestReplicaErrors(t *testing.T) {
	cases := map[string]struct {
		mutate func(*kms.KmsKeyConfig)
		want   string
	}{
		"not multi-Region":       {func(c *kms.KmsKeyConfig) { c.ReplicaRegions = []string{"eu-central-1"} }, "ReplicaRegions: replicas need a multi-Region key"},
		"the key's own region":   {func(c *kms.KmsKeyConfig) { c.MultiRegion, c.ReplicaRegions = true, []string{"eu-west-1"} }, `ReplicaRegions[0]: "eu-west-1": is the key's own region`},
		"another partition":      {func(c *kms.KmsKeyConfig) { c.MultiRegion, c.ReplicaRegions = true, []string{"cn-north-1"} }, `ReplicaRegions[0]: "cn-north-1": is in partition "aws-cn"`},
		"twice":                  {func(c *kms.KmsKeyConfig) { c.MultiRegion, c.ReplicaRegions = true, []string{"us-east-1", "us-east-1"} }, "ReplicaRegions[1]"},
		"not a region":           {func(c *kms.KmsKeyConfig) { c.MultiRegion, c.ReplicaRegions = true, []string{"moon-1"} }, `ReplicaRegions[0]: "moon-1": must be an AWS region`},
		"provider for no region": {func(c *kms.KmsKeyConfig) { c.ReplicaProviders = map[string]provider.AwsProvider{"us-east-1": nil} }, "ReplicaProviders.us-east-1"},
	}
	for name, tc := range cases {
		cfg := usageExample()
		tc.mutate(cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func TestUserListsFollowTheKeyType(t *testing.T) {
	const user = "arn:aws:iam::123456789012:role/user"
	cases := []struct {
		name, spec, usage string
		list              func(*kms.KmsKeyConfig)
		sid               string
		want              []string
	}{
		{"key users of a symmetric key", "", "", func(c *kms.KmsKeyConfig) { c.KeyUsers = []string{user} }, kms.SidKeyUsers,
			[]string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom", "kms:ReEncryptTo"}},
		{"key users of an HMAC key", "HMAC_256", "GENERATE_VERIFY_MAC", func(c *kms.KmsKeyConfig) { c.KeyUsers = []string{user} }, kms.SidKeyUsers,
			[]string{"kms:GenerateMac", "kms:VerifyMac"}},
		{"HMAC users", "HMAC_512", "GENERATE_VERIFY_MAC", func(c *kms.KmsKeyConfig) { c.KeyHmacUsers = []string{user} }, kms.SidKeyHmacUsers,
			[]string{"kms:GenerateMac", "kms:VerifyMac"}},
		{"sign/verify users", "ECC_NIST_P256", "SIGN_VERIFY", func(c *kms.KmsKeyConfig) { c.KeyAsymmetricSignVerifyUsers = []string{user} }, kms.SidKeyAsymmetricSignVerifyUsers,
			[]string{"kms:GetPublicKey", "kms:Sign", "kms:Verify"}},
		{"public-key encryption users", "RSA_2048", "ENCRYPT_DECRYPT", func(c *kms.KmsKeyConfig) { c.KeyAsymmetricPublicEncryptionUsers = []string{user} }, kms.SidKeyAsymmetricPublicEncryptionUsers,
			[]string{"kms:Decrypt", "kms:Encrypt", "kms:GetPublicKey", "kms:ReEncrypt*"}},
		{"key users of a key agreement key", "ECC_NIST_P384", "KEY_AGREEMENT", func(c *kms.KmsKeyConfig) { c.KeyUsers = []string{user} }, kms.SidKeyUsers,
			[]string{"kms:DeriveSharedSecret", "kms:GetPublicKey"}},
		{"symmetric encryption users", "", "", func(c *kms.KmsKeyConfig) { c.KeySymmetricEncryptionUsers = []string{user} }, kms.SidKeySymmetricEncryptionUsers,
			[]string{"kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncryptFrom", "kms:ReEncryptTo"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := usageExample()
			cfg.CustomerMasterKeySpec, cfg.KeyUsage = kms.KeySpec(tc.spec), kms.KeyUsage(tc.usage)
			tc.list(cfg)
			_, doc := synthKey(t, cfg)
			policy := synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "kms"), "policy")
			s := statementBySid(t, policy, tc.sid)
			if got := stringsOf(s["Action"]); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("actions %v, want %v", got, tc.want)
			}
			if p := s["Principal"]; !reflect.DeepEqual(p, map[string]any{"AWS": user}) {
				t.Errorf("principal %v", p)
			}
			// The original module's statements stay first and untouched.
			statements := policy.(map[string]any)["Statement"].([]any)
			if _, hasSid := statements[0].(map[string]any)["Sid"]; hasSid || len(statements) != 5 {
				t.Errorf("the original statements changed: %v", statements)
			}
		})
	}
}

func TestUserListsThatDoNotFitTheKeyAreRefused(t *testing.T) {
	const user = "arn:aws:iam::123456789012:role/user"
	cases := map[string]func(*kms.KmsKeyConfig){
		"HMAC users of a symmetric key": func(c *kms.KmsKeyConfig) { c.KeyHmacUsers = []string{user} },
		"sign users of an RSA encryption key": func(c *kms.KmsKeyConfig) {
			c.CustomerMasterKeySpec, c.KeyAsymmetricSignVerifyUsers = "RSA_2048", []string{user}
		},
		"symmetric users of an HMAC key": func(c *kms.KmsKeyConfig) {
			c.CustomerMasterKeySpec, c.KeyUsage, c.KeySymmetricEncryptionUsers = "HMAC_256", "GENERATE_VERIFY_MAC", []string{user}
		},
		"public encryption users of a symmetric key": func(c *kms.KmsKeyConfig) { c.KeyAsymmetricPublicEncryptionUsers = []string{user} },
	}
	for name, mutate := range cases {
		cfg := usageExample()
		mutate(cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "use key_users, whose actions follow the key") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestServiceUsersAndAutoScaling(t *testing.T) {
	cfg := usageExample()
	cfg.KeyServiceUsers = []string{"arn:aws:iam::123456789012:role/ebs-operator"}
	cfg.KeyServiceRolesForAutoscaling = []string{"arn:aws:iam::123456789012:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"}
	_, doc := synthKey(t, cfg)
	policy := synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "kms"), "policy")
	service := statementBySid(t, policy, kms.SidKeyServiceUsers)
	if got := stringsOf(service["Action"]); !reflect.DeepEqual(got, []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}) {
		t.Errorf("service user actions %v", got)
	}
	wantCond := map[string]any{"Bool": map[string]any{"kms:GrantIsForAWSResource": "true"}}
	if !reflect.DeepEqual(service["Condition"], wantCond) {
		t.Errorf("service users are not limited to AWS resources: %v", service["Condition"])
	}
	use := statementBySid(t, policy, kms.SidKeyServiceRolesForAutoscaling)
	if _, has := use["Condition"]; has || !contains(stringsOf(use["Action"]), "kms:GenerateDataKey*") {
		t.Errorf("auto scaling usage statement %v", use)
	}
	grant := statementBySid(t, policy, kms.SidKeyServiceRolesForAutoscalingGrant)
	if !reflect.DeepEqual(stringsOf(grant["Action"]), []string{"kms:CreateGrant"}) || !reflect.DeepEqual(grant["Condition"], wantCond) {
		t.Errorf("auto scaling grant statement %v", grant)
	}

	bad := usageExample()
	bad.KeyServiceRolesForAutoscaling = []string{"arn:aws:iam::123456789012:role/app"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "EC2 Auto Scaling service-linked role") {
		t.Errorf("an ordinary role as the Auto Scaling role: %v", err)
	}
	bad = usageExample()
	bad.KeyServiceUsers = []string{"arn:aws:iam::999999999999:role/ebs"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "KeyServiceUsers[0]") || !strings.Contains(err.Error(), "trusted_account_ids") {
		t.Errorf("a service user in another account without trust: %v", err)
	}
}

func TestConfusedDeputyConditionsAreOptIn(t *testing.T) {
	cfg := usageExample()
	cfg.ServicePrincipals = []string{"cloudtrail.amazonaws.com"}
	cfg.ServicePrincipalsSourceAccount = true
	cfg.ServicePrincipalsSourceArns = []string{"arn:aws:cloudtrail:eu-west-1:123456789012:trail/main"}
	cfg.RestrictCloudWatchLogs = true
	_, doc := synthKey(t, cfg)
	policy := synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "kms"), "policy")
	svc := statementBySid(t, policy, kms.SidServicePrincipals)
	want := map[string]any{
		"StringEquals": map[string]any{"aws:SourceAccount": "123456789012"},
		"ArnLike":      map[string]any{"aws:SourceArn": "arn:aws:cloudtrail:eu-west-1:123456789012:trail/main"},
	}
	if !reflect.DeepEqual(svc["Condition"], want) {
		t.Errorf("service statement conditions %v, want %v", svc["Condition"], want)
	}
	logs := policy.(map[string]any)["Statement"].([]any)[1].(map[string]any)
	wantLogs := map[string]any{"ArnLike": map[string]any{"kms:EncryptionContext:aws:logs:arn": "arn:aws:logs:eu-west-1:123456789012:log-group:*"}}
	if !reflect.DeepEqual(logs["Condition"], wantLogs) {
		t.Errorf("CloudWatch Logs condition %v, want %v", logs["Condition"], wantLogs)
	}

	bad := usageExample()
	bad.ServicePrincipals = []string{"dynamodb.amazonaws.com"}
	bad.ServicePrincipalsSourceAccount = true
	err := bad.Validate()
	if err == nil || !strings.Contains(err.Error(), `ServicePrincipals[0]: "dynamodb.amazonaws.com": is not in the table of services whose AWS documentation gives aws:SourceAccount or aws:SourceArn for key policies`) ||
		!strings.Contains(err.Error(), "service_principals_conditions_asserted") {
		t.Errorf("a source condition for a service outside the table: %v", err)
	}
	// A refusal says only what is true: that the table lacks it, not that
	// AWS does not document it.
	if err != nil && strings.Contains(err.Error(), "AWS does not document") {
		t.Errorf("the refusal claims what the table cannot know: %v", err)
	}
}

// TestServiceConditionsFollowEachServicesDocumentation: the issue's
// EventBridge case is accepted with the caveat its documentation gives,
// each row allows only the keys its source gives, a source ARN must be of
// each service's resources, and a service outside the table takes the
// conditions only when asserted, with a warning.
func TestServiceConditionsFollowEachServicesDocumentation(t *testing.T) {
	base := func(sps []string, account bool, arns ...string) *kms.KmsKeyConfig {
		return &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "bus", Environment: "bus",
			ServicePrincipals: sps, ServicePrincipalsSourceAccount: account, ServicePrincipalsSourceArns: arns}
	}
	events := base([]string{"events.amazonaws.com"}, false, "arn:aws:events:eu-west-1:123456789012:event-bus/orders")
	if err := events.Validate(); err != nil {
		t.Errorf("EventBridge with aws:SourceArn, as its guide recommends: %v", err)
	}
	if w := strings.Join(events.Warnings(), "\n"); !strings.Contains(w, "events.amazonaws.com: Amazon SNS documents aws:SourceAccount and aws:SourceArn as not supported for EventBridge publishing to a topic encrypted with the key") {
		t.Errorf("no caveat for EventBridge's SNS case: %q", w)
	}
	for name, tc := range map[string]struct {
		cfg  *kms.KmsKeyConfig
		want string
	}{
		"an ARN of another service": {base([]string{"events.amazonaws.com"}, false, "arn:aws:cloudtrail:eu-west-1:123456789012:trail/main"),
			`ServicePrincipals[0]: "events.amazonaws.com": sends aws:SourceArn of its own resources (arn:<partition>:events:`},
		"aws:SourceAccount for a service documented with aws:SourceArn only": {base([]string{"gamelift.amazonaws.com"}, true),
			`ServicePrincipals[0]: "gamelift.amazonaws.com": its documentation (Amazon GameLift FlexMatch Developer Guide`},
		"CloudWatch Logs": {base([]string{"logs.eu-west-1.amazonaws.com"}, true),
			"CloudWatch Logs is documented with the condition kms:EncryptionContext:aws:logs:arn"},
		"asserted but not a service principal of the key": {func() *kms.KmsKeyConfig {
			c := base([]string{"s3.amazonaws.com"}, true)
			c.ServicePrincipalsConditionsAsserted = []string{"dynamodb.amazonaws.com"}
			return c
		}(), `ServicePrincipalsConditionsAsserted[0]: "dynamodb.amazonaws.com": is not one of service_principals`},
	} {
		if err := tc.cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v\nwant %q", name, err, tc.want)
		}
	}
	asserted := base([]string{"dynamodb.amazonaws.com", "s3.amazonaws.com"}, true)
	asserted.ServicePrincipalsConditionsAsserted = []string{"dynamodb.amazonaws.com"}
	if err := asserted.Validate(); err != nil {
		t.Errorf("an asserted service: %v", err)
	}
	if w := strings.Join(asserted.Warnings(), "\n"); !strings.Contains(w, "service_principals_conditions_asserted: dynamodb.amazonaws.com is not in the table") {
		t.Errorf("no warning for an asserted service: %q", w)
	}
	// Every row names its source and a form of ARN of its own service.
	for _, row := range svcconditions.Table() {
		if !strings.Contains(row.Source, "https://docs.aws.amazon.com/") || !strings.Contains(row.SourceArnForm, ":"+row.ArnService+":") {
			t.Errorf("row %s: source %q, ARN form %q", row.Service, row.Source, row.SourceArnForm)
		}
	}
}

func TestNativeGrants(t *testing.T) {
	cfg := usageExample()
	cfg.KmsGrants = []kms.KmsGrantSpec{{
		Name: "ebs-attach", GranteePrincipal: "arn:aws:iam::123456789012:role/app", Operations: []string{"Decrypt", "GenerateDataKey"},
		RetiringPrincipal: "arn:aws:iam::123456789012:role/ops", EncryptionContextSubset: map[string]string{"Department": "IT"},
		RetireOnDelete: true,
	}}
	_, doc := synthKey(t, cfg)
	g := doc.Resource(t, "aws_kms_grant", "kms_kms_grant_ebs-attach")
	want := map[string]any{
		"name": "ebs-attach", "key_id": synthtest.Ref("aws_kms_key.kms", "key_id"),
		"grantee_principal": "arn:aws:iam::123456789012:role/app", "operations": []any{"Decrypt", "GenerateDataKey"},
		"retiring_principal": "arn:aws:iam::123456789012:role/ops", "retire_on_delete": true,
		"constraints": []any{map[string]any{"encryption_context_subset": map[string]any{"Department": "IT"}}},
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("grant:\n got %v\nwant %v", g, want)
	}
	errs := map[string]struct {
		spec kms.KmsGrantSpec
		key  func(*kms.KmsKeyConfig)
		want string
	}{
		"operation for another key type": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"Sign"}}, nil,
			`KmsGrants[0].Operations[0]: "Sign": is not a grant operation for this key`},
		"constraint on an HMAC key": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"GenerateMac"},
			EncryptionContextEquals: map[string]string{"a": "b"}}, func(c *kms.KmsKeyConfig) { c.CustomerMasterKeySpec, c.KeyUsage = "HMAC_256", "GENERATE_VERIFY_MAC" },
			"encryption context constraints apply only to symmetric encryption keys"},
		"both constraints": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"Decrypt"},
			EncryptionContextEquals: map[string]string{"a": "b"}, EncryptionContextSubset: map[string]string{"a": "b"}}, nil, "not both"},
		"bad name":      {kms.KmsGrantSpec{Name: "a grant", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"Decrypt"}}, nil, "KmsGrants[0].Name"},
		"bad grantee":   {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "app", Operations: []string{"Decrypt"}}, nil, "KmsGrants[0].GranteePrincipal"},
		"no operations": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a"}, nil, "KmsGrants[0].Operations: required"},
		"only CreateGrant": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"CreateGrant"}}, nil,
			`KmsGrants[0].Operations: [CreateGrant]: CreateGrant alone is refused by AWS KMS`},
		"empty creation token": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"Decrypt"}, GrantCreationTokens: []string{""}}, nil,
			"KmsGrants[0].GrantCreationTokens[0]: empty value: must be 1 to 8192 characters"},
		"kms: prefix":     {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "arn:aws:iam::123456789012:role/a", Operations: []string{"kms:Decrypt"}}, nil, "without kms:"},
		"service grantee": {kms.KmsGrantSpec{Name: "g", GranteePrincipal: "logs.amazonaws.com.cn", Operations: []string{"Decrypt"}}, nil, "aws-cn"},
	}
	for name, tc := range errs {
		c := usageExample()
		if tc.key != nil {
			tc.key(c)
		}
		c.KmsGrants = []kms.KmsGrantSpec{tc.spec}
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
	}
}

func TestKeyIdOutputIsOptIn(t *testing.T) {
	_, doc := synthKey(t, usageExample())
	if _, has := doc.Outputs()["kms_key_id"]; has {
		t.Errorf("kms_key_id without KeyIdOutput")
	}
	cfg := usageExample()
	cfg.KeyIdOutput = true
	_, doc = synthKey(t, cfg)
	if got := doc.Output(t, "kms_key_id")["value"]; got != synthtest.Ref("aws_kms_key.kms", "key_id") {
		t.Errorf("kms_key_id = %v", got)
	}
}

func TestMovedFromMovesEveryResourceTheKeyOwns(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.Aliases = []string{"orders"}
	cfg.Roles = []kms.RoleSpec{{Service: "lambda"}}
	cfg.MovedFrom = "aws_kms_key.old"
	k := mustKey(t, stack, "key", cfg)
	if _, err := k.AddAlias("later"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.GrantDecrypt(kms.RoleGrantee("reader")); err != nil {
		t.Fatal(err)
	}
	moved := synthtest.Synth(t, stack).Tree()["moved"].([]any)
	got := map[string]string{}
	for _, m := range moved {
		mm := m.(map[string]any)
		got[mm["to"].(string)] = mm["from"].(string)
	}
	want := map[string]string{
		"aws_kms_key.key":                                     "aws_kms_key.old",
		"aws_kms_alias.key_alias_orders":                      "aws_kms_alias.old_alias_orders",
		"aws_kms_alias.key_alias_later":                       "aws_kms_alias.old_alias_later",
		"aws_iam_role.key_role_dev-dev-lambda-kms":            "aws_iam_role.old_role_dev-dev-lambda-kms",
		"aws_iam_role_policy.key_role_dev-dev-lambda-kms_kms": "aws_iam_role_policy.old_role_dev-dev-lambda-kms_kms",
		"aws_iam_role_policy.key_grant_reader_decrypt":        "aws_iam_role_policy.old_grant_reader_decrypt",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("moved blocks:\n got %v\nwant %v", got, want)
	}
}

// TestEveryDocumentedOutputIsCreated creates a key with every option that
// adds outputs and compares its outputs with the documented list.
func TestEveryDocumentedOutputIsCreated(t *testing.T) {
	cfg := usageExample()
	cfg.KeyIdOutput = true
	cfg.Aliases = []string{"a"}
	cfg.MultiRegion, cfg.ReplicaRegions = true, []string{"us-east-1"}
	cfg.Roles = []kms.RoleSpec{{Service: "lambda"}}
	cfg.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: "trail", AlarmEmails: []string{"sec@example.com"}}
	// An asymmetric key has a public key to output.
	cfg.CustomerMasterKeySpec, cfg.KeyUsage, cfg.PublicKeyOutput = kms.KeySpecRsa2048, kms.KeyUsageEncryptDecrypt, true
	k, doc := synthKey(t, cfg)
	var want []string
	for _, o := range kmsoutputs.Docs() {
		want = append(want, kms.DefaultOutputPrefix+"_"+o.Suffix)
	}
	var got []string
	for name := range doc.Outputs() {
		got = append(got, name)
	}
	sort.Strings(want)
	sort.Strings(got)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %v, documented %v", got, want)
	}
	names := k.OutputNames()
	sort.Strings(names)
	if !reflect.DeepEqual(names, want) {
		t.Errorf("OutputNames() = %v, documented %v", names, want)
	}
}

func TestRiskyValuesGiveWarnings(t *testing.T) {
	off := false
	cfg := usageExample()
	cfg.IsEnabled = &off
	cfg.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: "REPLACE-ME-cloudtrail-log-group"}
	k, _ := synthKey(t, cfg)
	var annotations []string
	for _, m := range *k.Node().Metadata() {
		if *m.Type == "@cdktf/warn" {
			annotations = append(annotations, m.Data.(string))
		}
	}
	for _, want := range []string{"monitoring.cloudtrail_log_group_name \"REPLACE-ME-cloudtrail-log-group\" looks like a placeholder", "no subscriber", "is_enabled is false"} {
		found := false
		for _, a := range annotations {
			found = found || strings.Contains(a, want)
		}
		if !found {
			t.Errorf("no warning annotation with %q in %q", want, annotations)
		}
	}
	quiet, _ := synthKey(t, usageExample())
	if w := quiet.Warnings(); len(w) != 0 {
		t.Errorf("the usage example warns: %v", w)
	}
}
