// Package kmsoutputs names the Terraform outputs a key can create (they
// are <OutputPrefix>_<suffix>) and says when and what, for the construct
// and for the reference documentation.
package kmsoutputs

// Output suffixes: the outputs are <OutputPrefix>_<suffix>.
const (
	KeyArn      = "key_arn"
	KeyId       = "key_id"
	AliasNames  = "alias_names"
	AliasArns   = "alias_arns"
	RoleNames   = "role_names"
	RoleArns    = "role_arns"
	TopicArn    = "alarm_topic_arn"
	AlarmNames  = "alarm_names"
	ReplicaArns = "replica_arns"
	PublicKey   = "public_key_pem"
)

// Doc describes one Terraform output a key can create.
type Doc struct {
	// Suffix follows "<OutputPrefix>_" in the output's name.
	Suffix string
	// When says which configuration creates it.
	When string
	// Value says what it holds.
	Value string
}

// Docs lists every output a key can create, in the order of the reference
// documentation (docs/configuration.md is generated from it, and a test
// creates every one and compares).
func Docs() []Doc {
	return []Doc{
		{KeyArn, "always (the original module's kms_key_arn)", "the key's ARN"},
		{KeyId, "key_id_output", "the key's id"},
		{PublicKey, "public_key_output", "the public key of an asymmetric key, PEM"},
		{AliasNames, "aliases (or AddAlias)", "the alias names, in order"},
		{AliasArns, "aliases (or AddAlias)", "the alias ARNs, in order"},
		{ReplicaArns, "replica_regions", "a map of replica region to replica ARN"},
		{RoleNames, "roles", "the predefined roles' names, in order"},
		{RoleArns, "roles", "a map of role name to role ARN"},
		{TopicArn, "monitoring", "the ARN of the topic the alarms notify (created, or sns_topic_arn)"},
		{AlarmNames, "monitoring", "the alarms' names"},
	}
}
