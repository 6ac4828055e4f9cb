package kms

import (
	"encoding/json"
	"fmt"

	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
)

// PolicyVersion is the IAM policy language version of every document the
// construct writes.
const PolicyVersion = "2012-10-17"

// MaxKeyPolicyBytes is AWS's limit on the size of a key policy document
// (32 KB), checked against the document as the construct renders it.
const MaxKeyPolicyBytes = policylint.MaxBytes

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

// KeyAdministratorActions returns the actions KeyAdministrators get (a
// fresh copy each call).
func KeyAdministratorActions() []string { return append([]string(nil), keyAdministratorActions...) }

// Sids of the statements the construct adds beyond the original module
// (whose statements have none).
const (
	SidServicePrincipals = "AllowAWSServicesToUseTheKey"
	SidKeyAdministrators = "AllowKeyAdministration"
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

// PolicyStatement is one statement of a policy document.
type PolicyStatement struct {
	Action    OneOrMany                 `json:"Action"`
	Condition map[string]map[string]any `json:"Condition,omitempty"`
	Effect    string                    `json:"Effect"`
	Principal map[string]OneOrMany      `json:"Principal,omitempty"`
	Resource  OneOrMany                 `json:"Resource"`
	Sid       string                    `json:"Sid,omitempty"`
}

// OneOrMany is a policy value that IAM accepts as a string or a list of
// strings. One element is written as a plain string, more as a list, which
// is how policies are usually written by hand (and how the original module
// wrote "kms:*").
type OneOrMany []string

// MarshalJSON writes a single element as a string and anything else as a list.
func (v OneOrMany) MarshalJSON() ([]byte, error) {
	if len(v) == 1 {
		return json.Marshal(v[0])
	}
	return json.Marshal([]string(v))
}

// UnmarshalJSON accepts a string or a list of strings.
func (v *OneOrMany) UnmarshalJSON(data []byte) error {
	var one string
	if err := json.Unmarshal(data, &one); err == nil {
		*v = OneOrMany{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(data, &many); err != nil {
		return fmt.Errorf("want a string or a list of strings: %w", err)
	}
	*v = many
	return nil
}

// accountRootArn is the ARN of an account's root principal in a partition.
func accountRootArn(partition, account string) string {
	return fmt.Sprintf("arn:%s:iam::%s:root", partition, account)
}

// logsServicePrincipal is the CloudWatch Logs service principal of a region,
// as the original module wrote it.
func logsServicePrincipal(region string) string {
	return "logs." + region + ".amazonaws.com"
}

// originalStatements returns the statements of the original module's key
// policy, in its order: the account root, CloudWatch Logs of the region, then
// one statement per additional principal.
func originalStatements(partition, account, region string, principals []string) []PolicyStatement {
	statements := make([]PolicyStatement, 0, 2+len(principals))
	statements = append(statements,
		PolicyStatement{
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"AWS": {accountRootArn(partition, account)}},
			Action:    OneOrMany{actionAllKMS},
			Resource:  OneOrMany{"*"},
		},
		usageStatement("Service", logsServicePrincipal(region)),
	)
	for _, p := range principals {
		statements = append(statements, usageStatement("AWS", p))
	}
	return statements
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

// policyDocument builds the key policy of a validated configuration: the
// original module's statements, then the service principals, the key
// administrators, CloudWatch for the alarm topic the construct creates, and
// the extra statements, each only when configured.
func (c *KmsKeyConfig) policyDocument(partition string) PolicyDocument {
	statements := originalStatements(partition, c.AwsAccountId, c.AwsRegion, c.AdditionalPrincipals)
	if len(c.ServicePrincipals) > 0 {
		s := PolicyStatement{
			Sid:       SidServicePrincipals,
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"Service": append(OneOrMany(nil), c.ServicePrincipals...)},
			Action:    OneOrMany(KeyUsageActions()),
			Resource:  OneOrMany{"*"},
		}
		statements = append(statements, s)
	}
	if len(c.KeyAdministrators) > 0 {
		statements = append(statements, PolicyStatement{
			Sid:       SidKeyAdministrators,
			Effect:    "Allow",
			Principal: map[string]OneOrMany{"AWS": append(OneOrMany(nil), c.KeyAdministrators...)},
			Action:    OneOrMany(KeyAdministratorActions()),
			Resource:  OneOrMany{"*"},
		})
	}
	if c.Monitoring.createsTopic() {
		statements = append(statements, cloudWatchStatement())
	}
	for _, raw := range c.ExtraPolicyStatements {
		// Validated before: parsing cannot fail here.
		s, _ := parseStatement(raw)
		statements = append(statements, s)
	}
	return PolicyDocument{Version: PolicyVersion, Statement: statements}
}

// render marshals a policy document compactly, as jsonencode does.
func (d PolicyDocument) render() (string, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return "", fmt.Errorf("rendering key policy: %w", err)
	}
	return string(b), nil
}
