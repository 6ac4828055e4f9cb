package tests

import (
	"reflect"
	"testing"
)

// pinnedAddresses are the Terraform addresses of every resource in the
// shipped stacks. They identify real state: when one changes, Terraform
// destroys the resource and creates a new one, and for the key that means
// data encrypted under it is lost after the deletion window. Change this
// list only together with a migration (a moved block: KmsKeyConfig.MovedFrom
// for the key) and say so in the change.
var pinnedAddresses = map[string][]string{
	"kms-dev": {
		"aws_kms_alias.general_encryption_key_alias_dev-general-encryption-key",
		"aws_kms_key.general_encryption_key",
	},
	"kms-stage": {
		"aws_kms_alias.general_encryption_key_alias_stage-general-encryption-key",
		"aws_kms_key.general_encryption_key",
	},
	// The monitoring resources left the shipped prod environment in 0.2.0:
	// their log group was the placeholder REPLACE-ME-cloudtrail-log-group,
	// so no deploy of them could succeed (CHANGELOG). The key and its alias
	// keep their addresses.
	"kms-prod": {
		"aws_kms_alias.general_encryption_key_alias_prod-general-encryption-key",
		"aws_kms_key.general_encryption_key",
	},
}

func TestAddressesOfTheShippedStacksAreStable(t *testing.T) {
	docs := shippedStacks(t)
	for stack, want := range pinnedAddresses {
		doc, ok := docs[stack]
		if !ok {
			t.Errorf("stack %s is gone: its resources would be orphaned in their state", stack)
			continue
		}
		if got := doc.Addresses(); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: resource addresses changed.\n got %v\nwant %v\n"+
				"A changed address makes Terraform destroy and recreate the resource; for the key, data "+
				"encrypted under it is lost after the deletion window. Keep the addresses, or add a moved "+
				"block (MovedFrom) and update pinnedAddresses in the same change.", stack, got, want)
		}
	}
	for stack := range docs {
		if _, ok := pinnedAddresses[stack]; !ok {
			t.Errorf("stack %s has no pinned addresses; add them to pinnedAddresses", stack)
		}
	}
}
