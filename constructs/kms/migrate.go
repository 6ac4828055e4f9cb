package kms

import (
	"regexp"

	"github.com/aws/jsii-runtime-go"
)

var (
	// movedFromPattern is a Terraform address of an aws_kms_key, possibly in
	// (nested, indexed) modules and itself indexed.
	movedFromPattern = regexp.MustCompile(
		`^(module\.[A-Za-z_][A-Za-z0-9_-]*(\[([0-9]+|"[^"]+")\])?\.)*aws_kms_key\.[A-Za-z_][A-Za-z0-9_-]*(\[([0-9]+|"[^"]+")\])?$`)
	keyIDPattern  = regexp.MustCompile(`^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$`)
	keyArnPattern = regexp.MustCompile(`^arn:([a-z-]+):kms:([a-z0-9-]+):([0-9]{12}):key/(.+)$`)
)

// importID returns the key id to import: ImportKeyId itself, or the id in
// a key ARN.
func (c *KmsKeyConfig) importID() string {
	if m := keyArnPattern.FindStringSubmatch(c.ImportKeyId); m != nil {
		return m[4]
	}
	return c.ImportKeyId
}

// validateMigration checks MovedFrom and ImportKeyId.
func (c *KmsKeyConfig) validateMigration(p *problems, partition string) {
	fMoved := field{"MovedFrom", "moved_from"}
	fImport := field{"ImportKeyId", "import_key_id"}
	if c.MovedFrom != "" && !movedFromPattern.MatchString(c.MovedFrom) {
		p.add(fMoved, c.MovedFrom, "must be the Terraform address of an aws_kms_key, like module.kms.aws_kms_key.general_encryption_key")
	}
	if c.ImportKeyId == "" {
		return
	}
	if c.MovedFrom != "" {
		p.add(fImport, c.ImportKeyId, "set moved_from (same state) or import_key_id (new state), not both")
		return
	}
	if m := keyArnPattern.FindStringSubmatch(c.ImportKeyId); m != nil {
		switch {
		case partition != "" && m[1] != partition:
			p.add(fImport, c.ImportKeyId, "is in partition %q; the key's region is in %q", m[1], partition)
		case m[2] != c.AwsRegion:
			p.add(fImport, c.ImportKeyId, "is a key in region %s, not in aws_region %s (keys are regional)", m[2], c.AwsRegion)
		case m[3] != c.AwsAccountId:
			p.add(fImport, c.ImportKeyId, "is a key of account %s, not of aws_account_id %s", m[3], c.AwsAccountId)
		case !keyIDPattern.MatchString(m[4]):
			p.add(fImport, c.ImportKeyId, "the key id after key/ must be a key id like 1234abcd-12ab-34cd-56ef-1234567890ab or mrk-...")
		}
		return
	}
	if !keyIDPattern.MatchString(c.ImportKeyId) {
		p.add(fImport, c.ImportKeyId, "must be a key id (1234abcd-12ab-34cd-56ef-1234567890ab or mrk-<32 hex>) or a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)")
	}
}

// checkMovedFrom refuses a moved block onto the key's own address.
func (c *KmsKeyConfig) checkMovedFrom(address string) error {
	if c.MovedFrom == address {
		return &FieldError{Field: "MovedFrom", Key: "moved_from", Value: c.MovedFrom,
			Rule: "is the key's own address; name the address the key has in the old state"}
	}
	return nil
}

// addMigration emits the moved or import block for the key.
func (k *KmsKey) addMigration(st *stackState) {
	if k.config.MovedFrom != "" {
		st.moved = append(st.moved, map[string]string{"from": k.config.MovedFrom, "to": k.Address()})
		blocks := make([]any, len(st.moved))
		for i, m := range st.moved {
			blocks[i] = m
		}
		// Terraform JSON: "moved": [{"from": "<address>", "to": "<address>"}].
		st.stack.AddOverride(jsii.String("moved"), blocks)
	}
	if k.config.ImportKeyId != "" {
		k.key.ImportFrom(jsii.String(k.config.importID()), nil)
	}
}
