package kms

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"
)

// Access is what a role or grant may do with the key.
type Access string

// Access levels, as AWS CDK's grantEncrypt, grantDecrypt and
// grantEncryptDecrypt.
const (
	AccessEncrypt        Access = "encrypt"
	AccessDecrypt        Access = "decrypt"
	AccessEncryptDecrypt Access = "encrypt_decrypt"
)

// accessActions are the actions of each access level: AWS CDK's grants
// (encrypt = kms:Encrypt, kms:ReEncrypt*, kms:GenerateDataKey*; decrypt =
// kms:Decrypt; encrypt_decrypt = both plus kms:DescribeKey), with each
// wildcard written out as the KMS actions it matches (TestAccessActions
// checks them against the documented action list). IaC scanners refuse
// wildcards in IAM policies (tfsec aws-iam-no-policy-wildcards, HIGH), and an
// explicit list does not grow by itself when AWS adds actions.
var accessActions = map[Access][]string{
	AccessEncrypt:        encryptActions,
	AccessDecrypt:        {"kms:Decrypt"},
	AccessEncryptDecrypt: append(append([]string(nil), encryptActions...), "kms:Decrypt", "kms:DescribeKey"),
}

// encryptActions are kms:Encrypt, kms:ReEncrypt* and kms:GenerateDataKey*.
var encryptActions = []string{
	"kms:Encrypt",
	"kms:ReEncryptFrom",
	"kms:ReEncryptTo",
	"kms:GenerateDataKey",
	"kms:GenerateDataKeyPair",
	"kms:GenerateDataKeyPairWithoutPlaintext",
	"kms:GenerateDataKeyWithoutPlaintext",
}

// accessSids name the statement of each access level's policy.
var accessSids = map[Access]string{
	AccessEncrypt:        "EncryptWithTheKey",
	AccessDecrypt:        "DecryptWithTheKey",
	AccessEncryptDecrypt: "EncryptAndDecryptWithTheKey",
}

// AccessActions returns the actions of an access level (nil for an unknown
// level).
func AccessActions(a Access) []string { return append([]string(nil), accessActions[a]...) }

// roleService describes a service the predefined roles can be made for.
type roleService struct {
	principal string
	// conditions returns the confused-deputy conditions AWS documents for
	// the service's trust policy; nil when it documents none (adding
	// undocumented ones could make the role impossible to assume).
	conditions func(partition, region, account string) map[string]map[string]any
}

// roleServices are the services of RoleSpec.Service.
var roleServices = map[string]roleService{
	// AWS documents no confused-deputy condition for Lambda execution roles.
	"lambda": {principal: "lambda.amazonaws.com"},
	// Amazon ECS Developer Guide, "Task IAM role": aws:SourceAccount and an
	// aws:SourceArn pattern for the account's ECS resources in the region.
	"ecs-tasks": {
		principal: "ecs-tasks.amazonaws.com",
		conditions: func(partition, region, account string) map[string]map[string]any {
			return map[string]map[string]any{
				"ArnLike":      {"aws:SourceArn": fmt.Sprintf("arn:%s:ecs:%s:%s:*", partition, region, account)},
				"StringEquals": {"aws:SourceAccount": account},
			}
		},
	},
}

// RoleSpec describes one predefined IAM role that may use the key.
type RoleSpec struct {
	// Service is the AWS service that assumes the role: "lambda" or
	// "ecs-tasks". Required.
	Service string `json:"service"`
	// Access is "encrypt", "decrypt" or "encrypt_decrypt". Default:
	// "encrypt_decrypt".
	Access Access `json:"access,omitempty"`
	// Name is the role's name: 1 to 64 letters, digits and + = , . @ _ -.
	// Default: <name_prefix>-<environment>-<service>-kms, shortened with a
	// hash to fit 64 characters.
	Name string `json:"name,omitempty"`
	// Path is the role's IAM path, "/" or "/a/b/". Default: unset ("/").
	Path string `json:"path,omitempty"`
	// PermissionsBoundary is the ARN of a managed policy that bounds the
	// role's permissions. Default: none.
	PermissionsBoundary string `json:"permissions_boundary,omitempty"`
	// ManagedPolicyArns are managed policies to attach, for example
	// arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole.
	// Default: none.
	ManagedPolicyArns []string `json:"managed_policy_arns,omitempty"`
	// Tags are the role's tags (same rules as the key's). Default: none.
	Tags map[string]string `json:"tags,omitempty"`
}

func (r RoleSpec) access() Access {
	if r.Access == "" {
		return AccessEncryptDecrypt
	}
	return r.Access
}

var (
	iamRoleNamePattern   = regexp.MustCompile(`^[A-Za-z0-9+=,.@_-]{1,64}$`)
	iamPathFormPattern   = regexp.MustCompile(`^/([!-~]+/)?$`)
	managedPolicyPattern = regexp.MustCompile(`^arn:([a-z-]+):iam::(aws|[0-9]{12}):policy/([!-~]*/)?[A-Za-z0-9+=,.@_-]{1,128}$`)
	nonTerraformChars    = regexp.MustCompile(`[^A-Za-z0-9_-]`)
)

// roleName returns the role's name: the given one, or the default derived
// from prefix, environment and service.
func (c *KmsKeyConfig) roleName(r RoleSpec) string {
	if r.Name != "" {
		return r.Name
	}
	name := fmt.Sprintf("%s-%s-%s-kms", c.NamePrefix, c.Environment, r.Service)
	if len(name) <= 64 {
		return name
	}
	// Keep the readable start and make it unique with a hash of the whole.
	sum := sha256.Sum256([]byte(name))
	return name[:55] + "-" + hex.EncodeToString(sum[:])[:8]
}

// terraformSafe turns a name into the tail of a Terraform name.
func terraformSafe(s string) string { return nonTerraformChars.ReplaceAllString(s, "_") }

// validateRoles checks the role specs.
func (c *KmsKeyConfig) validateRoles(p *problems, partition string) {
	f := field{"Roles", "roles"}
	names := map[string]int{}
	tfNames := map[string]int{}
	for i, r := range c.Roles {
		fi := f.index(i)
		_, ok := roleServices[r.Service]
		if !ok {
			p.add(fi.sub("Service", "service"), r.Service, "must be one of %s", strings.Join(sortedRoleServices(), ", "))
		}
		if _, ok := accessActions[r.access()]; !ok {
			p.add(fi.sub("Access", "access"), string(r.Access), "must be encrypt, decrypt or encrypt_decrypt")
		}
		if r.Name != "" && !iamRoleNamePattern.MatchString(r.Name) {
			if len(r.Name) > 64 {
				p.add(fi.sub("Name", "name"), r.Name, "is %d characters long; IAM role names are at most 64", len(r.Name))
			} else {
				p.add(fi.sub("Name", "name"), r.Name, "IAM role names may hold letters, digits and + = , . @ _ -")
			}
		}
		if r.Path != "" && (!iamPathFormPattern.MatchString(r.Path) || len(r.Path) > 512) {
			p.add(fi.sub("Path", "path"), r.Path, `must be "/" or "/a/b/": start and end with /, printable characters, at most 512`)
		}
		if r.PermissionsBoundary != "" {
			if msg := managedPolicyProblem(r.PermissionsBoundary, partition); msg != "" {
				p.add(fi.sub("PermissionsBoundary", "permissions_boundary"), r.PermissionsBoundary, "%s", msg)
			}
		}
		seen := map[string]bool{}
		for j, arn := range r.ManagedPolicyArns {
			fj := fi.sub("ManagedPolicyArns", "managed_policy_arns").index(j)
			if seen[arn] || seen[attachmentSuffix(arn)] {
				p.add(fj, arn, "is listed twice, or has the same policy name as another entry (attachments are named after it)")
				continue
			}
			seen[arn], seen[attachmentSuffix(arn)] = true, true
			if msg := managedPolicyProblem(arn, partition); msg != "" {
				p.add(fj, arn, "%s", msg)
			}
		}
		validateTagMap(p, fi.sub("Tags", "tags"), r.Tags, false)
		if !ok || (r.Name != "" && !iamRoleNamePattern.MatchString(r.Name)) {
			continue
		}
		name := c.roleName(r)
		if j, dup := names[name]; dup {
			p.add(fi.sub("Name", "name"), name, "roles[%d] has the same name; set name on one of them", j)
			continue
		}
		names[name] = i
		tf := terraformSafe(name)
		if j, dup := tfNames[tf]; dup {
			p.add(fi.sub("Name", "name"), name, "maps to the same Terraform name as roles[%d]; rename one", j)
		}
		tfNames[tf] = i
	}
}

func sortedRoleServices() []string { return slices.Sorted(maps.Keys(roleServices)) }

// managedPolicyProblem says what is wrong with a managed policy ARN.
func managedPolicyProblem(arn, partition string) string {
	m := managedPolicyPattern.FindStringSubmatch(arn)
	switch {
	case strings.Contains(arn, "*"):
		return "wildcards are not allowed; name one managed policy"
	case m == nil:
		return "must be a managed policy ARN: arn:<partition>:iam::aws:policy/<name> or arn:<partition>:iam::<account>:policy/[path/]<name>"
	case partition != "" && m[1] != partition:
		return fmt.Sprintf("is in partition %q but the key's region is in partition %q", m[1], partition)
	}
	return ""
}

// attachmentSuffix is the part of a policy attachment's Terraform name that
// comes from the policy ARN: the policy's name.
func attachmentSuffix(arn string) string { return terraformSafe(arn[strings.LastIndex(arn, "/")+1:]) }

// Role is a predefined IAM role that may use the key.
type Role struct {
	// Spec is the role's specification, with defaults applied.
	Spec RoleSpec
	// Name is the role's name.
	Name string
	// Resource is the aws_iam_role.
	Resource iamrole.IamRole
	// Policy is the inline policy that allows the access level on the key.
	Policy iamrolepolicy.IamRolePolicy
}

// Arn returns a token for the role's ARN.
func (r *Role) Arn() *string { return r.Resource.Arn() }

// trustPolicy lets only the role's service assume it, with the conditions
// AWS documents for that service.
func (k *KmsKey) trustPolicy(service string) string {
	svc := roleServices[service]
	s := PolicyStatement{
		Effect:    "Allow",
		Principal: map[string]OneOrMany{"Service": {svc.principal}},
		Action:    OneOrMany{"sts:AssumeRole"},
	}
	if svc.conditions != nil {
		s.Condition = svc.conditions(k.partition, k.config.AwsRegion, k.config.AwsAccountId)
	}
	return mustJSON(struct {
		Statement []trustStatement `json:"Statement"`
		Version   string           `json:"Version"`
	}{[]trustStatement{{s.Action, s.Condition, s.Effect, s.Principal}}, PolicyVersion})
}

// trustStatement is a statement without Resource, as trust policies have.
type trustStatement struct {
	Action    OneOrMany                 `json:"Action"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]OneOrMany      `json:"Principal"`
}

// keyAccessPolicy allows exactly the access level's actions on this key.
func (k *KmsKey) keyAccessPolicy(a Access) string {
	return mustJSON(PolicyDocument{
		Version: PolicyVersion,
		Statement: []PolicyStatement{{
			Sid:      accessSids[a],
			Effect:   "Allow",
			Action:   OneOrMany(AccessActions(a)),
			Resource: OneOrMany{*k.key.Arn()},
		}},
	})
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshaling a policy built from strings: %v", err))
	}
	return string(b)
}

// addRoles creates the predefined roles, their inline policies and their
// managed policy attachments.
func (k *KmsKey) addRoles() {
	for _, spec := range k.config.Roles {
		spec.Access = spec.access()
		name := k.config.roleName(spec)
		tf := k.name + "_role_" + terraformSafe(name)
		cfg := &iamrole.IamRoleConfig{
			Name:             jsii.String(name),
			AssumeRolePolicy: jsii.String(k.trustPolicy(spec.Service)),
			Description:      jsii.String(fmt.Sprintf("%s role that may %s with KMS key %s", spec.Service, strings.ReplaceAll(string(spec.Access), "_", " and "), k.Address())),
		}
		if spec.Path != "" {
			cfg.Path = jsii.String(spec.Path)
		}
		if spec.PermissionsBoundary != "" {
			cfg.PermissionsBoundary = jsii.String(spec.PermissionsBoundary)
		}
		if len(spec.Tags) > 0 {
			tags := map[string]*string{}
			for key, v := range spec.Tags {
				tags[key] = jsii.String(v)
			}
			cfg.Tags = &tags
		}
		role := iamrole.NewIamRole(k.node, jsii.String(tf), cfg)
		k.pin(role, tf)

		policy := iamrolepolicy.NewIamRolePolicy(k.node, jsii.String(tf+"_kms"), &iamrolepolicy.IamRolePolicyConfig{
			Name:   jsii.String("kms-" + string(spec.Access)),
			Role:   role.Id(),
			Policy: jsii.String(k.keyAccessPolicy(spec.Access)),
		})
		k.pin(policy, tf+"_kms")

		for _, arn := range spec.ManagedPolicyArns {
			attName := tf + "_attach_" + attachmentSuffix(arn)
			att := iamrolepolicyattachment.NewIamRolePolicyAttachment(k.node, jsii.String(attName), &iamrolepolicyattachment.IamRolePolicyAttachmentConfig{
				Role:      role.Name(),
				PolicyArn: jsii.String(arn),
			})
			k.pin(att, attName)
		}
		k.roles = append(k.roles, &Role{Spec: spec, Name: name, Resource: role, Policy: policy})
	}
}

// Roles returns the predefined roles, in the order of KmsKeyConfig.Roles.
func (k *KmsKey) Roles() []*Role { return append([]*Role(nil), k.roles...) }
