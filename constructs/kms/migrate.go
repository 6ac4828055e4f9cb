package kms

import (
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
)

// movedFromPattern is a Terraform address of an aws_kms_key or
// aws_kms_external_key, possibly in (nested, indexed) modules and itself
// indexed. Groups: 1 the module path, 2 the resource type, 3 the name, 4
// the key's own index.
var movedFromPattern = regexp.MustCompile(
	`^((?:module\.[A-Za-z_][A-Za-z0-9_-]*(?:\[(?:[0-9]+|"[^"$%{}]+")\])?\.)*)(aws_kms_key|aws_kms_external_key)\.([A-Za-z_][A-Za-z0-9_-]*)(\[(?:[0-9]+|"[^"$%{}]+")\])?$`)

// importID returns the key id to import: ImportKeyId itself, or the id in
// a key ARN.
func (c *KmsKeyConfig) importID() string {
	if _, id, msg := iam.ParseKey(c.ImportKeyId); msg == "" {
		return id
	}
	return c.ImportKeyId
}

// validateMigration checks MovedFrom and ImportKeyId.
func (c *KmsKeyConfig) validateMigration(p *problems, partition string) {
	fMoved := field{"MovedFrom", "moved_from"}
	fImport := field{"ImportKeyId", "import_key_id"}
	if c.MovedFrom != "" {
		typ := c.keyResourceType()
		if m := movedFromPattern.FindStringSubmatch(c.MovedFrom); m == nil || m[2] != typ {
			// Terraform moves state only within one resource type.
			p.add(fMoved, c.MovedFrom, "must be the Terraform address of an %s (this key's resource type; Terraform moves a resource only within its type), like module.kms.%s.general_encryption_key", typ, typ)
		}
	}
	if c.ImportKeyId == "" {
		return
	}
	if c.MovedFrom != "" {
		p.add(fImport, c.ImportKeyId, "set moved_from (same state) or import_key_id (new state), not both")
		return
	}
	if strings.HasPrefix(c.ImportKeyId, "arn:") {
		a, _, msg := iam.ParseKey(c.ImportKeyId)
		switch {
		case msg != "":
			p.add(fImport, c.ImportKeyId, "the key id after key/ must be a key id like 1234abcd-12ab-34cd-56ef-1234567890ab or mrk-..., in a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)")
		case partition != "" && a.Partition != partition:
			p.add(fImport, c.ImportKeyId, "is in partition %q; the key's region is in %q", a.Partition, partition)
		case a.Region != c.AwsRegion:
			p.add(fImport, c.ImportKeyId, "is a key in region %s, not in aws_region %s (keys are regional)", a.Region, c.AwsRegion)
		case a.AccountID != c.AwsAccountId:
			p.add(fImport, c.ImportKeyId, "is a key of account %s, not of aws_account_id %s", a.AccountID, c.AwsAccountId)
		}
		return
	}
	if !iam.IsKeyID(c.ImportKeyId) {
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

// addMigration emits the moved blocks (every resource the key owns) or the
// import block (the key).
func (k *KmsKey) addMigration() {
	if m := movedFromPattern.FindStringSubmatch(k.config.MovedFrom); m != nil {
		k.key.MoveFromId(jsii.String(k.config.MovedFrom))
		// The other resources move from the same name in the same module;
		// an indexed key gives no names for them.
		if m[4] == "" {
			k.movedModule, k.movedName = m[1], m[3]
			for _, r := range k.resources {
				if r.resource != k.key {
					k.moveFrom(r.resource, r.name)
				}
			}
		}
	}
	if k.config.ImportKeyId != "" {
		k.key.ImportFrom(jsii.String(k.config.importID()), nil)
	}
}

// moveFrom adds the moved block of one of the key's resources (named name,
// which starts with the key's name) when the key moved from another name.
func (k *KmsKey) moveFrom(res cdktf.TerraformResource, name string) {
	if k.movedName == "" || !strings.HasPrefix(name, k.name) {
		return
	}
	old := k.movedModule + *res.TerraformResourceType() + "." + k.movedName + strings.TrimPrefix(name, k.name)
	res.MoveFromId(jsii.String(old))
}
