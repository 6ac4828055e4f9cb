package kms

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/iamservicelinkedrole"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
)

// AWS refuses a key policy (CreateKey, PutKeyPolicy) that names an IAM
// principal that does not exist ("MalformedPolicyDocumentException ...
// invalid principals"; AWS KMS Developer Guide, "Troubleshooting key
// policies"), and a service-linked role exists only once its service has
// created it, or aws_iam_service_linked_role has (IAM User Guide, "Using
// service-linked roles"). So every service-linked role the key's policy or
// grants name is either created in the stack (CreateServiceLinkedRoles),
// with the key waiting for it, or warned about.

// serviceLinkedRolePrefix starts every service-linked role's name.
const serviceLinkedRolePrefix = "AWSServiceRoleFor"

// serviceLinkedRole is a service-linked role a key names.
type serviceLinkedRole struct {
	arn, account, service, name, suffix string
	field                               field
}

// serviceLinkedRoles lists, once each and in policy order, the literal
// service-linked roles the key policy (with the statements added after
// construction, extra) and the native grants name.
func (c *KmsKeyConfig) serviceLinkedRoles(partition string, extra []addedStatement) []serviceLinkedRole {
	var out []serviceLinkedRole
	seen := map[string]bool{}
	add := func(arn string, f field) {
		p, msg := iam.ParsePrincipal(arn, partition)
		service, ok := strings.CutPrefix(p.Path, "/aws-service-role/")
		if msg != "" || p.Kind != "role" || !ok || seen[arn] {
			return
		}
		seen[arn] = true
		service = strings.TrimSuffix(service, "/")
		_, suffix, _ := strings.Cut(p.Name, "_")
		out = append(out, serviceLinkedRole{arn: arn, account: p.Account(), service: service, name: p.Name, suffix: suffix, field: f})
	}
	b := c.buildPolicy(partition, c.AwsRegion, extra)
	for i, st := range b.doc.Statement {
		for _, v := range st.Principal["AWS"] {
			f := b.sources[i].field
			if j := slices.Index(b.sources[i].principals, v); j >= 0 {
				f = f.index(j)
			}
			add(v, f)
		}
	}
	for i, g := range c.KmsGrants {
		fg := field{"KmsGrants", "kms_grants"}.index(i)
		add(g.GranteePrincipal, fg.sub("GranteePrincipal", "grantee_principal"))
		add(g.RetiringPrincipal, fg.sub("RetiringPrincipal", "retiring_principal"))
	}
	return out
}

// createdServiceLinkedRoles are the service-linked roles the construct
// creates: those of the key's account, with CreateServiceLinkedRoles.
func (c *KmsKeyConfig) createdServiceLinkedRoles(partition string, extra []addedStatement) []serviceLinkedRole {
	if !c.CreateServiceLinkedRoles {
		return nil
	}
	return slices.DeleteFunc(c.serviceLinkedRoles(partition, extra), func(r serviceLinkedRole) bool { return r.account != c.AwsAccountId })
}

// validateServiceLinkedRoles refuses a service-linked role the construct
// cannot create.
func (c *KmsKeyConfig) validateServiceLinkedRoles(p *problems, partition string) {
	for _, r := range c.createdServiceLinkedRoles(partition, nil) {
		if !strings.HasPrefix(r.name, serviceLinkedRolePrefix) {
			p.add(r.field, r.arn, "is a service-linked role whose name does not start with %s, so create_service_linked_roles cannot create it (aws_iam_service_linked_role names it %s<service>[_suffix]); create it otherwise, or name the role AWS creates",
				serviceLinkedRolePrefix, serviceLinkedRolePrefix)
		}
	}
}

// serviceLinkedRoleWarnings says which service-linked roles must exist
// before the key is created.
func (c *KmsKeyConfig) serviceLinkedRoleWarnings(partition string) []string {
	var out []string
	for _, r := range c.serviceLinkedRoles(partition, nil) {
		out = append(out, c.serviceLinkedRoleWarning(r)...)
	}
	return out
}

// serviceLinkedRoleWarning is the warning about one service-linked role,
// if any.
func (c *KmsKeyConfig) serviceLinkedRoleWarning(r serviceLinkedRole) []string {
	switch {
	case r.account != c.AwsAccountId:
		return []string{fmt.Sprintf("%s names the service-linked role %s of account %s: AWS refuses a key policy or grant that names a principal that does not exist, and the role exists only once %s has created it in that account; make sure it does before deploying", r.field.key, r.arn, r.account, r.service)}
	case !c.CreateServiceLinkedRoles:
		return []string{fmt.Sprintf("%s names the service-linked role %s: AWS refuses a key policy or grant that names a principal that does not exist, and the role exists only once %s has created it (an account where the service was never used has none); set create_service_linked_roles to create it with the key, or make sure it exists", r.field.key, r.arn, r.service)}
	}
	return nil
}

// serviceLinkedRoleResourceName is the Terraform name of a created
// service-linked role.
func (k *KmsKey) serviceLinkedRoleResourceName(r serviceLinkedRole) string {
	return k.name + "_slr_" + terraformSafe(r.name)
}

// addServiceLinkedRoles creates the service-linked roles the key names
// (CreateServiceLinkedRoles) that it has not created yet, and returns them,
// for the key to depend on.
func (k *KmsKey) addServiceLinkedRoles(extra []addedStatement) []cdktf.ITerraformDependable {
	var out []cdktf.ITerraformDependable
	for _, r := range k.config.createdServiceLinkedRoles(k.partition, extra) {
		if k.slrSeen[r.arn] {
			continue
		}
		k.slrSeen[r.arn] = true
		cfg := &iamservicelinkedrole.IamServiceLinkedRoleConfig{
			AwsServiceName: jsii.String(r.service),
			Description:    k.lit("Service-linked role that the key policy or grants of " + k.Address() + " name"),
		}
		if r.suffix != "" {
			cfg.CustomSuffix = jsii.String(r.suffix)
		}
		name := k.serviceLinkedRoleResourceName(r)
		slr := iamservicelinkedrole.NewIamServiceLinkedRole(k.node, jsii.String(name), cfg)
		k.pin(slr, name)
		out = append(out, slr)
	}
	return out
}

// serviceLinkedRolesAdded handles the service-linked roles that a statement
// added after construction names (AddToResourcePolicy, a Grant* to another
// account): it creates those it may (the key then waits for them) and
// warns about the others, as NewKmsKey does (registryMu held).
func (k *KmsKey) serviceLinkedRolesAdded() error {
	c := &k.config
	var create []serviceLinkedRole
	for _, r := range c.serviceLinkedRoles(k.partition, k.added) {
		if k.slrSeen[r.arn] {
			continue
		}
		if c.CreateServiceLinkedRoles && r.account == c.AwsAccountId {
			if !strings.HasPrefix(r.name, serviceLinkedRolePrefix) {
				return &FieldError{Field: r.field.goName, Key: r.field.key, Value: r.arn, Rule: fmt.Sprintf("is a service-linked role whose name does not start with %s, so create_service_linked_roles cannot create it", serviceLinkedRolePrefix)}
			}
			create = append(create, r)
			continue
		}
		k.slrSeen[r.arn] = true
		for _, w := range c.serviceLinkedRoleWarning(r) {
			k.dependencyWarnings = append(k.dependencyWarnings, w)
			cdktf.Annotations_Of(k.node).AddWarning(jsii.String(w))
		}
	}
	if len(create) == 0 {
		return nil
	}
	cl := &claims{st: k.stack, owner: k.Address()}
	for _, r := range create {
		cl.resource("aws_iam_service_linked_role", k.serviceLinkedRoleResourceName(r), r.field, r.arn)
		cl.global(roleKey(c.AwsAccountId, r.name), fmt.Sprintf("service-linked role %s in account %s (create_service_linked_roles)", r.name, c.AwsAccountId), r.field, r.arn)
	}
	if err := cl.check(); err != nil {
		return err
	}
	cl.commit()
	var deps []*string
	if existing := k.key.DependsOn(); existing != nil {
		deps = *existing
	}
	for _, d := range k.addServiceLinkedRoles(k.added) {
		deps = append(deps, d.Fqn())
	}
	k.key.SetDependsOn(&deps)
	return nil
}
