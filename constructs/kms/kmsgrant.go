package kms

import (
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsgrant"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/iam"
	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// KmsGrantSpec is a native KMS grant on the key (aws_kms_grant): the
// grantee may perform the operations with the key, under the constraints,
// until a retiring principal retires the grant.
type KmsGrantSpec struct {
	// Name names the grant (and its Terraform resource,
	// aws_kms_grant.<key name>_kms_grant_<name>). Required: 1 to 256
	// letters, digits and : / _ -, unique per key.
	Name string `json:"name"`
	// GranteePrincipal gets the permissions: an IAM or STS principal ARN
	// (account root, role, user, assumed-role) or an AWS service principal.
	// Required; takes a reference.
	GranteePrincipal string `json:"grantee_principal"`
	// Operations are KMS operations without the kms: prefix (Decrypt,
	// Encrypt, GenerateDataKey, Sign, GenerateMac, ...), each one the key's
	// spec supports (see GrantOperations). Required.
	Operations []string `json:"operations"`
	// RetiringPrincipal may retire the grant (same forms as
	// GranteePrincipal). Takes a reference. Default: none.
	RetiringPrincipal string `json:"retiring_principal,omitempty"`
	// EncryptionContextEquals allows the operations only with exactly this
	// encryption context. Symmetric encryption keys only; at most 8 pairs,
	// values at most 384 characters. Default: none.
	EncryptionContextEquals map[string]string `json:"encryption_context_equals,omitempty"`
	// EncryptionContextSubset allows the operations only when the
	// encryption context includes these pairs (same rules; not together
	// with EncryptionContextEquals). Default: none.
	EncryptionContextSubset map[string]string `json:"encryption_context_subset,omitempty"`
	// GrantCreationTokens make creating the grant idempotent. Default: none.
	GrantCreationTokens []string `json:"grant_creation_tokens,omitempty"`
	// RetireOnDelete retires the grant instead of revoking it when it is
	// destroyed. Default: false.
	RetireOnDelete bool `json:"retire_on_delete,omitempty"`
}

// GrantOperations returns the grant operations a key spec and usage ("" for
// the defaults) support, sorted (AWS KMS Developer Guide, "Grant
// operations": https://docs.aws.amazon.com/kms/latest/developerguide/grants.html#terms-grant-operations).
func GrantOperations(keySpec KeySpec, keyUsage KeyUsage) []string {
	c := KmsKeyConfig{CustomerMasterKeySpec: keySpec, KeyUsage: keyUsage}
	return c.grantOperations()
}

func (c *KmsKeyConfig) grantOperations() []string {
	return kmscat.GrantOperations(kmscat.TypeOf(c.keySpec(), c.keyUsage()))
}

var grantNamePattern = regexp.MustCompile(`^[A-Za-z0-9:/_-]{1,256}$`)

// validateKmsGrants checks the native grants.
func (c *KmsKeyConfig) validateKmsGrants(p *problems, partition string) {
	f := field{"KmsGrants", "kms_grants"}
	allowed := c.grantOperations()
	names := map[string]int{}
	principal := func(v string) string {
		if isServicePrincipal(v) {
			return policylint.ServicePrincipalProblem(v, partition)
		}
		_, msg := iam.ParsePrincipal(v, partition)
		return msg
	}
	for i, g := range c.KmsGrants {
		fi := f.index(i)
		fn := fi.sub("Name", "name")
		switch {
		case !grantNamePattern.MatchString(g.Name):
			p.add(fn, g.Name, "required: 1 to 256 letters, digits and : / _ -")
		default:
			tf := terraformSafe(g.Name)
			if j, dup := names[tf]; dup {
				p.add(fn, g.Name, "kms_grants[%d] has the same name (or the same Terraform name); names are unique per key", j)
			}
			names[tf] = i
		}
		fg := fi.sub("GranteePrincipal", "grantee_principal")
		switch {
		case g.GranteePrincipal == "":
			p.add(fg, "", "required: the principal that gets the permissions")
		case tftemplate.IsListToken(g.GranteePrincipal):
			// A whole list reference: one grant per element (for_each).
		default:
			validateReference(p, fg, g.GranteePrincipal, func(v string) string {
				if msg := principal(v); msg != "" {
					return msg
				}
				// A grant is a way to reach the key like a statement: the
				// same rule decides who may get which operations
				// (CreateGrant lets the grantee make further grants).
				return policylint.ReachProblem(c.lintContext(partition), principalKind(v), v, prefixed(g.Operations))
			})
		}
		if g.RetiringPrincipal != "" {
			validateReference(p, fi.sub("RetiringPrincipal", "retiring_principal"), g.RetiringPrincipal, func(v string) string {
				if msg := principal(v); msg != "" {
					return msg
				}
				// The retiring principal may retire the grant.
				return policylint.ReachProblem(c.lintContext(partition), principalKind(v), v, []string{"kms:RetireGrant"})
			})
		}
		fo := fi.sub("Operations", "operations")
		if len(g.Operations) == 0 {
			p.add(fo, nil, "required: one or more of %s", strings.Join(allowed, ", "))
		}
		if len(g.Operations) > 0 && !slices.ContainsFunc(g.Operations, func(op string) bool { return op != "CreateGrant" }) {
			// A grant that only lets its grantee make grants gives nothing
			// to pass on: AWS KMS refuses it (AWS KMS Developer Guide,
			// "Grant operations": CreateGrant passes on the grant's other
			// operations).
			p.add(fo, g.Operations, "CreateGrant alone is refused by AWS KMS: a grant must include an operation to pass on; add the operations the grantee needs (%s)", strings.Join(slices.DeleteFunc(slices.Clone(allowed), func(op string) bool { return op == "CreateGrant" }), ", "))
		}
		seen := map[string]bool{}
		for j, op := range g.Operations {
			switch {
			case seen[op]:
				p.add(fo.index(j), op, "is listed twice")
			case !slices.Contains(allowed, op):
				p.add(fo.index(j), op, "is not a grant operation for this key (%s, %s); allowed: %s (without kms:)", c.keySpec(), c.keyUsage(), strings.Join(allowed, ", "))
			}
			seen[op] = true
		}
		c.validateGrantConstraints(p, fi, g)
		validateEach(p, fi.sub("GrantCreationTokens", "grant_creation_tokens"), g.GrantCreationTokens, literalsOnly, func(t string) string {
			if len(t) == 0 || len(t) > 8192 {
				return "must be 1 to 8192 characters (AWS KMS API Reference, CreateGrant)"
			}
			return ""
		})
	}
}

// isServicePrincipal says whether a principal is an AWS service principal
// (s3.amazonaws.com, or a partition's other suffix).
func isServicePrincipal(v string) bool {
	if strings.HasPrefix(v, "arn:") {
		return false // an IAM or STS ARN, whatever its path or name holds
	}
	for _, suffix := range []string{".amazonaws.com", ".amazonaws.com.cn", ".c2s.ic.gov", ".sc2s.sgov.gov"} {
		if strings.HasSuffix(v, suffix) {
			return true
		}
	}
	return false
}

// principalKind is the key policy principal type of a grantee.
func principalKind(v string) string {
	if isServicePrincipal(v) {
		return "Service"
	}
	return "AWS"
}

// prefixed returns grant operations as the kms: actions they allow.
func prefixed(operations []string) []string {
	out := make([]string, len(operations))
	for i, op := range operations {
		out[i] = "kms:" + op
	}
	return out
}

// validateGrantConstraints checks the encryption context constraints.
func (c *KmsKeyConfig) validateGrantConstraints(p *problems, fi field, g KmsGrantSpec) {
	for _, ec := range []struct {
		f field
		m map[string]string
	}{
		{fi.sub("EncryptionContextEquals", "encryption_context_equals"), g.EncryptionContextEquals},
		{fi.sub("EncryptionContextSubset", "encryption_context_subset"), g.EncryptionContextSubset},
	} {
		if len(ec.m) == 0 {
			continue
		}
		switch {
		case c.keySpec() != "SYMMETRIC_DEFAULT":
			p.add(ec.f, nil, "encryption context constraints apply only to symmetric encryption keys; %s keys take no encryption context", c.keySpec())
			continue
		case len(ec.m) > 8:
			p.add(ec.f, nil, "has %d pairs; a constraint holds at most 8", len(ec.m))
		}
		for _, k := range slices.Sorted(maps.Keys(ec.m)) {
			fk := ec.f.sub(k, k)
			if k == "" {
				p.add(fk, k, "keys must not be empty")
			}
			if len(ec.m[k]) > 384 {
				p.add(fk, ec.m[k], "is %d characters long; values are at most 384", len(ec.m[k]))
			}
			if strings.Contains(k, "${") || strings.Contains(k, "%{") {
				p.add(fk, k, "keys must not hold ${ or %%{ (Terraform would read them as a template)")
			} else {
				validateLiteral(p, fk, k)
			}
			validateLiteral(p, fk, ec.m[k])
		}
	}
	if len(g.EncryptionContextEquals) > 0 && len(g.EncryptionContextSubset) > 0 {
		p.add(fi.sub("EncryptionContextSubset", "encryption_context_subset"), nil, "set encryption_context_equals or encryption_context_subset, not both")
	}
}

// kmsGrantResourceName is the Terraform name of a native grant.
func (k *KmsKey) kmsGrantResourceName(g KmsGrantSpec) string {
	return k.name + "_kms_grant_" + terraformSafe(g.Name)
}

// addKmsGrants creates the native grants.
func (k *KmsKey) addKmsGrants() {
	for _, g := range k.config.KmsGrants {
		name := k.kmsGrantResourceName(g)
		cfg := &kmsgrant.KmsGrantConfig{
			Name:             jsii.String(g.Name),
			KeyId:            keyID(k.key),
			GranteePrincipal: k.lit(g.GranteePrincipal),
			Operations:       jsii.Strings(g.Operations...),
		}
		if tftemplate.IsListToken(g.GranteePrincipal) {
			// One grant per element of the list.
			it := cdktf.TerraformIterator_FromList(&[]*string{jsii.String(g.GranteePrincipal)})
			cfg.ForEach, cfg.GranteePrincipal = it, cdktf.Token_AsString(it.Value(), nil)
		}
		if g.RetiringPrincipal != "" {
			cfg.RetiringPrincipal = k.lit(g.RetiringPrincipal)
		}
		if len(g.GrantCreationTokens) > 0 {
			tokens := make([]*string, len(g.GrantCreationTokens))
			for i, t := range g.GrantCreationTokens {
				tokens[i] = k.lit(t)
			}
			cfg.GrantCreationTokens = &tokens
		}
		if g.RetireOnDelete {
			cfg.RetireOnDelete = jsii.Bool(true)
		}
		if len(g.EncryptionContextEquals) > 0 || len(g.EncryptionContextSubset) > 0 {
			cons := &kmsgrant.KmsGrantConstraints{}
			if len(g.EncryptionContextEquals) > 0 {
				cons.EncryptionContextEquals = k.litMap(g.EncryptionContextEquals)
			} else {
				cons.EncryptionContextSubset = k.litMap(g.EncryptionContextSubset)
			}
			cfg.Constraints = &[]*kmsgrant.KmsGrantConstraints{cons}
		}
		if pre := k.kmsGrantPreconditions(g, *cfg.GranteePrincipal); len(pre) > 0 {
			cfg.Lifecycle = &cdktf.TerraformResourceLifecycle{Precondition: &pre}
		}
		grant := kmsgrant.NewKmsGrant(k.node, jsii.String(name), cfg)
		k.pin(grant, name)
		k.kmsGrants = append(k.kmsGrants, grant)
	}
}

// litMap escapes the values of a map (its keys are checked literals).
func (k *KmsKey) litMap(m map[string]string) *map[string]*string {
	out := make(map[string]*string, len(m))
	for key, v := range m {
		out[key] = k.lit(v)
	}
	return &out
}

// KmsGrants returns the native grants, in the order of KmsGrants.
func (k *KmsKey) KmsGrants() []kmsgrant.KmsGrant { return slices.Clone(k.kmsGrants) }
