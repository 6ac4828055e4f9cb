package kms

import (
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
)

const (
	aliasPrefix = "alias/"
	// maxAliasLen is AWS's limit on an alias name, prefix included.
	maxAliasLen = 256
)

// aliasPattern is AWS's rule for alias names.
var aliasPattern = regexp.MustCompile(`^alias/[A-Za-z0-9/_-]+$`)

// normalizeAlias adds the alias/ prefix when it is missing.
func normalizeAlias(name string) string {
	if strings.HasPrefix(name, aliasPrefix) {
		return name
	}
	return aliasPrefix + name
}

func normalizeAliases(names []string) []string {
	if names == nil {
		return nil
	}
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = normalizeAlias(n)
	}
	return out
}

// aliasResourceName is the Terraform name of an alias resource of the key
// named keyName: <keyName>_alias_<alias without alias/, "/" as "_">. Part
// of the address scheme (see TerraformName).
func aliasResourceName(keyName, alias string) string {
	return keyName + "_alias_" + strings.ReplaceAll(strings.TrimPrefix(alias, aliasPrefix), "/", "_")
}

// validateAliases checks each alias and that no two of the key's aliases
// share a name or a resource name.
func (c *KmsKeyConfig) validateAliases(p *problems) {
	f := field{"Aliases", "aliases"}
	seen := map[string]int{}
	resourceNames := map[string]int{}
	for i, raw := range c.Aliases {
		fi := f.index(i)
		name := normalizeAlias(raw)
		switch {
		case raw == "" || name == aliasPrefix:
			p.add(fi, raw, "required: an alias name such as alias/app-key")
			continue
		case len(name) > maxAliasLen:
			p.add(fi, raw, "is %d characters long with the alias/ prefix; at most %d are allowed", len(name), maxAliasLen)
			continue
		case !aliasPattern.MatchString(name):
			p.add(fi, raw, "must be alias/ followed by letters, digits, /, _ and - only")
			continue
		case strings.HasPrefix(strings.ToLower(name), "alias/aws/"):
			p.add(fi, raw, "alias/aws/ is reserved for AWS managed keys")
			continue
		}
		if j, dup := seen[name]; dup {
			p.add(fi, raw, "duplicates aliases[%d] (%s)", j, name)
			continue
		}
		seen[name] = i
		rn := aliasResourceName("", name)
		if j, dup := resourceNames[rn]; dup {
			p.add(fi, raw, "maps to the same Terraform name as aliases[%d] (\"/\" and \"_\" both become \"_\"); rename one", j)
			continue
		}
		resourceNames[rn] = i
	}
}

// addAliases creates one aws_kms_alias per alias, targeting the key.
func (k *KmsKey) addAliases() {
	for _, name := range k.config.Aliases {
		resourceName := aliasResourceName(k.name, name)
		alias := kmsalias.NewKmsAlias(k.node, jsii.String(resourceName), &kmsalias.KmsAliasConfig{
			Name:        jsii.String(name),
			TargetKeyId: k.key.KeyId(),
		})
		k.pin(alias, resourceName)
		k.aliases = append(k.aliases, alias)
	}
}
