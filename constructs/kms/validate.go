package kms

import (
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// Limits of the names built from NamePrefix and Environment.
const (
	// maxNamePrefixLen keeps the Name tag "<prefix>-general-encryption-key"
	// within AWS's 256-character limit on tag values.
	maxNamePrefixLen = 256 - len("-general-encryption-key")
	// maxEnvironmentLen keeps stack names (kms-<env>) and the names derived
	// from the environment short.
	maxEnvironmentLen = 64
)

// The fields that several checks name.
var (
	fAdditionalPrincipals = field{"AdditionalPrincipals", "additional_principals"}
	fServicePrincipals    = field{"ServicePrincipals", "service_principals"}
	fKeyAdministrators    = field{"KeyAdministrators", "key_administrators"}
	fKeyServiceUsers      = field{"KeyServiceUsers", "key_service_users"}
	fAutoscaling          = field{"KeyServiceRolesForAutoscaling", "key_service_roles_for_autoscaling"}
	fExtraStatements      = field{"ExtraPolicyStatements", "extra_policy_statements"}
	fTrustedAccounts      = field{"TrustedAccountIds", "trusted_account_ids"}
	fKeyPolicy            = field{"KeyPolicy", "key_policy"}
)

// namePattern is the intersection of what AWS allows in tag values, alias
// names and IAM role names, where prefix and environment end up.
var namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// Validate checks a configuration without creating anything and returns
// every problem found, joined; nil means NewKmsKey will accept it (unless a
// name it creates is already taken in the app). Validate makes no call into
// the jsii runtime; the runtime's Go bindings, though, unpack it into a
// jsii-runtime.* folder of the temp directory as soon as a program imports
// them (aws/jsii#700), and only jsii.Close removes that folder: a program
// that validates without synthesizing runs through synth.Run, or defers
// jsii.Close.
func (c *KmsKeyConfig) Validate() error {
	_, err := c.validate()
	return err
}

// validated is what validation computed and construction reuses.
type validated struct {
	partition string
	policy    string
	replicas  map[string]string // replica region -> rendered policy
}

// validate checks the configuration and renders the key policies, so that
// NewKmsKey renders them once.
func (c *KmsKeyConfig) validate() (validated, error) {
	if c == nil {
		return validated{}, &FieldError{Field: "KmsKeyConfig", Key: "environment", Rule: "a configuration is required"}
	}
	var p problems
	v := validated{partition: c.validateBasics(&p)}
	// The policy is rendered and linted even when fields have problems, so
	// that one run reports everything; a finding about a field that
	// already has one only repeats it.
	var lint problems
	rendered := c.renderPolicies(v.partition, nil, &lint)
	if len(p) == 0 {
		return rendered, lint.err()
	}
	return v, p.withNew(lint, "aws_account_id", "aws_region").err()
}

// renderPolicies renders and lints the key's policy and each replica's.
func (c *KmsKeyConfig) renderPolicies(partition string, extra []addedStatement, p *problems) validated {
	v := validated{partition: partition}
	v.policy = c.policyFor(partition, c.AwsRegion, extra, p)
	if len(c.ReplicaRegions) > 0 {
		v.replicas = map[string]string{}
		for _, region := range c.ReplicaRegions {
			// The replicas' policies differ only in the Logs principal; a
			// problem in one is a problem in all, so report the first.
			var rp problems
			v.replicas[region] = c.policyFor(partition, region, extra, &rp)
			if len(rp) > 0 && len(*p) == 0 {
				*p = append(*p, rp...)
			}
		}
	}
	return v
}

// validateBasics checks each field on its own and returns the key's
// partition ("" when the region is not valid).
func (c *KmsKeyConfig) validateBasics(p *problems) string {
	if !iam.IsAccountID(c.AwsAccountId) {
		p.add(field{"AwsAccountId", "aws_account_id"}, c.AwsAccountId, "must be exactly 12 digits")
	}
	partition, ok := PartitionOf(c.AwsRegion)
	if !ok {
		p.add(field{"AwsRegion", "aws_region"}, c.AwsRegion,
			"must be an AWS region name such as eu-west-1 or us-gov-west-1: <prefix>-<direction>-<number>, prefix one of %s", knownRegionPrefixes())
	}

	validateName(p, field{"NamePrefix", "name_prefix"}, c.NamePrefix, maxNamePrefixLen)
	validateName(p, field{"Environment", "environment"}, c.Environment, maxEnvironmentLen)

	validatePrincipals(p, fAdditionalPrincipals, c.AdditionalPrincipals, partition)

	if c.OutputPrefix != "" && !terraformNamePattern.MatchString(c.OutputPrefix) {
		p.add(field{"OutputPrefix", "output_prefix"}, c.OutputPrefix,
			"must start a Terraform name: a letter or _ first, then letters, digits, _ or -")
	}

	c.validateAliases(p)
	c.validateKeyOptions(p)
	c.validateKeyType(p, partition)
	c.validateReplicas(p, partition)
	c.validateTags(p)
	c.validatePrincipalLists(p, partition)
	c.validateTrustedAccounts(p)
	c.validateTrustedServices(p, partition)
	c.validateMigration(p, partition)
	c.validateExtraStatements(p)
	c.validateRoles(p, partition)
	c.validateProviderRules(p, partition)
	c.validateMonitoring(p, partition)
	c.validateKmsGrants(p, partition)
	c.validateServiceLinkedRoles(p, partition)
	return partition
}

// validateKeyOptions checks the description (which takes a reference:
// then the literal text around it counts) and the deletion window.
func (c *KmsKeyConfig) validateKeyOptions(p *problems) {
	f := field{"Description", "description"}
	if n := len(tftemplate.ReplaceMarkers(c.Description, func(string) string { return "" })); n > 8192 {
		p.add(f, nil, "is %d characters long; at most 8192 are allowed", n)
	} else if msg := literalProblem(c.Description); msg != "" {
		p.add(f, c.Description, "%s", msg)
	}
	if d := c.DeletionWindowInDays; d != 0 && (d < 7 || d > 30) {
		p.add(field{"DeletionWindowInDays", "deletion_window_in_days"}, d, "must be 7 to 30 days")
	}
}

// validateLiteral checks that a literal string can reach AWS unchanged.
func validateLiteral(p *problems, f field, s string) bool {
	if tftemplate.IsUnresolved(s) {
		p.add(f, s, "holds a cdktf token, but this field takes a literal (a reference is not known when the construct needs the value)")
		return false
	}
	if msg := literalProblem(s); msg != "" {
		p.add(f, s, "%s", msg)
		return false
	}
	return true
}

// tagPattern is what AWS allows in tag keys and values.
var tagPattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)

// validateTags checks the key's extra tags.
func (c *KmsKeyConfig) validateTags(p *problems) {
	f := field{"Tags", "tags"}
	for _, k := range []string{"Name", "Environment"} {
		if v, set := c.Tags[k]; set && !c.OverrideStandardTags {
			p.add(f.sub(k, k), v, "would replace the construct's %s tag; set override_standard_tags (OverrideStandardTags) to do that on purpose", k)
		}
	}
	validateTagMap(p, f, c.Tags, true)
}

// validateTagMap checks tag keys and values as AWS does, and the count of
// tags (with the key's Name and Environment when forKey).
func validateTagMap(p *problems, f field, tags map[string]string, forKey bool) {
	keys := make([]string, 0, len(tags))
	for k := range tags {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	total := 0
	if forKey {
		total = 2
	}
	for _, k := range keys {
		v := tags[k]
		fk := f.sub(k, k)
		if tftemplate.IsUnresolved(v) && !tftemplate.IsUnresolved(k) {
			// A reference: its value is checked by AWS at apply.
			if msg := literalProblem(v); msg != "" {
				p.add(fk, v, "%s", msg)
			}
			v = ""
		}
		switch {
		case k == "" || len([]rune(k)) > 128:
			p.add(fk, k, "tag keys are 1 to 128 characters")
		case strings.HasPrefix(strings.ToLower(k), "aws:"):
			p.add(fk, k, "tag keys starting with aws: are reserved for AWS")
		case !tagPattern.MatchString(k):
			p.add(fk, k, "tag keys may hold letters, digits, spaces and _ . : / = + - @")
		case len([]rune(v)) > 256:
			p.add(fk, v, "tag values are at most 256 characters")
		case !tagPattern.MatchString(v):
			p.add(fk, v, "tag values may hold letters, digits, spaces and _ . : / = + - @")
		case !tftemplate.IsNFC(k) || !tftemplate.IsNFC(v):
			p.add(fk, v, "%s", tftemplate.Problem(k+v))
		}
		if !forKey || (k != "Name" && k != "Environment") {
			total++
		}
	}
	if total > 50 {
		p.add(f, nil, "%d tags in all; AWS allows at most 50 per resource", total)
	}
}

// validatePrincipalLists checks service principals, their conditions, and
// every list of IAM principals.
func (c *KmsKeyConfig) validatePrincipalLists(p *problems, partition string) {
	validateEach(p, fServicePrincipals, c.ServicePrincipals, literalsOnly,
		func(sp string) string { return policylint.ServicePrincipalProblem(sp, partition) })
	c.validateSourceConditions(p, partition)
	c.validatePresets(p)
	validatePrincipals(p, fKeyAdministrators, c.KeyAdministrators, partition)
	for _, l := range c.userLists() {
		validatePrincipals(p, l.field, l.principals, partition)
		if len(l.principals) > 0 && l.actions == nil {
			p.add(l.field, nil, "%s", l.unfit)
		}
	}
	validatePrincipals(p, fKeyServiceUsers, c.KeyServiceUsers, partition)
	validatePrincipals(p, fAutoscaling, c.KeyServiceRolesForAutoscaling, partition)
	for i, r := range c.KeyServiceRolesForAutoscaling {
		if pr, msg := iam.ParsePrincipal(r, partition); msg == "" && (pr.Kind != "role" || pr.Path != "/aws-service-role/autoscaling.amazonaws.com/") {
			p.add(fAutoscaling.index(i), r, "must be an EC2 Auto Scaling service-linked role: arn:%s:iam::<account>:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling[_suffix]", partition)
		}
	}
}

// validatePrincipals checks a list of IAM or STS principals that takes
// references.
func validatePrincipals(p *problems, f field, values []string, partition string) {
	validateEach(p, f, values, listRefs, func(arn string) string {
		_, msg := iam.ParsePrincipal(arn, partition)
		return msg
	})
}

// What a list field takes besides literals.
type refs int

const (
	literalsOnly refs = iota // no references
	stringRefs               // string references (cdktf tokens)
	listRefs                 // string references and whole list references
)

// validateEach checks every entry of a list with validateReference (or,
// without references, refuses tokens) and refuses duplicates, naming the
// entry by its index. A whole list reference is an entry only where the
// field takes one (listRefs); elsewhere literalProblem says how to take one
// element.
func validateEach(p *problems, f field, values []string, takes refs, problem func(string) string) {
	seen := map[string]int{}
	for i, v := range values {
		fi := f.index(i)
		if j, dup := seen[v]; dup {
			p.add(fi, v, "duplicates %s[%d]; list each entry once", f.key, j)
			continue
		}
		seen[v] = i
		if takes == literalsOnly && tftemplate.IsReference(v) {
			p.add(fi, v, "holds a cdktf token, but this field takes a literal")
			continue
		}
		if takes == listRefs && tftemplate.IsListToken(v) {
			// A whole list reference: its elements are known at apply.
			continue
		}
		validateReference(p, fi, v, problem)
	}
}

// validateReference checks a value that may be a reference: a reference
// (a cdktf token) skips problem, since its value is not known yet; a
// literal must reach AWS unchanged and pass problem.
func validateReference(p *problems, f field, v string, problem func(string) string) {
	if msg := literalProblem(v); msg != "" {
		p.add(f, v, "%s", msg)
		return
	}
	if tftemplate.IsUnresolved(v) {
		return
	}
	if msg := problem(v); msg != "" {
		p.add(f, v, "%s", msg)
	}
}

func validateName(p *problems, f field, value string, maxLen int) {
	switch {
	case value == "":
		p.add(f, value, "required: 1 to %d letters, digits, - or _", maxLen)
	case len(value) > maxLen:
		p.add(f, value, "is %d characters long; at most %d are allowed", len(value), maxLen)
	case !namePattern.MatchString(value):
		p.add(f, value, "may contain only letters, digits, - and _, and must start with a letter or digit (it ends up in tag values, alias names and IAM role names)")
	}
}

// validateTrustedServices checks the trusted service principals.
func (c *KmsKeyConfig) validateTrustedServices(p *problems, partition string) {
	validateEach(p, field{"TrustedServicePrincipals", "trusted_service_principals"}, c.TrustedServicePrincipals, literalsOnly,
		func(sp string) string { return policylint.ServicePrincipalProblem(sp, partition) })
}

// lintContext is what the linter and the reach rule know of the key.
func (c *KmsKeyConfig) lintContext(partition string) policylint.Context {
	return policylint.Context{Partition: partition, Account: c.AwsAccountId, TrustedAccounts: c.TrustedAccountIds,
		TrustedServices: c.EffectiveTrustedServicePrincipals()}
}

// validateTrustedAccounts checks the trusted accounts.
func (c *KmsKeyConfig) validateTrustedAccounts(p *problems) {
	validateEach(p, fTrustedAccounts, c.TrustedAccountIds, literalsOnly, func(a string) string {
		switch {
		case !iam.IsAccountID(a):
			return "must be a 12-digit account id"
		case a == c.AwsAccountId:
			return "is the key's own account, which is always trusted"
		}
		return ""
	})
}

// trusted says whether an account may get more than the usage actions.
func (c *KmsKeyConfig) trusted(account string) bool {
	return account == c.AwsAccountId || slices.Contains(c.TrustedAccountIds, account)
}

// untrustedMessage tells how to opt in to another account.
func untrustedMessage(account, what string) string {
	return fmt.Sprintf("is in account %s, which may not %s unless it is trusted: list %s in trusted_account_ids (TrustedAccountIds)", account, what, account)
}

// validateExtraStatements checks the extra statements' shape; the linter
// checks the rest with the whole policy. reserved holds the Sids the
// construct's own statements use.
func (c *KmsKeyConfig) validateExtraStatements(p *problems) {
	sids := map[string]string{}
	for _, sid := range reservedSids {
		sids[sid] = "a statement of the construct"
	}
	for i, s := range c.ExtraPolicyStatements {
		fi := fExtraStatements.index(i)
		for _, msg := range statementProblems(s) {
			p.add(fi, nil, "%s", msg)
		}
		if s.Sid != "" {
			if other, dup := sids[s.Sid]; dup {
				p.add(fi, nil, "Sid %q is already used by %s; Sids must be unique", s.Sid, other)
			}
			sids[s.Sid] = fmt.Sprintf("extra_policy_statements[%d]", i)
		}
	}
}

// reservedSids are the Sids of the construct's own statements.
var reservedSids = []string{
	SidServicePrincipals, SidKeyAdministrators, SidCloudWatchAlarms, SidKeyUsers,
	SidKeySymmetricEncryptionUsers, SidKeyAsymmetricPublicEncryptionUsers, SidKeyAsymmetricSignVerifyUsers,
	SidKeyHmacUsers, SidKeyServiceUsers, SidKeyServiceRolesForAutoscaling, SidKeyServiceRolesForAutoscalingGrant,
}
