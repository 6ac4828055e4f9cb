package kms

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// PolicyVersion is the IAM policy language version of every document the
// construct writes.
const PolicyVersion = "2012-10-17"

// MaxKeyPolicyBytes is AWS's limit on the size of a key policy document
// (32 KB), checked against the document as the construct renders it.
const MaxKeyPolicyBytes = policylint.MaxBytes

// Worst cases the size check assumes for a reference, whose value is known
// only at apply: a principal is at most an IAM ARN with the longest
// partition, a 512-character path and a 64-character name; any other value
// is at most 2048 bytes, the longest ARN AWS accepts in a key policy.
const (
	maxPrincipalReferenceBytes = len("arn:aws-iso-b:iam::123456789012:role") + 512 + 64
	maxReferenceBytes          = 2048
)

// actionAllKMS is the action of the account-root statement: it gives the
// account full control of the key and lets IAM policies in the account grant
// access to it (AWS's default key policy).
const actionAllKMS = "kms:*"

// keyUsageActions are the actions the original module grants to CloudWatch
// Logs and to every additional principal, in the module's order: use the key
// for cryptographic operations and describe it, but never manage it.
var keyUsageActions = []string{
	"kms:Encrypt",
	"kms:Decrypt",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
	"kms:GenerateDataKey*",
	"kms:DescribeKey",
}

// keyAdministratorActions are the actions of the key administrators
// statement of AWS's default key policy (AWS KMS Developer Guide, "Default
// key policy", "Allows key administrators to administer the KMS key"), plus
// kms:RotateKeyOnDemand, which the console adds since 2024: manage the key,
// its policy, grants, aliases, tags, rotation and deletion, but no
// cryptographic operation.
var keyAdministratorActions = []string{
	"kms:Create*",
	"kms:Describe*",
	"kms:Enable*",
	"kms:List*",
	"kms:Put*",
	"kms:Update*",
	"kms:Revoke*",
	"kms:Disable*",
	"kms:Get*",
	"kms:Delete*",
	"kms:TagResource",
	"kms:UntagResource",
	"kms:ScheduleKeyDeletion",
	"kms:CancelKeyDeletion",
	"kms:RotateKeyOnDemand",
}

// multiRegionAdministratorActions are what administrators of a multi-Region
// key also need (AWS KMS Developer Guide, "Controlling access to
// multi-Region keys"): kms:Update* already covers kms:UpdatePrimaryRegion,
// which is listed anyway so that the statement says it.
var multiRegionAdministratorActions = []string{
	"kms:ReplicateKey",
	"kms:UpdatePrimaryRegion",
}

// KeyAdministratorActions returns the actions KeyAdministrators get (a
// fresh copy each call) for a key that is not multi-Region.
func KeyAdministratorActions() []string { return append([]string(nil), keyAdministratorActions...) }

// administratorActions returns the administrators' actions for this key.
func (c *KmsKeyConfig) administratorActions() []string {
	actions := KeyAdministratorActions()
	if c.MultiRegion {
		actions = append(actions, multiRegionAdministratorActions...)
	}
	return actions
}

// Sids of the statements the construct adds beyond the original module
// (whose statements have none). They are stable: tools and people refer to
// them.
const (
	SidServicePrincipals                  = "AllowAWSServicesToUseTheKey"
	SidKeyAdministrators                  = "AllowKeyAdministration"
	SidKeyUsers                           = "KeyUsers"
	SidKeySymmetricEncryptionUsers        = "KeySymmetricEncryptionUsers"
	SidKeyAsymmetricPublicEncryptionUsers = "KeyAsymmetricPublicEncryptionUsers"
	SidKeyAsymmetricSignVerifyUsers       = "KeyAsymmetricSignVerifyUsers"
	SidKeyHmacUsers                       = "KeyHmacUsers"
	SidKeyServiceUsers                    = "KeyServiceUsers"
	SidKeyServiceRolesForAutoscaling      = "KeyServiceRolesForAutoscaling"
	SidKeyServiceRolesForAutoscalingGrant = "KeyServiceRolesForAutoscalingGrants"
)

// KeyUsageActions returns the actions that CloudWatch Logs and the additional
// principals get on the key (a fresh copy each call).
func KeyUsageActions() []string { return append([]string(nil), keyUsageActions...) }

// PolicyDocument is an IAM policy document. Fields are declared in
// alphabetical order so that json.Marshal gives the same bytes as Terraform's
// jsonencode of the same object.
type PolicyDocument struct {
	Statement []PolicyStatement `json:"Statement"`
	Version   string            `json:"Version"`
}

// render marshals a policy document compactly, as jsonencode does.
func (d PolicyDocument) render() string { return mustJSON(d) }

// Render returns the document as the key policy AWS receives (references
// still as cdktf tokens).
func (d PolicyDocument) Render() string { return d.render() }

// statementSource names the configuration a key policy statement comes
// from, so that a finding of the linter names the field to fix.
type statementSource struct {
	field field
	// principals are the principals of a list field, by position, so that a
	// finding about one principal names its index.
	principals []string
}

// builtPolicy is a rendered key policy with where each statement comes
// from.
type builtPolicy struct {
	doc     PolicyDocument
	sources []statementSource
}

func (b *builtPolicy) add(s PolicyStatement, src statementSource) {
	b.doc.Statement = append(b.doc.Statement, s)
	b.sources = append(b.sources, src)
}

// usageStatement allows one principal the key usage actions on the key.
func usageStatement(principalType, principal string) PolicyStatement {
	return PolicyStatement{
		Effect:    "Allow",
		Principal: map[string]OneOrMany{principalType: {principal}},
		Action:    OneOrMany(KeyUsageActions()),
		Resource:  OneOrMany{"*"},
	}
}

// listStatement allows a list of principals some actions, under a Sid.
func listStatement(sid, principalType string, principals []string, actions []string) PolicyStatement {
	return PolicyStatement{
		Sid:       sid,
		Effect:    "Allow",
		Principal: map[string]OneOrMany{principalType: append(OneOrMany(nil), principals...)},
		Action:    OneOrMany(append([]string(nil), actions...)),
		Resource:  OneOrMany{"*"},
	}
}

// logsStatement is the original module's CloudWatch Logs statement for a
// region, limited to the account's log groups with RestrictCloudWatchLogs.
func (c *KmsKeyConfig) logsStatement(partition, region string) PolicyStatement {
	s := usageStatement("Service", LogsServicePrincipal(region))
	if c.RestrictCloudWatchLogs {
		s.Condition = map[string]map[string]any{
			"ArnLike": {"kms:EncryptionContext:aws:logs:arn": fmt.Sprintf("arn:%s:logs:%s:%s:log-group:*", partition, region, c.AwsAccountId)},
		}
	}
	return s
}

// buildPolicy builds the key policy of a validated configuration for a
// region (the key's, or a replica's): the original module's statements,
// then the service principals, the key administrators, the key users, the
// service users and the extra statements, each only when configured; then
// what was added after construction (extra). (The alarm topic has a key of
// its own: see addAlarmKey.)
func (c *KmsKeyConfig) buildPolicy(partition, region string, extra []addedStatement) builtPolicy {
	var b builtPolicy
	b.doc.Version = PolicyVersion
	b.add(PolicyStatement{
		Effect:    "Allow",
		Principal: map[string]OneOrMany{"AWS": {iam.RootArn(partition, c.AwsAccountId)}},
		Action:    OneOrMany{actionAllKMS},
		Resource:  OneOrMany{"*"},
	}, statementSource{field: field{"AwsAccountId", "aws_account_id"}})
	b.add(c.logsStatement(partition, region), statementSource{field: field{"AwsRegion", "aws_region"}})
	for i, p := range c.AdditionalPrincipals {
		b.add(usageStatement("AWS", p), statementSource{field: fAdditionalPrincipals.index(i)})
	}
	if generic := c.genericServicePrincipals(); len(generic) > 0 {
		s := listStatement(SidServicePrincipals, "Service", generic, c.serviceActions())
		s.Condition = c.servicePrincipalConditions()
		b.add(s, statementSource{field: fServicePrincipals, principals: c.ServicePrincipals})
	}
	for _, sp := range c.ServicePrincipals {
		if preset, ok := presetOf(sp); ok {
			for _, s := range preset.statements(c, partition) {
				b.add(s, statementSource{field: fServicePrincipals, principals: c.ServicePrincipals})
			}
		}
	}
	if len(c.KeyAdministrators) > 0 {
		b.add(listStatement(SidKeyAdministrators, "AWS", c.KeyAdministrators, c.administratorActions()),
			statementSource{field: fKeyAdministrators, principals: c.KeyAdministrators})
	}
	for _, l := range c.userLists() {
		if len(l.principals) > 0 {
			b.add(listStatement(l.sid, "AWS", l.principals, l.actions),
				statementSource{field: l.field, principals: l.principals})
		}
	}
	if len(c.KeyServiceUsers) > 0 {
		s := listStatement(SidKeyServiceUsers, "AWS", c.KeyServiceUsers, serviceUserActions)
		s.Condition = grantForAWSResource()
		b.add(s, statementSource{field: fKeyServiceUsers, principals: c.KeyServiceUsers})
	}
	if r := c.KeyServiceRolesForAutoscaling; len(r) > 0 {
		b.add(listStatement(SidKeyServiceRolesForAutoscaling, "AWS", r, autoscalingUsageActions),
			statementSource{field: fAutoscaling, principals: r})
		s := listStatement(SidKeyServiceRolesForAutoscalingGrant, "AWS", r, []string{"kms:CreateGrant"})
		s.Condition = grantForAWSResource()
		b.add(s, statementSource{field: fAutoscaling, principals: r})
	}
	for i, s := range c.ExtraPolicyStatements {
		b.add(s, statementSource{field: fExtraStatements.index(i)})
	}
	for _, a := range extra {
		b.add(a.statement, a.source)
	}
	return b
}

// addedStatement is a statement added after construction (a grant to
// another account, AddToResourcePolicy).
type addedStatement struct {
	statement PolicyStatement
	source    statementSource
}

// grantForAWSResource is the condition that limits grant operations to
// grants that AWS services create for AWS resources.
func grantForAWSResource() map[string]map[string]any {
	return map[string]map[string]any{"Bool": {"kms:GrantIsForAWSResource": "true"}}
}

// serviceUserActions are what KeyServiceUsers get, only for AWS resources
// (terraform-aws-modules/kms's key_service_users, AWS KMS Developer Guide
// "Allows use of the KMS key with AWS services").
var serviceUserActions = []string{"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}

// autoscalingUsageActions are what the EC2 Auto Scaling service-linked role
// needs to use the key for EBS volumes (Amazon EC2 Auto Scaling User Guide,
// "Required AWS KMS key policy for use with encrypted volumes").
var autoscalingUsageActions = []string{
	"kms:Encrypt",
	"kms:Decrypt",
	"kms:ReEncrypt*",
	"kms:GenerateDataKey*",
	"kms:DescribeKey",
}

// policyFor renders and lints the key policy for a region; on problems it
// returns them, each naming the field its statement comes from.
func (c *KmsKeyConfig) policyFor(partition, region string, extra []addedStatement, p *problems) string {
	b := c.buildPolicy(partition, region, extra)
	rendered := b.doc.render()
	size := estimatedSize(b.doc, rendered)
	if size > MaxKeyPolicyBytes {
		f, msg := c.sizeProblem(partition, region, extra, b, size)
		p.add(f, nil, "%s", msg)
		return ""
	}
	ctx := c.lintContext(partition)
	before := len(*p)
	for _, f := range policylint.Lint(rendered, ctx) {
		p.add(b.fieldOf(f), nil, "%s", f)
	}
	if len(*p) > before {
		return ""
	}
	return rendered
}

// fieldOf names the configuration field a linter finding is about.
func (b builtPolicy) fieldOf(f policylint.Finding) field {
	if f.Statement < 1 || f.Statement > len(b.sources) {
		return fKeyPolicy
	}
	src := b.sources[f.Statement-1]
	for i, p := range src.principals {
		if p == f.Principal {
			return src.field.index(i)
		}
	}
	return src.field
}

// estimatedSize is the policy's size once Terraform has filled in its
// references, at their worst case.
//
// A whole list reference counts as one value of its kind: how many
// elements it has is known only at apply (AWS refuses a policy over 32 KB
// then).
func estimatedSize(doc PolicyDocument, rendered string) int {
	size := len(rendered)
	count := func(v string, worst int) {
		if tftemplate.IsListToken(v) {
			size += worst - len(v)
			return
		}
		for _, m := range tftemplate.Markers(v) {
			size += worst - len(m)
		}
	}
	for _, s := range doc.Statement {
		for _, values := range s.Principal {
			for _, v := range values {
				count(v, maxPrincipalReferenceBytes)
			}
		}
		for _, keys := range s.Condition {
			for _, v := range keys {
				values, _ := conditionStrings(v)
				for _, s := range values {
					count(s, maxReferenceBytes)
				}
			}
		}
	}
	return size
}

// principalLists are the configuration's lists of principals, each with
// its field, as pointers into c (so that a trial can shorten one).
func (c *KmsKeyConfig) principalLists() []struct {
	f    field
	list *[]string
} {
	type entry = struct {
		f    field
		list *[]string
	}
	return []entry{
		{fAdditionalPrincipals, &c.AdditionalPrincipals},
		{fServicePrincipals, &c.ServicePrincipals},
		{fKeyAdministrators, &c.KeyAdministrators},
		{field{"KeyUsers", "key_users"}, &c.KeyUsers},
		{field{"KeySymmetricEncryptionUsers", "key_symmetric_encryption_users"}, &c.KeySymmetricEncryptionUsers},
		{field{"KeyAsymmetricPublicEncryptionUsers", "key_asymmetric_public_encryption_users"}, &c.KeyAsymmetricPublicEncryptionUsers},
		{field{"KeyAsymmetricSignVerifyUsers", "key_asymmetric_sign_verify_users"}, &c.KeyAsymmetricSignVerifyUsers},
		{field{"KeyHmacUsers", "key_hmac_users"}, &c.KeyHmacUsers},
		{fKeyServiceUsers, &c.KeyServiceUsers},
		{fAutoscaling, &c.KeyServiceRolesForAutoscaling},
	}
}

// baseField strips the index from a field: additional_principals[3] is
// part of additional_principals.
func baseField(f field) field {
	if i := strings.IndexByte(f.goName, '['); i >= 0 {
		f.goName = f.goName[:i]
	}
	if i := strings.IndexByte(f.key, '['); i >= 0 {
		f.key = f.key[:i]
	}
	return f
}

// sizeProblem names the fields that make the policy too large, how many
// bytes each adds, and what would fit: the problem is the largest
// contributor's, and the message says how many of its principals fit with
// everything else unchanged.
func (c *KmsKeyConfig) sizeProblem(partition, region string, extra []addedStatement, b builtPolicy, size int) (field, string) {
	type share struct {
		f          field
		bytes, n   int
		statements int
	}
	var shares []*share
	byKey := map[string]*share{}
	for i, st := range b.doc.Statement {
		f := baseField(b.sources[i].field)
		if f.key == "aws_account_id" || f.key == "aws_region" {
			f = field{"original statements", "the original module's statements"}
		}
		sh, ok := byKey[f.key]
		if !ok {
			sh = &share{f: f}
			byKey[f.key] = sh
			shares = append(shares, sh)
		}
		one := PolicyDocument{Statement: []PolicyStatement{st}}
		sh.bytes += estimatedSize(one, one.render()) - len(`{"Statement":[],"Version":""}`) + 1 // and its comma
		sh.statements++
		for _, values := range st.Principal {
			sh.n += len(values)
		}
	}
	sort.SliceStable(shares, func(i, j int) bool { return shares[i].bytes > shares[j].bytes })
	var parts []string
	for _, sh := range shares {
		parts = append(parts, fmt.Sprintf("%s %d bytes (%d principals)", sh.f.key, sh.bytes, sh.n))
	}
	largest := shares[0]
	over := size - MaxKeyPolicyBytes
	fit := ""
	for _, l := range c.principalLists() {
		if l.f.key != largest.f.key {
			continue
		}
		all := *l.list
		// The most principals of the list that fit, the rest unchanged.
		n := sort.Search(len(all)+1, func(n int) bool {
			trial := *c
			for _, t := range trial.principalLists() {
				if t.f.key == l.f.key {
					*t.list = all[:n]
				}
			}
			d := trial.buildPolicy(partition, region, extra).doc
			return estimatedSize(d, d.render()) > MaxKeyPolicyBytes
		}) - 1
		fit = fmt.Sprintf("; %d of the %d principals of %s fit with everything else unchanged (grant the rest through IAM policies or a role they can assume)", max(n, 0), len(all), l.f.key)
	}
	return largest.f, fmt.Sprintf("the key policy would be %d bytes, %d over AWS's limit of %d bytes (references counted at %d bytes for a principal, %d for other values): %s%s",
		size, over, MaxKeyPolicyBytes, maxPrincipalReferenceBytes, maxReferenceBytes, strings.Join(parts, ", "), fit)
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshaling a policy built from strings: %v", err))
	}
	return string(b)
}
