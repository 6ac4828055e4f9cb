package kms

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/jsii-runtime-go"
	goversion "github.com/hashicorp/go-version"
	"github.com/hashicorp/terraform-cdk-go/cdktf"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// The AWS provider versions a stack may run with.
//
// The cdktf-provider-aws-go/aws/v19 bindings write a stack that requires
// exactly 5.84.0, a release that gets no fixes since 6.0 (June 2025). The
// end-to-end tests apply every stack with 6.47.1, built from source, and
// the synthesis tests check the arguments against the 5.84.0 schema the
// bindings carry. DefaultAwsProviderConstraint admits both, and nothing
// from 7.0.0 on, whose breaking changes no test has seen.
const DefaultAwsProviderConstraint = ">= 5.84.0, < 7.0.0"

// BindingsAwsProviderVersion is the version the bindings pin, which a
// stack requires when nothing sets its constraint.
const BindingsAwsProviderVersion = "5.84.0"

// testedAwsProviderVersions are the releases the tests prove: the bindings'
// (synthesis against its schema) and the one the end-to-end tests apply
// with (__tests__/deploy builds it; a test there checks it is listed).
var testedAwsProviderVersions = []string{BindingsAwsProviderVersion, "6.47.1"}

// TestedAwsProviderVersions returns the AWS provider releases the tests
// prove (a fresh copy).
func TestedAwsProviderVersions() []string { return slices.Clone(testedAwsProviderVersions) }

// ProviderConstraintProblem says what is wrong with an AWS provider
// version constraint (Terraform's syntax: ">= 6.2.0, < 7.0.0", "~> 6.21"),
// or returns "": it must parse and admit at least one tested release
// (TestedAwsProviderVersions), so that a stack never requires only
// versions nothing here has run.
func ProviderConstraintProblem(constraint string) string {
	elements, err := constraintElements(constraint)
	if err != nil {
		return fmt.Sprintf("is not a version constraint (Terraform's syntax, like %q): %v", DefaultAwsProviderConstraint, err)
	}
	cs, err := goversion.NewConstraint(strings.Join(elements, ", "))
	if err != nil {
		return fmt.Sprintf("is not a version constraint (Terraform's syntax, like %q): %v", DefaultAwsProviderConstraint, err)
	}
	for _, v := range testedAwsProviderVersions {
		if cs.Check(goversion.Must(goversion.NewVersion(v))) {
			return ""
		}
	}
	return fmt.Sprintf("admits none of the AWS provider releases the tests prove (%s); keep one of them in the range", strings.Join(testedAwsProviderVersions, ", "))
}

// constraintElement is one element of a version constraint as Terraform
// reads it (Terraform Language, "Version Constraints"): an optional
// operator and a version of one to three numbers, with an optional
// pre-release suffix; no "v" prefix, no fourth number.
var constraintElement = regexp.MustCompile(`^(=|!=|>=|>|<=|<|~>)?\s*([0-9]+(?:\.[0-9]+){0,2}(?:-[0-9A-Za-z.-]+)?)$`)

// constraintElements splits a constraint into its elements, each written
// "<operator> <version>", or says what Terraform would refuse.
func constraintElements(constraint string) ([]string, error) {
	var out []string
	for _, e := range strings.Split(constraint, ",") {
		m := constraintElement.FindStringSubmatch(strings.TrimSpace(e))
		if m == nil {
			return nil, fmt.Errorf("%q is not an operator (=, !=, >, >=, <, <=, ~>) and a version of one to three numbers without a \"v\" prefix", strings.TrimSpace(e))
		}
		op := m[1]
		if op == "" {
			op = "="
		}
		out = append(out, op+" "+m[2])
	}
	return out, nil
}

// admitsOnlyFrom says whether every version a constraint admits is min or
// later: some element of the constraint bounds it from below at min or
// above (>=, >, = or ~>).
func admitsOnlyFrom(constraint string, min string) bool {
	elements, err := constraintElements(constraint)
	if err != nil {
		return false
	}
	floor := goversion.Must(goversion.NewVersion(min))
	for _, e := range elements {
		op, v, _ := strings.Cut(e, " ")
		bound, err := goversion.NewVersion(v)
		if err != nil {
			continue
		}
		switch op {
		case ">=", ">", "=", "~>":
			if bound.GreaterThanOrEqual(floor) {
				return true
			}
		}
	}
	return false
}

// validateProviderFeatures refuses what the stack's provider constraint
// does not admit: a key spec that only later releases accept.
func (c *KmsKeyConfig) validateProviderFeatures(p *problems, constraint string) {
	if c.externalSpecOrUsage() && !admitsOnlyFrom(constraint, externalNeedsProvider) {
		p.add(field{"Origin", "origin"}, string(c.Origin), "a key with imported key material of key spec %s and usage %s needs the AWS provider %s or later (aws_kms_external_key's key_spec and key_usage: hashicorp/terraform-provider-aws#44011), and the stack's provider constraint %q admits earlier releases: require \">= %s, < 7.0.0\" (aws_provider_version in cdktf.json, or kms.SetAwsProviderConstraint)",
			c.keySpec(), c.keyUsage(), externalNeedsProvider, constraint, externalNeedsProvider)
	}
	spec, ok := kmscat.LookupKeySpec(c.keySpec())
	if !ok || spec.Provider == "" || admitsOnlyFrom(constraint, spec.Provider) {
		return
	}
	p.add(field{"CustomerMasterKeySpec", "customer_master_key_spec"}, string(c.CustomerMasterKeySpec), "needs the AWS provider %s or later (%s), and the stack's provider constraint %q admits earlier releases: require \">= %s, < 7.0.0\" (aws_provider_version in cdktf.json, or kms.SetAwsProviderConstraint)",
		spec.Provider, spec.ProviderSource, constraint, spec.Provider)
}

// ValidateForProvider checks the configuration as Validate does, and
// against an AWS provider version constraint: the constraint itself
// (ProviderConstraintProblem) and the features that need a later release
// than it admits. The error is a list of *FieldError.
func (c *KmsKeyConfig) ValidateForProvider(constraint string) error {
	var p problems
	if err := c.Validate(); err != nil {
		for _, fe := range FieldErrors(err) {
			p = append(p, fe)
		}
	}
	if msg := ProviderConstraintProblem(constraint); msg != "" {
		p.add(fProviderConstraint, constraint, "%s", msg)
	} else {
		c.validateProviderFeatures(&p, constraint)
	}
	return p.err()
}

var fProviderConstraint = field{"AwsProviderVersion", "aws_provider_version"}

// SetAwsProviderConstraint sets the AWS provider versions a stack requires
// (terraform.required_providers.aws.version), in place of the bindings'
// exact 5.84.0. The constraint must admit a release the tests prove
// (ProviderConstraintProblem), and every key already in the stack must fit
// it; keys created later are checked against it. Call it before or after
// the stack's keys, once per stack.
func SetAwsProviderConstraint(stack cdktf.TerraformStack, constraint string) error {
	if msg := ProviderConstraintProblem(constraint); msg != "" {
		return &FieldError{Field: fProviderConstraint.goName, Key: fProviderConstraint.key, Value: constraint, Rule: msg}
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	st, err := stateOf(stack)
	if err != nil {
		return &FieldError{Field: fProviderConstraint.goName, Key: fProviderConstraint.key, Value: constraint, Rule: "cannot be set on the stack: " + err.Error()}
	}
	if err := st.afterSynth(fProviderConstraint, constraint); err != nil {
		return err
	}
	var p problems
	for _, k := range st.keys {
		k.config.validateProviderFeatures(&p, constraint)
	}
	if err := p.err(); err != nil {
		return err
	}
	st.attach()
	st.providerConstraint = constraint
	stack.AddOverride(jsii.String("terraform.required_providers.aws.version"), jsii.String(constraint))
	return nil
}

// providerConstraintOf is the constraint a stack requires.
func (st *stackState) providerConstraintOf() string {
	if st.providerConstraint != "" {
		return st.providerConstraint
	}
	return BindingsAwsProviderVersion
}
