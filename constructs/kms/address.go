package kms

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// terraformNamePattern is what Terraform accepts as a resource or output name.
var terraformNamePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*$`)

// TerraformName returns the Terraform name that a KmsKey created in scope
// with the given id gets: its key is at aws_kms_key.<name>, and the names of
// the other resources it creates start with <name>. The name is the
// construct path below the stack, ids joined with "_".
//
// This is the one place that forms the construct's addresses. Changing it
// moves every key already deployed with this library, which makes Terraform
// destroy and recreate them; tests pin it.
func TerraformName(scope constructs.Construct, id string) (string, error) {
	name, _, err := terraformName(scope, id)
	return name, err
}

// terraformName forms the name and returns the stack the scope is in.
func terraformName(scope constructs.Construct, id string) (string, cdktf.TerraformStack, error) {
	if scope == nil {
		return "", nil, fmt.Errorf("scope: a scope inside a cdktf.TerraformStack is required")
	}
	ids := []string{id}
	node := constructs.IConstruct(scope)
	for !*cdktf.TerraformStack_IsStack(node) {
		ids = append([]string{*node.Node().Id()}, ids...)
		parent := node.Node().Scope()
		if parent == nil {
			return "", nil, fmt.Errorf("scope: %q is not inside a cdktf.TerraformStack", *scope.Node().Path())
		}
		node = parent
	}
	for _, part := range ids {
		if !terraformNamePattern.MatchString(part) {
			return "", nil, fmt.Errorf("id: %q is not a valid Terraform name (a letter or _ first, then letters, digits, _ or -); the key's address aws_kms_key.<name> is built from the construct ids below the stack", part)
		}
	}
	stack, ok := node.(cdktf.TerraformStack)
	if !ok {
		stack = cdktf.TerraformStack_Of(node)
	}
	return strings.Join(ids, "_"), stack, nil
}
