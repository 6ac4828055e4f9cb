package kms

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrole"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamrolepolicyattachment"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

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
	// Access is an access level that fits the key (see Access). Default:
	// "encrypt_decrypt".
	Access Access `json:"access,omitempty"`
	// Name is the role's name: 1 to 64 letters, digits and + = , . @ _ -,
	// unique per account across the app (case-insensitive, as in IAM).
	// Default: <name_prefix>-<environment>-<service>-kms, shortened with a
	// hash to fit 64 characters.
	Name string `json:"name,omitempty"`
	// Path is the role's IAM path, "/" or "/a/b/". Default: unset ("/").
	Path string `json:"path,omitempty"`
	// PermissionsBoundary is the ARN of a managed policy that bounds the
	// role's permissions. Takes a reference. Default: none.
	PermissionsBoundary string `json:"permissions_boundary,omitempty"`
	// ManagedPolicyArns are managed policies to attach, for example
	// arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole.
	// Take references. Default: none.
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

// roleName returns the role's name: the given one, or the default derived
// from prefix, environment and service.
func (c *KmsKeyConfig) roleName(r RoleSpec) string {
	if r.Name != "" {
		return r.Name
	}
	// Keep the readable start and make it unique with a hash of the whole.
	return fitName(fmt.Sprintf("%s-%s-%s-kms", c.NamePrefix, c.Environment, r.Service), 64)
}

// roleResourceName is the Terraform name of a predefined role.
func (k *KmsKey) roleResourceName(roleName string) string {
	return k.name + "_role_" + terraformSafe(roleName)
}

// validateRoles checks the role specs.
func (c *KmsKeyConfig) validateRoles(p *problems, partition string) {
	f := field{"Roles", "roles"}
	names := map[string]int{}
	tfNames := map[string]int{}
	kind := c.kind()
	for i, r := range c.Roles {
		fi := f.index(i)
		_, ok := roleServices[r.Service]
		if !ok {
			p.add(fi.sub("Service", "service"), r.Service, "must be one of %s", strings.Join(slices.Sorted(maps.Keys(roleServices)), ", "))
		}
		if _, why := kind.actionsFor(r.access()); why != "" {
			p.add(fi.sub("Access", "access"), string(r.access()), "%s", why)
		}
		nameOK := r.Name == "" || iam.ValidIAMName(r.Name)
		if !nameOK {
			if len(r.Name) > 64 {
				p.add(fi.sub("Name", "name"), r.Name, "is %d characters long; IAM role names are at most 64", len(r.Name))
			} else {
				p.add(fi.sub("Name", "name"), r.Name, "IAM role names may hold letters, digits and + = , . @ _ -")
			}
		}
		if r.Path != "" && validateLiteral(p, fi.sub("Path", "path"), r.Path) {
			if msg := iam.PathProblem(r.Path); msg != "" {
				p.add(fi.sub("Path", "path"), r.Path, "%s", msg)
			}
		}
		if r.PermissionsBoundary != "" {
			validateReference(p, fi.sub("PermissionsBoundary", "permissions_boundary"), r.PermissionsBoundary,
				func(arn string) string { return iam.ManagedPolicyProblem(arn, partition) })
		}
		fm := fi.sub("ManagedPolicyArns", "managed_policy_arns")
		validateEach(p, fm, r.ManagedPolicyArns, stringRefs,
			func(arn string) string { return iam.ManagedPolicyProblem(arn, partition) })
		attachments := map[string]int{}
		for j, arn := range r.ManagedPolicyArns {
			suffix := attachmentSuffix(arn)
			if k, dup := attachments[suffix]; dup && r.ManagedPolicyArns[k] != arn {
				p.add(fm.index(j), arn, "has the same policy name as managed_policy_arns[%d]; attachments are named after it", k)
			}
			attachments[suffix] = j
		}
		validateTagMap(p, fi.sub("Tags", "tags"), r.Tags, false)
		if !ok || !nameOK {
			continue
		}
		name := c.roleName(r)
		lower := strings.ToLower(name)
		if j, dup := names[lower]; dup {
			p.add(fi.sub("Name", "name"), name, "roles[%d] has the same name (IAM role names are case-insensitive); set name on one of them", j)
			continue
		}
		names[lower] = i
		tf := terraformSafe(name)
		if j, dup := tfNames[tf]; dup {
			p.add(fi.sub("Name", "name"), name, "maps to the same Terraform name as roles[%d]; rename one", j)
		}
		tfNames[tf] = i
	}
}

// attachmentSuffix is the part of a policy attachment's Terraform name that
// comes from the policy ARN: the policy's name, or a hash of a reference.
func attachmentSuffix(arn string) string {
	if tftemplate.IsUnresolved(arn) {
		return "ref_" + shortHash(arn)
	}
	return terraformSafe(arn[strings.LastIndex(arn, "/")+1:])
}

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

// Grantee is the role as a grantee of a key's grants.
func (r *Role) Grantee() Grantee {
	if r == nil {
		return Grantee{}
	}
	return IamRoleGrantee(r.Resource)
}

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

// keyAccessPolicy allows exactly the access level's actions on this key
// and its replicas.
func (k *KmsKey) keyAccessPolicy(a Access) string {
	actions, _ := k.config.kind().actionsFor(a)
	return mustJSON(PolicyDocument{
		Version: PolicyVersion,
		Statement: []PolicyStatement{{
			Sid:      grantSid(a),
			Effect:   "Allow",
			Action:   OneOrMany(actions),
			Resource: arnValues(k.allArns()),
		}},
	})
}

// addRoles creates the predefined roles, their inline policies and their
// managed policy attachments.
func (k *KmsKey) addRoles() {
	for _, spec := range k.config.Roles {
		spec.Access = spec.access()
		name := k.config.roleName(spec)
		tf := k.roleResourceName(name)
		cfg := &iamrole.IamRoleConfig{
			Name:             jsii.String(name),
			AssumeRolePolicy: k.lit(k.trustPolicy(spec.Service)),
			Description:      k.lit(fmt.Sprintf("%s role that may %s with KMS key %s", spec.Service, strings.ReplaceAll(string(spec.Access), "_", " and "), k.Address())),
		}
		if spec.Path != "" {
			cfg.Path = k.lit(spec.Path)
		}
		if spec.PermissionsBoundary != "" {
			cfg.PermissionsBoundary = k.lit(spec.PermissionsBoundary)
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
			Policy: k.lit(k.keyAccessPolicy(spec.Access)),
		})
		k.pin(policy, tf+"_kms")

		for _, arn := range spec.ManagedPolicyArns {
			attName := tf + "_attach_" + attachmentSuffix(arn)
			att := iamrolepolicyattachment.NewIamRolePolicyAttachment(k.node, jsii.String(attName), &iamrolepolicyattachment.IamRolePolicyAttachmentConfig{
				Role:      role.Name(),
				PolicyArn: k.lit(arn),
			})
			k.pin(att, attName)
		}
		k.roles = append(k.roles, &Role{Spec: spec, Name: name, Resource: role, Policy: policy})
	}
}

// Roles returns the predefined roles, in the order of KmsKeyConfig.Roles.
func (k *KmsKey) Roles() []*Role { return append([]*Role(nil), k.roles...) }
