package simcheck

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/stacks"
)

// keyKinds are the key types a random environment picks from: spec,
// usage, and the per-type user list that fits.
var keyKinds = []struct {
	spec, usage, users string
}{
	{"", "", "symmetric"},
	{"", "", "symmetric"},
	{"RSA_2048", "ENCRYPT_DECRYPT", "asymmetric"},
	{"ECC_NIST_P256", "SIGN_VERIFY", "sign"},
	{"HMAC_256", "GENERATE_VERIFY_MAC", "hmac"},
	{"ECC_NIST_P384", "KEY_AGREEMENT", ""},
}

// randomEnvironment makes a valid environment from a seed: principals of
// the key's account and of other accounts (roles, users, an assumed-role
// session), administrators, users by key type, service principals with and
// without confused-deputy conditions, service users, native grants with
// constraints and retiring principals, predefined roles, a wildcard
// principal pinned to accounts, Deny statements, replicas.
func randomEnvironment(seed uint64) stacks.Environment {
	r := rand.New(rand.NewPCG(seed, seed*7919+1))
	account := fmt.Sprintf("1%011d", r.Uint64N(1e11))
	others := []string{fmt.Sprintf("2%011d", r.Uint64N(1e11)), fmt.Sprintf("3%011d", r.Uint64N(1e11))}
	region := []string{"eu-west-1", "us-east-1", "eu-central-1"}[r.IntN(3)]
	kind := keyKinds[r.IntN(len(keyKinds))]
	n := 0
	principal := func(accounts ...string) string {
		n++
		acct := accounts[r.IntN(len(accounts))]
		switch r.IntN(5) {
		case 0:
			return fmt.Sprintf("arn:aws:iam::%s:user/u%d-%d", acct, seed, n)
		case 1:
			return fmt.Sprintf("arn:aws:sts::%s:assumed-role/s%d-%d/session", acct, seed, n)
		case 2:
			return fmt.Sprintf("arn:aws:iam::%s:role/team/r%d-%d", acct, seed, n)
		}
		return fmt.Sprintf("arn:aws:iam::%s:role/r%d-%d", acct, seed, n)
	}
	some := func(max int, accounts ...string) []string {
		var out []string
		for range r.IntN(max + 1) {
			out = append(out, principal(accounts...))
		}
		return out
	}
	env := stacks.Environment{Name: fmt.Sprintf("rand-%d", seed)}
	c := &env.KmsKeyConfig
	c.AwsAccountId, c.AwsRegion = account, region
	c.NamePrefix, c.Environment = fmt.Sprintf("rnd%d", seed), "test"
	c.CustomerMasterKeySpec, c.KeyUsage = kms.KeySpec(kind.spec), kms.KeyUsage(kind.usage)
	trusted := r.IntN(2) == 0
	if trusted {
		c.TrustedAccountIds = []string{others[0]}
	}
	mgmtAccounts := []string{account}
	if trusted {
		mgmtAccounts = append(mgmtAccounts, others[0])
	}
	all := append([]string{account}, others...)
	if kind.users == "symmetric" {
		c.AdditionalPrincipals = some(2, all...)
	}
	c.KeyAdministrators = some(2, mgmtAccounts...)
	c.KeyUsers = some(2, all...)
	switch kind.users {
	case "symmetric":
		c.KeySymmetricEncryptionUsers = some(1, all...)
	case "asymmetric":
		c.KeyAsymmetricPublicEncryptionUsers = some(2, all...)
	case "sign":
		c.KeyAsymmetricSignVerifyUsers = some(2, all...)
	case "hmac":
		c.KeyHmacUsers = some(2, all...)
	}
	c.KeyServiceUsers = some(1, mgmtAccounts...)
	if r.IntN(3) == 0 {
		c.KeyServiceRolesForAutoscaling = []string{fmt.Sprintf("arn:aws:iam::%s:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling", account)}
	}
	services := []string{"s3.amazonaws.com", "cloudtrail.amazonaws.com", "delivery.logs.amazonaws.com", "sns.amazonaws.com"}
	for _, i := range r.Perm(len(services))[:r.IntN(3)] {
		c.ServicePrincipals = append(c.ServicePrincipals, services[i])
	}
	documented := len(c.ServicePrincipals) > 0 && !slices.ContainsFunc(c.ServicePrincipals, func(s string) bool {
		return s != "cloudtrail.amazonaws.com" && s != "delivery.logs.amazonaws.com"
	})
	if documented && r.IntN(2) == 0 {
		c.ServicePrincipalsSourceAccount = true
	}
	if documented && r.IntN(2) == 0 {
		// One ARN of each service's own resources (the construct refuses a
		// service none of the ARNs belongs to).
		for _, sp := range c.ServicePrincipals {
			switch sp {
			case "cloudtrail.amazonaws.com":
				c.ServicePrincipalsSourceArns = append(c.ServicePrincipalsSourceArns, fmt.Sprintf("arn:aws:cloudtrail:%s:%s:trail/*", region, account))
			case "delivery.logs.amazonaws.com":
				c.ServicePrincipalsSourceArns = append(c.ServicePrincipalsSourceArns, fmt.Sprintf("arn:aws:logs:%s:%s:*", region, account))
			}
		}
	}
	c.RestrictCloudWatchLogs = r.IntN(2) == 0
	if kind.spec == "" && r.IntN(3) == 0 {
		c.MultiRegion = true
		c.ReplicaRegions = []string{"ap-southeast-2"}
	}
	// Native grants.
	ops := kms.GrantOperations(kms.KeySpec(kind.spec), kms.KeyUsage(kind.usage))
	for g := range r.IntN(3) {
		spec := kms.KmsGrantSpec{Name: fmt.Sprintf("grant-%d", g)}
		if r.IntN(4) == 0 {
			spec.GranteePrincipal = "dynamodb.amazonaws.com"
		} else {
			spec.GranteePrincipal = principal(all...)
		}
		for _, i := range r.Perm(len(ops))[:1+r.IntN(3)] {
			spec.Operations = append(spec.Operations, ops[i])
		}
		// The reach rule: grant operations (CreateGrant, RetireGrant) go
		// only to the key's or a trusted account, or to a trusted service.
		manages := slices.ContainsFunc(mgmtAccounts, func(a string) bool { return strings.Contains(spec.GranteePrincipal, ":"+a+":") })
		if spec.GranteePrincipal == "dynamodb.amazonaws.com" && r.IntN(2) == 0 {
			c.TrustedServicePrincipals = []string{"dynamodb.amazonaws.com"}
		}
		if !manages && !slices.Contains(c.TrustedServicePrincipals, spec.GranteePrincipal) {
			spec.Operations = slices.DeleteFunc(spec.Operations, func(op string) bool { return op == "CreateGrant" || op == "RetireGrant" })
			if len(spec.Operations) == 0 {
				spec.Operations = []string{ops[0]}
				if ops[0] == "CreateGrant" {
					spec.Operations = []string{"DescribeKey"}
				}
			}
		}
		if !slices.ContainsFunc(spec.Operations, func(op string) bool { return op != "CreateGrant" }) {
			// AWS KMS refuses a grant of CreateGrant alone.
			spec.Operations = append(spec.Operations, "DescribeKey")
		}
		if r.IntN(2) == 0 {
			spec.RetiringPrincipal = principal(account)
		}
		if kind.spec == "" {
			switch r.IntN(3) {
			case 0:
				spec.EncryptionContextSubset = map[string]string{"Team": fmt.Sprintf("t%d", g)}
			case 1:
				spec.EncryptionContextEquals = map[string]string{"App": "orders", "Stage": "prod"}
			}
		}
		c.KmsGrants = append(c.KmsGrants, spec)
	}
	// Predefined roles with an access level that fits the key.
	var levels []kms.Access
	for _, a := range kms.AccessLevels() {
		if _, err := kms.AccessActionsFor(a, kms.KeySpec(kind.spec), kms.KeyUsage(kind.usage)); err == nil {
			levels = append(levels, a)
		}
	}
	// Their boundaries and managed policies come from a generator of their
	// own, so that the rest of each environment stays as it was.
	rr := rand.New(rand.NewPCG(seed, seed*104729+3))
	for i := range r.IntN(3) {
		role := kms.RoleSpec{
			Service: []string{"lambda", "ecs-tasks"}[r.IntN(2)],
			Access:  levels[r.IntN(len(levels))],
			Name:    fmt.Sprintf("rnd%d-role-%d", seed, i),
		}
		// A permissions boundary the stack does not define.
		if rr.IntN(2) == 0 {
			role.PermissionsBoundary = fmt.Sprintf("arn:aws:iam::%s:policy/boundaries/rnd%d-boundary-%d", account, seed, i)
		}
		// Managed policies: a customer managed one the stack does not
		// define; an AWS managed one that allows no KMS action (the report
		// knows them) or one that does (it does not).
		if rr.IntN(2) == 0 {
			role.ManagedPolicyArns = append(role.ManagedPolicyArns, fmt.Sprintf("arn:aws:iam::%s:policy/rnd%d-extra-%d", account, seed, i))
		}
		if rr.IntN(2) == 0 {
			role.ManagedPolicyArns = append(role.ManagedPolicyArns, awsManagedPolicies[rr.IntN(len(awsManagedPolicies))])
		}
		c.Roles = append(c.Roles, role)
	}
	usage := kms.UserActions(kms.KeySpec(kind.spec), kms.KeyUsage(kind.usage))
	// A wildcard principal pinned to this account (and a trusted one).
	if r.IntN(2) == 0 {
		pinned := []string{account}
		if trusted && r.IntN(2) == 0 {
			pinned = append(pinned, others[0])
		}
		s := kms.PolicyStatement{Sid: "PinnedWildcard", Effect: "Allow", Principal: map[string]kms.OneOrMany{"AWS": {"*"}},
			Action: kms.OneOrMany{usage[r.IntN(len(usage))]}, Resource: kms.OneOrMany{"*"},
			Condition: map[string]map[string]any{"StringEquals": {"aws:PrincipalAccount": anyList(pinned)}}}
		if r.IntN(2) == 0 {
			s.Condition["StringEquals"]["kms:ViaService"] = fmt.Sprintf("s3.%s.amazonaws.com", region)
		}
		c.ExtraPolicyStatements = append(c.ExtraPolicyStatements, s)
	}
	// An allow under an encryption context condition.
	if kind.spec == "" && r.IntN(2) == 0 {
		c.ExtraPolicyStatements = append(c.ExtraPolicyStatements, kms.PolicyStatement{Sid: "DecryptForTeam", Effect: "Allow",
			Principal: map[string]kms.OneOrMany{"AWS": {principal(account)}}, Action: kms.OneOrMany{"kms:Decrypt", "kms:DescribeKey"},
			Resource: kms.OneOrMany{"*"}, Condition: map[string]map[string]any{"StringEquals": {"kms:EncryptionContext:Team": "orders"}}})
	}
	// A trusted account's root with management actions.
	if trusted && r.IntN(2) == 0 {
		c.ExtraPolicyStatements = append(c.ExtraPolicyStatements, kms.PolicyStatement{Sid: "TrustedAccountReads", Effect: "Allow",
			Principal: map[string]kms.OneOrMany{"AWS": {"arn:aws:iam::" + others[0] + ":root"}}, Action: kms.OneOrMany{"kms:Describe*", "kms:Get*", "kms:List*"},
			Resource: kms.OneOrMany{"*"}})
	}
	// Deny statements: one principal, unconditionally; everyone, under a
	// condition; and the plain-HTTP deny, which never applies to KMS.
	if users := append(slices.Clone(c.KeyUsers), c.AdditionalPrincipals...); len(users) > 0 && r.IntN(2) == 0 {
		c.ExtraPolicyStatements = append(c.ExtraPolicyStatements, kms.PolicyStatement{Sid: "DenyOneUser", Effect: "Deny",
			Principal: map[string]kms.OneOrMany{"AWS": {users[r.IntN(len(users))]}}, Action: kms.OneOrMany{usage[r.IntN(len(usage))]}, Resource: kms.OneOrMany{"*"}})
	}
	if r.IntN(2) == 0 {
		c.ExtraPolicyStatements = append(c.ExtraPolicyStatements, kms.PolicyStatement{Sid: "DenyOutsideTheOrg", Effect: "Deny",
			Principal: map[string]kms.OneOrMany{"AWS": {"*"}}, Action: kms.OneOrMany{usage[r.IntN(len(usage))]}, Resource: kms.OneOrMany{"*"},
			Condition: map[string]map[string]any{"StringNotEquals": {"aws:PrincipalOrgID": "o-abcdef1234"}}})
	}
	if r.IntN(3) == 0 {
		c.ExtraPolicyStatements = append(c.ExtraPolicyStatements, kms.PolicyStatement{Sid: "DenyPlainHTTP", Effect: "Deny",
			Principal: map[string]kms.OneOrMany{"AWS": {"*"}}, Action: kms.OneOrMany{"kms:*"}, Resource: kms.OneOrMany{"*"},
			Condition: map[string]map[string]any{"Bool": {"aws:SecureTransport": "false"}}})
	}
	if r.IntN(3) == 0 {
		c.Monitoring = &kms.MonitoringConfig{CloudtrailLogGroupName: "trail-" + account}
	}
	return env
}

// awsManagedPolicies are the AWS managed policies a predefined role may
// get: three that allow no KMS action and one that does.
var awsManagedPolicies = []string{
	"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
	"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
	"arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
	"arn:aws:iam::aws:policy/AWSKeyManagementServicePowerUser",
}

func anyList(values []string) any {
	if len(values) == 1 {
		return values[0]
	}
	return values
}
