package kms

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
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

var (
	accountIDPattern = regexp.MustCompile(`^[0-9]{12}$`)
	// namePattern is the intersection of what AWS allows in tag values,
	// alias names and IAM role names, where prefix and environment end up.
	namePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)
	// IAM names: roles and users, and STS session names.
	iamNamePattern = `[A-Za-z0-9_+=,.@-]{1,64}`
	// IAM paths: "/" or "/a/b/", printable ASCII.
	iamPathPattern     = `(?:/[!-~]*)?/`
	iamResourcePattern = regexp.MustCompile(
		`^(?:root|(?:role|user)` + iamPathPattern + iamNamePattern + `)$`)
	stsResourcePattern = regexp.MustCompile(
		`^assumed-role/` + iamNamePattern + `/[A-Za-z0-9_+=,.@-]{2,64}$`)
)

// Validate checks a configuration without creating anything and returns
// every problem found, joined; nil means NewKmsKey will accept it.
func (c *KmsKeyConfig) Validate() error {
	_, err := c.validate()
	return err
}

// validate checks the configuration and returns the rendered key policy,
// so that NewKmsKey renders it once.
func (c *KmsKeyConfig) validate() (policy string, err error) {
	if c == nil {
		return "", &FieldError{Field: "KmsKeyConfig", Key: "environment", Rule: "a configuration is required"}
	}
	var p problems
	partition := c.validateBasics(&p)
	if len(p) == 0 {
		policy = c.validatePolicySize(&p, partition)
	}
	return policy, p.err()
}

// validateBasics checks each field on its own and returns the key's
// partition ("" when the region is not valid).
func (c *KmsKeyConfig) validateBasics(p *problems) string {
	fAccount := field{"AwsAccountId", "aws_account_id"}
	if !accountIDPattern.MatchString(c.AwsAccountId) {
		p.add(fAccount, c.AwsAccountId, "must be exactly 12 digits")
	}

	partition, ok := PartitionOf(c.AwsRegion)
	if !ok {
		p.add(field{"AwsRegion", "aws_region"}, c.AwsRegion,
			"must be an AWS region name such as eu-west-1 or us-gov-west-1: <prefix>-<direction>-<number>, prefix one of %s", knownRegionPrefixes())
	}

	validateName(p, field{"NamePrefix", "name_prefix"}, c.NamePrefix, maxNamePrefixLen)
	validateName(p, field{"Environment", "environment"}, c.Environment, maxEnvironmentLen)

	validateEach(p, field{"AdditionalPrincipals", "additional_principals"}, c.AdditionalPrincipals,
		func(arn string) string { return principalProblem(arn, partition) })

	if c.OutputPrefix != "" && !terraformNamePattern.MatchString(c.OutputPrefix) {
		p.add(field{"OutputPrefix", "output_prefix"}, c.OutputPrefix,
			"must start a Terraform name: a letter or _ first, then letters, digits, _ or -")
	}

	c.validateAliases(p)
	c.validateKeyOptions(p)
	c.validateKeyType(p, partition)
	c.validateTags(p)
	c.validatePrincipalLists(p, partition)
	c.validateMigration(p, partition)
	c.validateExtraStatements(p, partition)
	c.validateRoles(p, partition)
	c.validateMonitoring(p, partition)
	return partition
}

// validateKeyOptions checks the description and the deletion window.
func (c *KmsKeyConfig) validateKeyOptions(p *problems) {
	if len(c.Description) > 8192 {
		p.add(field{"Description", "description"}, nil, "is %d characters long; at most 8192 are allowed", len(c.Description))
	}
	if d := c.DeletionWindowInDays; d != 0 && (d < 7 || d > 30) {
		p.add(field{"DeletionWindowInDays", "deletion_window_in_days"}, d, "must be 7 to 30 days")
	}
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
		}
		if !forKey || (k != "Name" && k != "Environment") {
			total++
		}
	}
	if total > 50 {
		p.add(f, nil, "%d tags in all; AWS allows at most 50 per resource", total)
	}
}

// validatePrincipalLists checks service principals and key administrators.
func (c *KmsKeyConfig) validatePrincipalLists(p *problems, partition string) {
	validateEach(p, field{"ServicePrincipals", "service_principals"}, c.ServicePrincipals,
		func(sp string) string { return servicePrincipalProblem(sp, partition) })
	validateEach(p, field{"KeyAdministrators", "key_administrators"}, c.KeyAdministrators,
		func(arn string) string { return principalProblem(arn, partition) })
}

// validateEach checks every entry of a list with problem and refuses
// duplicates, naming the entry by its index.
func validateEach(p *problems, f field, values []string, problem func(string) string) {
	seen := map[string]int{}
	for i, v := range values {
		if j, dup := seen[v]; dup {
			p.add(f.index(i), v, "duplicates %s[%d]; list each entry once", f.key, j)
			continue
		}
		seen[v] = i
		if msg := problem(v); msg != "" {
			p.add(f.index(i), v, "%s", msg)
		}
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

// principalProblem says what is wrong with an additional principal's ARN, or
// returns "" when it is a valid IAM or STS principal in the partition. An
// empty partition (invalid region) skips the partition check.
func principalProblem(arn, partition string) string {
	const allowed = "must be an IAM or STS ARN: arn:<partition>:iam::<12-digit account>:root, ...:role/[path/]name, ...:user/[path/]name or arn:<partition>:sts::<account>:assumed-role/<role>/<session>"
	if strings.ContainsAny(arn, "*?") {
		return "wildcards are not allowed in principals; name a specific account, role or user"
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || (parts[2] != "iam" && parts[2] != "sts") || parts[3] != "" {
		return allowed
	}
	if !accountIDPattern.MatchString(parts[4]) {
		return fmt.Sprintf("account id %q must be exactly 12 digits", parts[4])
	}
	if partition != "" && parts[1] != partition {
		return fmt.Sprintf("is in partition %q but the key's region is in partition %q", parts[1], partition)
	}
	resource := parts[5]
	if parts[2] == "iam" && !iamResourcePattern.MatchString(resource) ||
		parts[2] == "sts" && !stsResourcePattern.MatchString(resource) {
		return allowed
	}
	return ""
}

// validatePolicySize renders the key policy and checks it against AWS's
// limit, saying how many of the additional principals would fit.
func (c *KmsKeyConfig) validatePolicySize(p *problems, partition string) string {
	rendered, err := c.policyDocument(partition).render()
	if err != nil {
		p.add(field{"AdditionalPrincipals", "additional_principals"}, nil, "%v", err)
		return ""
	}
	if len(rendered) <= MaxKeyPolicyBytes {
		// The linter is the last line of defence: every policy the
		// construct builds must pass it.
		for _, f := range policylint.Lint(rendered, policylint.Context{Partition: partition, Account: c.AwsAccountId}) {
			p.add(field{"KeyPolicy", "key_policy"}, nil, "%s", f)
		}
		if len(*p) > 0 {
			return ""
		}
		return rendered
	}
	fit := 0
	for n := len(c.AdditionalPrincipals) - 1; n >= 0; n-- {
		trial := *c
		trial.AdditionalPrincipals = c.AdditionalPrincipals[:n]
		if s, _ := trial.policyDocument(partition).render(); len(s) <= MaxKeyPolicyBytes {
			fit = n
			break
		}
	}
	p.add(field{"AdditionalPrincipals", "additional_principals"}, nil,
		"%d principals make a key policy of %d bytes, over AWS's limit of %d bytes; %d of them fit with the other statements (grant the rest through IAM policies or a role they can assume)",
		len(c.AdditionalPrincipals), len(rendered), MaxKeyPolicyBytes, fit)
	return ""
}
