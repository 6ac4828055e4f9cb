package kms

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsalias"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/kmsoutputs"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

const (
	aliasPrefix = "alias/"
	// maxAliasLen is AWS's limit on an alias name, prefix included.
	maxAliasLen = 256
)

// aliasChars are the characters AWS allows in an alias name after the
// prefix (AWS KMS API Reference, CreateAlias, AliasName); aliasPattern is
// its rule for a literal name (the length is checked apart, for its own
// message), aliasTextPattern for the text around a reference, and
// aliasReferencePattern for a reference's value at plan (length included).
const aliasChars = `[A-Za-z0-9/_-]`

var (
	aliasPattern          = regexp.MustCompile(`^alias/` + aliasChars + `+$`)
	aliasTextPattern      = regexp.MustCompile(`^` + aliasChars + `*$`)
	aliasReferencePattern = fmt.Sprintf(`^alias/%s{1,%d}$`, aliasChars, maxAliasLen-len(aliasPrefix))
)

// normalizeAlias adds the alias/ prefix when it is missing. A reference is
// taken as it is: its value must hold the prefix (checked at plan).
func normalizeAlias(name string) string {
	if strings.HasPrefix(name, aliasPrefix) || isReference(name) {
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

// aliasProblem says what is wrong with one alias name, or returns "". A
// reference is checked at plan (aliasPrecondition); a whole list is not
// one name.
func aliasProblem(raw string) string {
	name := normalizeAlias(raw)
	switch {
	case tftemplate.IsListToken(raw):
		return "is a whole list reference; an alias takes one name: add one alias per element (AddAlias with cdktf.Fn_Element), or write the names"
	case isReference(raw):
		// The text around the reference reaches the precondition's regex
		// and the alias: it holds only what an alias name may hold.
		if lit := tftemplate.ReplaceMarkers(raw, func(string) string { return "" }); !aliasTextPattern.MatchString(lit) {
			return fmt.Sprintf("holds a reference, and the text around it (%q) may hold only letters, digits, /, _ and -, as an alias name does", lit)
		}
		return ""
	case raw == "" || name == aliasPrefix:
		return "required: an alias name such as alias/app-key"
	case len(name) > maxAliasLen:
		return fmt.Sprintf("is %d characters long with the alias/ prefix; at most %d are allowed", len(name), maxAliasLen)
	case !aliasPattern.MatchString(name):
		return "must be alias/ followed by letters, digits, /, _ and - only"
	case strings.HasPrefix(strings.ToLower(name), "alias/aws/"):
		return "alias/aws/ is reserved for AWS managed keys"
	}
	return ""
}

// validateAliases checks each alias and that no two of the key's aliases
// share a name or a resource name.
func (c *KmsKeyConfig) validateAliases(p *problems) {
	f := field{"Aliases", "aliases"}
	seen := map[string]int{}
	resourceNames := map[string]int{}
	for i, raw := range c.Aliases {
		fi := f.index(i)
		if msg := aliasProblem(raw); msg != "" {
			p.add(fi, raw, "%s", msg)
			continue
		}
		name := normalizeAlias(raw)
		if j, dup := seen[name]; dup {
			if isReference(name) {
				p.add(fi, raw, "duplicates aliases[%d] (the same reference)", j)
			} else {
				p.add(fi, raw, "duplicates aliases[%d] (%s)", j, name)
			}
			continue
		}
		seen[name] = i
		if isReference(name) {
			continue // its Terraform name comes from its expression (aliasTfName)
		}
		rn := aliasResourceName("", name)
		if j, dup := resourceNames[rn]; dup {
			p.add(fi, raw, "maps to the same Terraform name as aliases[%d] (\"/\" and \"_\" both become \"_\"); rename one", j)
			continue
		}
		resourceNames[rn] = i
	}
}

// addAliases creates one aws_kms_alias per alias, targeting the key, and
// one per alias and replica, targeting the replica.
func (k *KmsKey) addAliases() {
	for i, name := range k.config.Aliases {
		k.createAlias(field{"Aliases", "aliases"}.index(i), name)
	}
}

// aliasPrecondition holds an alias name given by reference to AWS's rule
// at plan: the form, and not under alias/aws/ (reserved for AWS managed
// keys).
func (k *KmsKey) aliasPrecondition(f field, name string) *cdktf.Precondition {
	cond := cdktf.Op_And(referenceCondition(name, aliasReferencePattern),
		cdktf.Op_Not(cdktf.Fn_Can(cdktf.Fn_Regex(jsii.String("^(?i)alias/aws/"), jsii.String(name)))))
	return &cdktf.Precondition{
		Condition: cond,
		ErrorMessage: k.lit(fmt.Sprintf("%s: the reference %s is an alias name of %s, and it must be alias/ followed by 1 to 250 letters, digits, /, _ and - (AWS KMS API Reference, CreateAlias), not under alias/aws/, which AWS reserves for AWS managed keys",
			f.key, k.displayRef(name), k.Address())),
	}
}

// aliasDisplay names an alias in a message: a reference by its Terraform
// expression.
func (k *KmsKey) aliasDisplay(name string) string {
	if isReference(name) {
		return k.displayRef(name)
	}
	return name
}

// aliasTfName is the Terraform name of an alias resource of the key: from
// the name for a literal, from a hash of the Terraform expression for a
// reference (the same expression keeps the same address; the token's own
// text changes with the order tokens are made in).
func (k *KmsKey) aliasTfName(name string) string {
	if !isReference(name) {
		return aliasResourceName(k.name, name)
	}
	return k.name + "_alias_ref_" + shortHash(fmt.Sprint(k.stack.resolveAny(name)))
}

// createAlias creates the alias for the key and for each replica.
func (k *KmsKey) createAlias(f field, name string) kmsalias.KmsAlias {
	resourceName := k.aliasTfName(name)
	cfg := &kmsalias.KmsAliasConfig{
		Name:        jsii.String(name),
		TargetKeyId: keyID(k.key),
	}
	if isReference(name) {
		cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{Precondition: &[]*cdktf.Precondition{k.aliasPrecondition(f, name)}}
	}
	alias := kmsalias.NewKmsAlias(k.node, jsii.String(resourceName), cfg)
	k.pin(alias, resourceName)
	k.aliases = append(k.aliases, alias)
	for _, r := range k.replicas {
		rn := replicaAliasResourceName(resourceName, r.Region)
		ra := kmsalias.NewKmsAlias(k.node, jsii.String(rn), &kmsalias.KmsAliasConfig{
			Name:        jsii.String(name),
			TargetKeyId: r.KeyId(),
			Provider:    r.Provider,
		})
		k.pin(ra, rn)
		k.replicaAliases[r.Region] = append(k.replicaAliases[r.Region], ra)
	}
	return alias
}

// aliasOutputValues returns the alias names and ARNs for the outputs.
func (k *KmsKey) aliasOutputValues() (names, arns []*string) {
	names = make([]*string, len(k.aliases))
	arns = make([]*string, len(k.aliases))
	for i, a := range k.aliases {
		names[i], arns[i] = a.Name(), a.Arn()
	}
	return names, arns
}

// AddAlias adds an alias to the key (and to each replica) after
// construction, checked like the Aliases field: its form, and that no key of
// the app has it in the same account and region; a name that is a
// reference is checked at plan, as in Aliases. It updates the alias
// outputs (creating them for the first alias). On error nothing is added.
// Call it before the app synthesizes.
func (k *KmsKey) AddAlias(name string) (kmsalias.KmsAlias, error) {
	f := field{"alias", "alias"}
	if msg := aliasProblem(name); msg != "" {
		return nil, &FieldError{Field: f.goName, Key: f.key, Value: k.aliasDisplay(name), Rule: msg}
	}
	name = normalizeAlias(name)
	registryMu.Lock()
	defer registryMu.Unlock()
	if err := k.stack.afterSynth(f, name); err != nil {
		return nil, err
	}
	rn := k.aliasTfName(name)
	for _, a := range k.config.Aliases {
		if k.aliasTfName(a) == rn {
			return nil, &FieldError{Field: f.goName, Key: f.key, Value: k.aliasDisplay(name), Rule: fmt.Sprintf("is already an alias of %s, or maps to the same Terraform name as %s", k.Address(), k.aliasDisplay(a))}
		}
	}
	c := &claims{st: k.stack, owner: k.Address()}
	k.claimAlias(c, f, name)
	firstAlias := len(k.aliases) == 0 && !k.config.SkipOutputs
	if firstAlias {
		c.output(k.config.outputName(kmsoutputs.AliasNames), f, name)
		c.output(k.config.outputName(kmsoutputs.AliasArns), f, name)
	}
	if err := c.check(); err != nil {
		return nil, err
	}
	if err := c.checkChildren(""); err != nil {
		return nil, err
	}
	c.commit()
	k.config.Aliases = append(k.config.Aliases, name)
	alias := k.createAlias(f, name)
	if !k.config.SkipOutputs {
		names, arns := k.aliasOutputValues()
		if firstAlias {
			k.addOutput(kmsoutputs.AliasNames, names)
			k.addOutput(kmsoutputs.AliasArns, arns)
		} else {
			k.outputs[kmsoutputs.AliasNames].SetValue(names)
			k.outputs[kmsoutputs.AliasArns].SetValue(arns)
		}
	}
	k.moveFrom(alias, rn)
	return alias, nil
}

// Aliases returns the key's alias names, each with the alias/ prefix.
func (k *KmsKey) Aliases() []string { return append([]string(nil), k.config.Aliases...) }

// AliasArns returns tokens for the ARNs of the key's aliases, in the order
// of Aliases.
func (k *KmsKey) AliasArns() []*string {
	out := make([]*string, len(k.aliases))
	for i, a := range k.aliases {
		out[i] = a.Arn()
	}
	return out
}

// AliasResources returns the aws_kms_alias resources of the key (not of
// its replicas), in the order of Aliases.
func (k *KmsKey) AliasResources() []kmsalias.KmsAlias {
	return append([]kmsalias.KmsAlias(nil), k.aliases...)
}
