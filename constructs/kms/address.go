package kms

import (
	"crypto/sha256"
	"encoding/hex"
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
		return "", nil, &FieldError{Field: "scope", Key: "scope", Rule: "a scope inside a cdktf.TerraformStack is required"}
	}
	ids := []string{id}
	// A scope that is a TerraformStack in Go (the usual case, and user
	// types that embed one) needs no jsii call to tell.
	if stack, ok := scope.(cdktf.TerraformStack); ok {
		if !terraformNamePattern.MatchString(id) {
			return "", nil, invalidIdError(id)
		}
		return id, stack, nil
	}
	node := constructs.IConstruct(scope)
	for !*cdktf.TerraformStack_IsStack(node) {
		ids = append([]string{*node.Node().Id()}, ids...)
		parent := node.Node().Scope()
		if parent == nil {
			return "", nil, &FieldError{Field: "scope", Key: "scope", Value: *scope.Node().Path(), Rule: "is not inside a cdktf.TerraformStack"}
		}
		node = parent
	}
	for _, part := range ids {
		if !terraformNamePattern.MatchString(part) {
			return "", nil, invalidIdError(part)
		}
	}
	stack, ok := node.(cdktf.TerraformStack)
	if !ok {
		stack = cdktf.TerraformStack_Of(node)
	}
	return strings.Join(ids, "_"), stack, nil
}

func invalidIdError(id string) error {
	return &FieldError{Field: "id", Key: "id", Value: id,
		Rule: "is not a valid Terraform name (a letter or _ first, then letters, digits, _ or -); the key's address aws_kms_key.<name> is built from the construct ids below the stack"}
}

// The Terraform names of everything a key named n creates. Each is part of
// the address scheme: changing one replaces the resources already deployed.
//
//	aws_kms_key.<n>                                          (aws_kms_external_key.<n> for Origin EXTERNAL)
//	aws_kms_alias.<n>_alias_<alias without alias/, "/" as "_">
//	aws_kms_replica_key.<n>_replica_<region, "-" as "_">     (aws_kms_replica_external_key for Origin EXTERNAL)
//	variable.<KeyMaterialVariable>                           (in the stack)
//	aws_kms_alias.<n>_alias_<alias>_<region, "-" as "_">     (replica aliases)
//	aws_iam_role.<n>_role_<role name>                        (+ _kms, _attach_<policy>)
//	aws_iam_{role,user,group}_policy.<n>_grant_<grantee>_<access>
//	aws_kms_grant.<n>_kms_grant_<grant name>
//	aws_sns_topic.<n>_alarms, aws_cloudwatch_*.<n>_<alarm>   (monitoring)

// aliasResourceName is the Terraform name of an alias resource.
func aliasResourceName(keyName, alias string) string {
	return keyName + "_alias_" + strings.ReplaceAll(strings.TrimPrefix(alias, aliasPrefix), "/", "_")
}

// replicaResourceName is the Terraform name of the replica in a region.
func replicaResourceName(keyName, region string) string {
	return keyName + "_replica_" + regionSuffix(region)
}

// replicaAliasResourceName is the Terraform name of an alias of a replica,
// from the Terraform name of the key's alias of that name.
func replicaAliasResourceName(aliasTfName, region string) string {
	return aliasTfName + "_" + regionSuffix(region)
}

// regionSuffix turns a region into the tail of a Terraform name.
func regionSuffix(region string) string { return strings.ReplaceAll(region, "-", "_") }

// nonTerraformChars are what terraformSafe replaces.
var nonTerraformChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

// terraformSafe turns a name into the tail of a Terraform name.
func terraformSafe(s string) string { return nonTerraformChars.ReplaceAllString(s, "_") }

// shortHash is 8 hex digits of a string's SHA-256, for names that must be
// unique and bounded.
func shortHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

// fitName keeps a name within max characters: the readable start and a hash
// of the whole when it is longer.
func fitName(name string, max int) string {
	if len(name) <= max {
		return name
	}
	return fmt.Sprintf("%s-%s", name[:max-9], shortHash(name))
}
