package kms_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamgroup"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamuser"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func newRole(stack cdktf.TerraformStack, id string) iamrole.IamRole {
	return iamrole.NewIamRole(stack, jsii.String(id), &iamrole.IamRoleConfig{
		Name:             jsii.String(id),
		AssumeRolePolicy: jsii.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
	})
}

// pathVisitor is an aspect that records the paths it visits.
type pathVisitor struct{ paths []string }

func (v *pathVisitor) Visit(node constructs.IConstruct) {
	v.paths = append(v.paths, *node.Node().Path())
}

func TestEveryKeyIsANodeOfItsOwn(t *testing.T) {
	stack := synthtest.NewStack(t)
	first := mustKey(t, stack, "first", usageExample())
	second := usageExample()
	second.OutputPrefix = "second"
	k := mustKey(t, stack, "second", second)
	stackPath := *stack.Node().Path()
	if got := *k.Node().Path(); got != stackPath+"/second" {
		t.Errorf("key node path = %s, want %s/second", got, stackPath)
	}
	if k.Construct() == constructs.Construct(stack) || first.Construct() == k.Construct() {
		t.Errorf("Construct() is not the key's own node")
	}
	// The key's resources are its children, and the node is a scope for
	// the user's constructs.
	if !slices.Contains(*k.Node().Children(), constructs.IConstruct(k.Key())) {
		t.Errorf("the aws_kms_key is not a child of the key's node")
	}
	kmsalias.NewKmsAlias(k.Construct(), jsii.String("users_alias"), &kmsalias.KmsAliasConfig{Name: jsii.String("alias/by-user"), TargetKeyId: k.KeyId()})

	// An aspect added to the key visits the key alone.
	v := &pathVisitor{}
	cdktf.Aspects_Of(k.Construct()).Add(v)
	doc := synthtest.Synth(t, stack)
	if len(v.paths) == 0 {
		t.Fatal("the aspect visited nothing")
	}
	for _, p := range v.paths {
		if !strings.HasPrefix(p, stackPath+"/second") {
			t.Errorf("an aspect on the second key visited %s", p)
		}
	}
	// The addresses are those of keys directly in a stack, unchanged.
	for _, addr := range []string{"aws_kms_key.first", "aws_kms_key.second"} {
		if !slices.Contains(doc.Addresses(), addr) {
			t.Errorf("no %s in %v", addr, doc.Addresses())
		}
	}
}

func TestIdClashesAreErrorsNamingBothSides(t *testing.T) {
	t.Run("a user output with the key's output name", func(t *testing.T) {
		stack := synthtest.NewStack(t)
		cdktf.NewTerraformOutput(stack, jsii.String("kms_key_arn"), &cdktf.TerraformOutputConfig{Value: "x"})
		_, err := kms.NewKmsKey(stack, "key", usageExample())
		if err == nil || !strings.Contains(err.Error(), "output kms_key_arn is already used by "+*stack.Node().Path()+"/kms_key_arn (cdktf.TerraformOutput)") {
			t.Fatalf("NewKmsKey = %v", err)
		}
		// Nothing is left reserved: the same id works with another prefix.
		cfg := usageExample()
		cfg.OutputPrefix = "main"
		if _, err := kms.NewKmsKey(stack, "key", cfg); err != nil {
			t.Fatalf("retry: %v", err)
		}
	})
	t.Run("a user construct with the key's id", func(t *testing.T) {
		stack := synthtest.NewStack(t)
		newRole(stack, "key")
		_, err := kms.NewKmsKey(stack, "key", usageExample())
		if err == nil || !strings.Contains(err.Error(), `id: "key": is already taken in its scope`) {
			t.Fatalf("NewKmsKey = %v", err)
		}
		if _, err := kms.NewKmsKey(stack, "key2", usageExample()); err != nil {
			t.Fatalf("retry with another id: %v", err)
		}
	})
	t.Run("a user resource with the name of the key's alias", func(t *testing.T) {
		stack := synthtest.NewStack(t)
		kmsalias.NewKmsAlias(stack, jsii.String("key_alias_app"), &kmsalias.KmsAliasConfig{Name: jsii.String("alias/other"), TargetKeyId: jsii.String("x")})
		cfg := usageExample()
		cfg.Aliases = []string{"app"}
		_, err := kms.NewKmsKey(stack, "key", cfg)
		if err == nil || !strings.Contains(err.Error(), "aws_kms_alias.key_alias_app is already used by "+*stack.Node().Path()+"/key_alias_app (kmsalias.KmsAlias)") {
			t.Fatalf("NewKmsKey = %v", err)
		}
	})
	t.Run("the key's id equals a name it generates", func(t *testing.T) {
		stack := synthtest.NewStack(t)
		if _, err := kms.NewKmsKey(stack, "kms_key_arn", usageExample()); err != nil {
			t.Fatalf("NewKmsKey(stack, kms_key_arn) = %v", err)
		}
		if got := synthtest.Synth(t, stack).Outputs(); got["kms_key_arn"]["value"] != synthtest.Ref("aws_kms_key.kms_key_arn", "arn") {
			t.Errorf("outputs %v", got)
		}
	})
	t.Run("a user output added after the key", func(t *testing.T) {
		stack := synthtest.NewStack(t)
		if _, err := kms.NewKmsKey(stack, "key", usageExample()); err != nil {
			t.Fatal(err)
		}
		cdktf.NewTerraformOutput(stack, jsii.String("kms_key_arn"), &cdktf.TerraformOutputConfig{Value: "x"})
		msg := synthPanic(stack)
		if !strings.Contains(msg, "output kms_key_arn of "+*stack.Node().Path()+"/kms_key_arn (cdktf.TerraformOutput) is also created by aws_kms_key.key") {
			t.Errorf("synth = %q, want the validation error naming both", msg)
		}
	})
}

// synthPanic synthesizes with validations and returns what cdktf threw.
func synthPanic(stack cdktf.TerraformStack) (msg string) {
	defer func() { msg = fmt.Sprint(recover()) }()
	cdktf.Testing_Synth(stack, jsii.Bool(true))
	return ""
}

func TestReferencesAreAccepted(t *testing.T) {
	stack := synthtest.NewStack(t)
	app, admin := newRole(stack, "app"), newRole(stack, "admin")
	cfg := usageExample()
	cfg.AdditionalPrincipals = []string{*app.Arn(), "arn:aws:iam::123456789012:role/literal"}
	cfg.KeyAdministrators = []string{*admin.Arn()}
	cfg.KeyUsers = []string{*app.Arn()}
	cfg.Description = "Key of " + *app.Name()
	cfg.Tags = map[string]string{"Owner": *app.Name()}
	cfg.Roles = []kms.RoleSpec{{Service: "lambda", PermissionsBoundary: *admin.Arn(), ManagedPolicyArns: []string{*admin.Arn()}}}
	k := mustKey(t, stack, "key", cfg)
	doc := synthtest.Synth(t, stack)
	statements := synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "key"), "policy").(map[string]any)["Statement"].([]any)
	if p := statements[2].(map[string]any)["Principal"].(map[string]any)["AWS"]; p != synthtest.Ref("aws_iam_role.app", "arn") {
		t.Errorf("additional principal = %v", p)
	}
	if d := doc.Resource(t, "aws_kms_key", "key")["description"]; d != "Key of ${aws_iam_role.app.name}" {
		t.Errorf("description = %v", d)
	}
	if len(k.Policy().Statement) != 6 {
		t.Errorf("%d statements, want 4 original, administrators and key users", len(k.Policy().Statement))
	}

	// Checks that do not need the value still run.
	bad := usageExample()
	arn := *app.Arn()
	bad.AdditionalPrincipals = []string{arn, arn, "not-an-arn"}
	err := bad.Validate()
	for _, want := range []string{"AdditionalPrincipals[1]", "duplicates additional_principals[0]", "AdditionalPrincipals[2]", "IAM or STS ARN"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to say %q", err, want)
		}
	}
	// A whole list is a list of principals (TestWholeListReferencesAreAccepted);
	// a map token is not a principal, and the error says how to take one value.
	ok := usageExample()
	ok.AdditionalPrincipals = []string{"#{TfToken[TOKEN.1]}"}
	if err := ok.Validate(); err != nil {
		t.Errorf("a whole list token as principals: %v", err)
	}
	bad = usageExample()
	bad.AdditionalPrincipals = []string{"&{TfToken[TOKEN.1]}"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "holds a cdktf map token where one string is taken; give one value, for example cdktf.Token_AsString(cdktf.Fn_Lookup(") {
		t.Errorf("a map token as a principal: %v", err)
	}
	// An alias takes one name: a reference to one string passes (its rule
	// waits for the plan, TestAliasReferences), a whole list does not.
	ok = usageExample()
	ok.Aliases = []string{*app.Name()}
	if err := ok.Validate(); err != nil {
		t.Errorf("a reference as an alias name: %v", err)
	}
	bad = usageExample()
	bad.Aliases = []string{"#{TfToken[TOKEN.1]}"}
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "Aliases[0]") || !strings.Contains(err.Error(), "is a whole list reference; an alias takes one name") {
		t.Errorf("a whole list as an alias name: %v", err)
	}
}

func TestGrantsTakeResourcesNamesArnsAndReferences(t *testing.T) {
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "key", usageExample())
	role := newRole(stack, "reader")
	user := iamuser.NewIamUser(stack, jsii.String("alice"), &iamuser.IamUserConfig{Name: jsii.String("alice")})
	group := iamgroup.NewIamGroup(stack, jsii.String("ops"), &iamgroup.IamGroupConfig{Name: jsii.String("ops")})
	cases := []struct {
		grantee  kms.Grantee
		access   kms.Access
		typ, tf  string
		identity any
	}{
		{kms.IamRoleGrantee(role), kms.AccessDecrypt, "aws_iam_role_policy", "key_grant_aws_iam_role_reader_decrypt", synthtest.Ref("aws_iam_role.reader", "name")},
		{kms.ArnGrantee(*role.Arn()), kms.AccessEncrypt, "aws_iam_role_policy", "key_grant_aws_iam_role_reader_encrypt", `${regex("[^/]+$", aws_iam_role.reader.arn)}`},
		{kms.IamUserGrantee(user), kms.AccessDecrypt, "aws_iam_user_policy", "key_grant_aws_iam_user_alice_decrypt", synthtest.Ref("aws_iam_user.alice", "name")},
		{kms.IamGroupGrantee(group), kms.AccessEncryptDecrypt, "aws_iam_group_policy", "key_grant_aws_iam_group_ops_encrypt_decrypt", synthtest.Ref("aws_iam_group.ops", "name")},
		{kms.RoleGrantee("legacy-role"), kms.AccessDecrypt, "aws_iam_role_policy", "key_grant_legacy-role_decrypt", "legacy-role"},
		{kms.ArnGrantee("arn:aws:iam::123456789012:user/team/bob"), kms.AccessDecrypt, "aws_iam_user_policy", "key_grant_user_bob_decrypt", "bob"},
		{kms.GroupGrantee("auditors"), kms.AccessDecrypt, "aws_iam_group_policy", "key_grant_group_auditors_decrypt", "auditors"},
	}
	for _, tc := range cases {
		g, err := k.Grant(tc.grantee, tc.access)
		if err != nil {
			t.Errorf("Grant(%v, %s): %v", tc.grantee, tc.access, err)
			continue
		}
		if g.Policy == nil || !strings.HasPrefix(g.PolicyName, "kms-"+*stack.Node().Id()+"-key-") {
			t.Errorf("Grant(%v): policy %v named %q", tc.grantee, g.Policy, g.PolicyName)
		}
	}
	doc := synthtest.Synth(t, stack)
	for _, tc := range cases {
		p := doc.Resource(t, tc.typ, tc.tf)
		arg := strings.TrimPrefix(strings.TrimSuffix(tc.typ, "_policy"), "aws_iam_")
		if p[arg] != tc.identity {
			t.Errorf("%s.%s %s = %v, want %v", tc.typ, tc.tf, arg, p[arg], tc.identity)
		}
		s := synthtest.JSONArg(t, p, "policy").(map[string]any)["Statement"].([]any)[0].(map[string]any)
		if s["Resource"] != synthtest.Ref("aws_kms_key.key", "arn") {
			t.Errorf("%s is not scoped to the key: %v", tc.tf, s)
		}
	}
	// A grantee in another account gets a key policy statement.
	g, err := k.GrantDecrypt(kms.RoleGrantee("arn:aws:iam::210987654321:role/auditor"))
	if err != nil || g.Policy != nil || g.KeyPolicySid == "" {
		t.Fatalf("cross-account grant = %+v, %v", g, err)
	}
	last := k.Policy().Statement[len(k.Policy().Statement)-1]
	if !reflect.DeepEqual(last.Principal["AWS"], kms.OneOrMany{"arn:aws:iam::210987654321:role/auditor"}) || last.Sid != g.KeyPolicySid {
		t.Errorf("key policy statement of the cross-account grant: %+v", last)
	}
}

func TestGrantLevelsFollowTheKeyUsage(t *testing.T) {
	stack := synthtest.NewStack(t)
	cfg := usageExample()
	cfg.KeyUsage, cfg.CustomerMasterKeySpec = "GENERATE_VERIFY_MAC", "HMAC_256"
	k := mustKey(t, stack, "mac", cfg)
	g, err := k.GrantGenerateMac(kms.RoleGrantee("signer"))
	if err != nil || !reflect.DeepEqual(g.Actions, []string{"kms:GenerateMac"}) {
		t.Errorf("GrantGenerateMac = %+v, %v", g, err)
	}
	for _, a := range []kms.Access{kms.AccessEncrypt, kms.AccessSign, kms.AccessDeriveSharedSecret} {
		if _, err := k.Grant(kms.RoleGrantee("signer"), a); err == nil || !strings.Contains(err.Error(), "does not fit the key") {
			t.Errorf("Grant(%s) on an HMAC key: %v", a, err)
		}
	}
	g, err = k.GrantActions(kms.RoleGrantee("auditor"), "kms:DescribeKey", "kms:GetKeyPolicy")
	if err != nil || !reflect.DeepEqual(g.Actions, []string{"kms:DescribeKey", "kms:GetKeyPolicy"}) {
		t.Errorf("GrantActions = %+v, %v", g, err)
	}
}

func TestAddAliasAndAddToResourcePolicyAfterConstruction(t *testing.T) {
	stack := synthtest.NewStack(t)
	k := mustKey(t, stack, "key", usageExample())
	if _, err := k.AddAlias("later"); err != nil {
		t.Fatal(err)
	}
	for alias, want := range map[string]string{
		"alias/later":   "already an alias of aws_kms_key.key",
		"aws/s3":        "reserved for AWS managed keys",
		"bad alias":     "letters, digits",
		"alias/aws/xyz": "reserved",
	} {
		if _, err := k.AddAlias(alias); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("AddAlias(%q) = %v, want %q", alias, err, want)
		}
	}
	other := usageExample()
	other.OutputPrefix = "other"
	k2 := mustKey(t, stack, "other", other)
	if _, err := k2.AddAlias("later"); err == nil || !strings.Contains(err.Error(), "alias alias/later in account 123456789012, region eu-west-1 is already created by aws_kms_key.key of stack") {
		t.Errorf("the same alias on another key: %v", err)
	}

	before := len(k.Policy().Statement)
	wildcard := kms.PolicyStatement{Effect: "Allow", Principal: map[string]kms.OneOrMany{"AWS": {"*"}}, Action: kms.OneOrMany{"kms:Decrypt"}, Resource: kms.OneOrMany{"*"}}
	if err := k.AddToResourcePolicy(wildcard); err == nil || !strings.Contains(err.Error(), "pins the caller") {
		t.Errorf("an unpinned wildcard statement: %v", err)
	}
	wildcard.Condition = map[string]map[string]any{"StringEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}
	if err := k.AddToResourcePolicy(wildcard); err != nil {
		t.Errorf("a wildcard pinned to an organization: %v", err)
	}
	if got := len(k.Policy().Statement); got != before+1 {
		t.Errorf("%d statements after one refused and one accepted addition, want %d", got, before+1)
	}
	doc := synthtest.Synth(t, stack)
	if got := doc.Output(t, "kms_alias_names")["value"]; !reflect.DeepEqual(got, []any{synthtest.Ref("aws_kms_alias.key_alias_later", "name")}) {
		t.Errorf("alias output = %v", got)
	}
	statements := synthtest.JSONArg(t, doc.Resource(t, "aws_kms_key", "key"), "policy").(map[string]any)["Statement"].([]any)
	if len(statements) != before+1 {
		t.Errorf("the synthesized policy has %d statements, want %d", len(statements), before+1)
	}
}

func TestKeysCreatedElsewhere(t *testing.T) {
	stack := synthtest.NewStack(t)
	role := newRole(stack, "app")
	byArn, err := kms.FromKeyArn(stack, "legacy", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	if err != nil {
		t.Fatal(err)
	}
	if *byArn.KeyId() != "1234abcd-12ab-34cd-56ef-1234567890ab" {
		t.Errorf("KeyId() = %s", *byArn.KeyId())
	}
	if _, err := byArn.GrantDecrypt(kms.IamRoleGrantee(role)); err != nil {
		t.Fatal(err)
	}
	// The inline policy lands in the account Terraform deploys to, which
	// need not be the key's: a literal ARN is held to it at plan.
	if _, err := byArn.GrantDecrypt(kms.RoleGrantee("arn:aws:iam::210987654321:role/x")); err != nil {
		t.Errorf("a grant on a key created elsewhere to a role of another account than the key's: %v", err)
	}
	if _, err := kms.FromKeyArn(stack, "bad", "arn:aws:kms:eu-west-1:123456789012:alias/x"); err == nil || !strings.Contains(err.Error(), "KMS key ARN") {
		t.Errorf("FromKeyArn with an alias ARN: %v", err)
	}
	byAlias, err := kms.FromAlias(stack, "shared", "shared-key")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := byAlias.GrantEncrypt(kms.IamRoleGrantee(role)); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	p := doc.Resource(t, "aws_iam_role_policy", "shared_grant_aws_iam_role_app_encrypt")
	if !strings.Contains(p["policy"].(string), synthtest.Ref("data.aws_kms_alias.shared", "target_key_arn")) {
		t.Errorf("the grant does not use the alias's target: %v", p["policy"])
	}
	p = doc.Resource(t, "aws_iam_role_policy", "legacy_grant_aws_iam_role_app_decrypt")
	if !strings.Contains(p["policy"].(string), "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab") {
		t.Errorf("the grant does not name the key's ARN: %v", p["policy"])
	}
	if p["lifecycle"] != nil {
		t.Errorf("a role of the stack needs no check of its account: %v", p["lifecycle"])
	}
	x := doc.Resource(t, "aws_iam_role_policy", "legacy_grant_x_decrypt")
	pre := x["lifecycle"].(map[string]any)["precondition"].([]any)[0].(map[string]any)
	if want := `${("210987654321" == data.aws_caller_identity.legacy_caller_identity.account_id)}`; pre["condition"] != want {
		t.Errorf("the literal ARN's precondition = %v, want %s", pre["condition"], want)
	}
	if msg := pre["error_message"].(string); !strings.Contains(msg, "arn:aws:iam::210987654321:role/x is in account 210987654321") {
		t.Errorf("the precondition's message: %s", msg)
	}
	if len(doc.Data("aws_caller_identity")) != 1 {
		t.Errorf("data.aws_caller_identity: %v, want one, for the key created elsewhere", doc.Data("aws_caller_identity"))
	}
}

func TestNamesAreUniqueAcrossTheStacksOfAnApp(t *testing.T) {
	app := synthtest.NewApp()
	a, b := synthtest.NewStackIn(t, app), synthtest.NewStackIn(t, app)
	cfg := usageExample()
	cfg.Aliases = []string{"shared-across-stacks"}
	cfg.Roles = []kms.RoleSpec{{Service: "lambda", Name: "Shared-Role"}}
	if _, err := kms.NewKmsKey(a, "key", cfg); err != nil {
		t.Fatal(err)
	}
	again := usageExample()
	again.Aliases = []string{"shared-across-stacks"}
	again.Roles = []kms.RoleSpec{{Service: "lambda", Name: "shared-role"}}
	_, err := kms.NewKmsKey(b, "key", again)
	for _, want := range []string{
		"alias alias/shared-across-stacks in account 123456789012, region eu-west-1 is already created by aws_kms_key.key of stack " + *a.Node().Id() + " in this app",
		"IAM role name shared-role in account 123456789012 is already created by aws_kms_key.key of stack " + *a.Node().Id() + " in this app",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("second stack: %v, want %q", err, want)
		}
	}
	// Another region or account is another namespace.
	elsewhere := usageExample()
	elsewhere.AwsRegion = "eu-central-1"
	elsewhere.AdditionalPrincipals = nil
	elsewhere.Aliases = []string{"shared-across-stacks"}
	if _, err := kms.NewKmsKey(b, "key", elsewhere); err != nil {
		t.Errorf("the same alias in another region: %v", err)
	}
}

// TestNewKmsKeyReportsEveryProblemAtOnce: a configuration problem, a name
// taken in the app and a policy finding come from one call.
func TestNewKmsKeyReportsEveryProblemAtOnce(t *testing.T) {
	app := synthtest.NewApp()
	a := synthtest.NewStackIn(t, app)
	mustKey(t, a, "kms", &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "a", Environment: "a", Aliases: []string{"shared"}})
	b := synthtest.NewStackIn(t, app)
	_, err := kms.NewKmsKey(b, "kms", &kms.KmsKeyConfig{AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "b", Environment: "b",
		Aliases:               []string{"shared"},
		AdditionalPrincipals:  []string{"arn:aws:iam::123456789012:user/*"},
		ExtraPolicyStatements: mustStatements(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:role/x"}, "Action": "kms:PutKeyPolicy", "Resource": "*"}`),
	})
	fields := map[string]bool{}
	for _, fe := range kms.FieldErrors(err) {
		fields[fe.Field] = true
	}
	for _, want := range []string{"Aliases[0]", "AdditionalPrincipals[0]", "ExtraPolicyStatements[0]"} {
		if !fields[want] {
			t.Errorf("no error on %s in one call: %v", want, err)
		}
	}
}

// TestAGrantToARoleOfAnotherStackLivesThere: granting a role of another
// stack that also uses the key puts the inline policy in the role's stack
// (as AWS CDK does), so that only that stack depends on the key's: the app
// synthesizes, where a policy in the key's stack naming the role made the
// two stacks depend on each other.
func TestAGrantToARoleOfAnotherStackLivesThere(t *testing.T) {
	app := synthtest.NewApp()
	keys := synthtest.NewStackIn(t, app)
	users := synthtest.NewStackIn(t, app)
	for _, s := range []cdktf.TerraformStack{keys, users} {
		provider.NewAwsProvider(s, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	}
	k := mustKey(t, keys, "key", usageExample())
	role := newRole(users, "reader")
	g, err := k.GrantDecrypt(kms.IamRoleGrantee(role))
	if err != nil {
		t.Fatal(err)
	}
	// The role's stack uses the key.
	cdktf.NewTerraformOutput(users, jsii.String("key_arn"), &cdktf.TerraformOutputConfig{Value: k.KeyArn()})
	if got := *cdktf.TerraformStack_Of(g.Policy).Node().Id(); got != *users.Node().Id() {
		t.Errorf("the grant's policy is in stack %s, want the role's stack %s", got, *users.Node().Id())
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("the app does not synthesize: %v", r)
			}
		}()
		app.Synth()
	}()
	doc := synthtest.Synth(t, users)
	p := doc.Resource(t, "aws_iam_role_policy", "key_grant_aws_iam_role_reader_decrypt")
	if p["role"] != synthtest.Ref("aws_iam_role.reader", "name") || p["name"] != "kms-"+*keys.Node().Id()+"-key-decrypt" {
		t.Errorf("policy %v", p)
	}
	if _, ok := synthtest.Synth(t, keys).Resources("aws_iam_role_policy")["key_grant_aws_iam_role_reader_decrypt"]; ok {
		t.Errorf("the key's stack holds the policy too")
	}
	// The same grant again is refused, whichever stack holds it.
	if _, err := k.GrantDecrypt(kms.IamRoleGrantee(role)); err == nil {
		t.Errorf("the same grant twice was accepted")
	}
}

// grantSigner is a consumer's function over any key: a constructed one or
// one created elsewhere.
func grantSigner(k kms.IKey, g kms.Grantee) (*kms.Grant, error) { return k.GrantSignVerify(g) }

// TestEveryKeyIsAnIKey: a function that takes kms.IKey works with a key the
// app creates and with one it refers to, and every grant helper exists on
// both (the interface says so at compile time; here they run).
func TestEveryKeyIsAnIKey(t *testing.T) {
	stack := synthtest.NewStack(t)
	role := newRole(stack, "signer")
	cfg := usageExample()
	cfg.CustomerMasterKeySpec, cfg.KeyUsage = "ECC_NIST_P256", "SIGN_VERIFY"
	made := mustKey(t, stack, "made", cfg)
	ref, err := kms.FromKeyArn(stack, "ref", "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []kms.IKey{made, ref} {
		g, err := grantSigner(k, kms.IamRoleGrantee(role))
		if err != nil || g.Access != kms.AccessSignVerify || len(k.Grants()) != 1 {
			t.Errorf("%s: GrantSignVerify = %+v, %v; grants %d", *k.Construct().Node().Id(), g, err, len(k.Grants()))
		}
	}
	// The zero Grantee names nobody.
	if _, err := made.GrantVerify(kms.Grantee{}); err == nil || !strings.Contains(err.Error(), "grantee: is required") {
		t.Errorf("the zero Grantee: %v", err)
	}
}
