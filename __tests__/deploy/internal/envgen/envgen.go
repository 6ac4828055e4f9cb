// Package envgen generates random cdktf.json environments for the
// end-to-end tests, from a seed, so that a failure is reproduced by its
// seed: random principals (roles, users with paths, the account root,
// assumed roles) of one account, key administrators and key users, aliases,
// tags (Unicode letters included), descriptions with Terraform template
// characters (${, %{, $${, %%{, quotes, backslashes, line breaks), Lambda
// and ECS task roles with access levels, tags, paths and managed policies,
// and native KMS grants with constraints. It generates only what the AWS
// API emulator can apply (no replicas, alarms or Deny statements) and only
// valid configurations (a test checks that for many seeds).
package envgen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Account is the account every generated principal and key is in: the
// emulator's.
const Account = "123456789012"

// Region is the generated environments' region.
const Region = "eu-west-1"

// Seed and Count are what the end-to-end tests deploy by default: one
// project of Count environments from Seed, chosen because together they
// cover every feature the generator has (a test checks that), at the cost
// of two stacks.
const (
	Seed  = 156
	Count = 2
)

// Environment is one generated environment, in cdktf.json's form.
type Environment map[string]any

// Generate returns n environments (1 to 3 when n is 0) for a seed, keyed by
// name. Names that AWS keeps per account (aliases, roles) are unique across
// them.
func Generate(seed uint64, n int) map[string]Environment {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), seed: seed, used: map[string]bool{}}
	if n == 0 {
		n = 1 + g.r.IntN(3)
	}
	out := map[string]Environment{}
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("g%d-%c", seed%1000, 'a'+i)
		out[name] = g.environment(name)
	}
	return out
}

// JSON returns the environments object of cdktf.json for a seed.
func JSON(seed uint64, n int) string {
	raw, err := json.MarshalIndent(Generate(seed, n), "", "  ")
	if err != nil {
		panic(err)
	}
	return string(raw)
}

type gen struct {
	r    *rand.Rand
	seed uint64
	used map[string]bool // lower-cased names unique per account
}

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }

func (g *gen) pick(list ...string) string { return list[g.r.IntN(len(list))] }

// unique returns a name from f that no earlier call returned (compared
// without case, as IAM compares role names).
func (g *gen) unique(kind string, f func() string) string {
	for {
		s := f()
		if !g.used[kind+":"+strings.ToLower(s)] {
			g.used[kind+":"+strings.ToLower(s)] = true
			return s
		}
	}
}

const (
	lower  = "abcdefghijklmnopqrstuvwxyz"
	alnum  = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	iamSet = alnum + "+=,.@_-"
)

func (g *gen) word(set string, min, max int) string {
	n := min + g.r.IntN(max-min+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(set[g.r.IntN(len(set))])
	}
	return b.String()
}

// iamName is an IAM role or user name: letters, digits and +=,.@_-.
func (g *gen) iamName() string {
	return g.word(alnum, 1, 1) + g.word(iamSet, 2, 20)
}

// iamPath is "/" or "/a/b/".
func (g *gen) iamPath() string {
	if g.chance(0.5) {
		return "/"
	}
	var b strings.Builder
	b.WriteString("/")
	for i := 0; i <= g.r.IntN(2); i++ {
		b.WriteString(g.word(alnum+"_-", 1, 10) + "/")
	}
	return b.String()
}

// principal is a principal of the account.
func (g *gen) principal() string {
	switch g.r.IntN(7) {
	case 0:
		return "arn:aws:iam::" + Account + ":root"
	case 1, 2:
		return "arn:aws:iam::" + Account + ":user" + g.iamPath() + g.iamName()
	case 3:
		return "arn:aws:sts::" + Account + ":assumed-role/" + g.iamName() + "/" + g.word(alnum+"=,.@-", 2, 16)
	default:
		return "arn:aws:iam::" + Account + ":role" + g.iamPath() + g.iamName()
	}
}

// principals returns up to max distinct principals.
func (g *gen) principals(max int) []string {
	n := g.r.IntN(max + 1)
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		p := g.principal()
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}

// roleARN is a role (not a user or root): for grantees.
func (g *gen) roleARN() string {
	return "arn:aws:iam::" + Account + ":role" + g.iamPath() + g.iamName()
}

// tagChars are what AWS allows in tags, Unicode letters and digits
// included (in NFC).
var tagChars = []string{"a", "Z", "0", "9", " ", "_", ".", ":", "/", "=", "+", "-", "@", "é", "ß", "Ω", "日", "本", "ü", "٣"}

func (g *gen) tagText(min, max int) string {
	n := min + g.r.IntN(max-min+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(tagChars[g.r.IntN(len(tagChars))])
	}
	return b.String()
}

func (g *gen) tags(max int) map[string]string {
	out := map[string]string{}
	for i, n := 0, g.r.IntN(max+1); i < n; i++ {
		k := g.word(alnum, 1, 1) + g.tagText(0, 30)
		if strings.EqualFold(k, "Name") || strings.EqualFold(k, "Environment") || strings.HasPrefix(strings.ToLower(k), "aws:") {
			continue
		}
		out[k] = g.tagText(0, 60)
	}
	return out
}

// templateBits are pieces of text that Terraform would read as template
// syntax if the construct did not escape them.
var templateBits = []string{"${", "%{", "$${", "%%{", "${var.x}", "%{ if true }x%{ endif }", "$", "%", "}", "{", `"`, `\`, `\n`, "\n", "\t", "ü", "日本", "'", "<>&"}

func (g *gen) description() string {
	var b strings.Builder
	b.WriteString(g.pick("Key for ", "Orders: ", "", "${", "%{"))
	for i, n := 0, 1+g.r.IntN(6); i < n; i++ {
		b.WriteString(g.word(alnum+" ", 0, 8))
		b.WriteString(templateBits[g.r.IntN(len(templateBits))])
	}
	return b.String()
}

func (g *gen) alias() string {
	return g.unique("alias", func() string {
		return "alias/" + g.word(lower, 1, 1) + g.word(lower+"0123456789/_-", 2, 30)
	})
}

// accessLevels fit a symmetric encryption key.
var accessLevels = []string{"encrypt", "decrypt", "encrypt_decrypt", "admin"}

var managedPolicies = map[string][]string{
	"lambda":    {"arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"},
	"ecs-tasks": {"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess"},
}

func (g *gen) roles() []map[string]any {
	var out []map[string]any
	for i, n := 0, g.r.IntN(3); i < n; i++ {
		service := g.pick("lambda", "ecs-tasks")
		r := map[string]any{
			"service": service,
			// Explicit and unique: two roles of one service would get the
			// same default name.
			"name": g.unique("role", func() string { return g.word(alnum, 1, 1) + g.word(iamSet, 3, 40) }),
		}
		if g.chance(0.7) {
			r["access"] = g.pick(accessLevels...)
		}
		if g.chance(0.4) {
			r["path"] = "/" + g.word(alnum+"_-", 1, 12) + "/"
		}
		if g.chance(0.4) {
			r["managed_policy_arns"] = []string{g.pick(managedPolicies[service]...)}
		}
		if t := g.tags(3); len(t) > 0 {
			r["tags"] = t
		}
		out = append(out, r)
	}
	return out
}

var grantOperations = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext",
	"GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "CreateGrant", "DescribeKey", "RetireGrant"}

func (g *gen) grants() []map[string]any {
	var out []map[string]any
	names := map[string]bool{}
	for i, n := 0, g.r.IntN(3); i < n; i++ {
		name := g.word(alnum, 1, 1) + g.word(alnum+":/_-", 2, 30)
		if names[strings.NewReplacer(":", "_", "/", "_", "-", "_").Replace(name)] {
			continue
		}
		names[strings.NewReplacer(":", "_", "/", "_", "-", "_").Replace(name)] = true
		ops := map[string]bool{}
		for j, m := 0, 1+g.r.IntN(4); j < m; j++ {
			ops[g.pick(grantOperations...)] = true
		}
		var opList []string
		for _, op := range grantOperations {
			if ops[op] {
				opList = append(opList, op)
			}
		}
		gr := map[string]any{"name": name, "grantee_principal": g.roleARN(), "operations": opList}
		if g.chance(0.5) {
			gr["retiring_principal"] = g.roleARN()
		}
		if g.chance(0.5) {
			ctx := map[string]string{}
			for j, m := 0, 1+g.r.IntN(2); j < m; j++ {
				ctx[g.word(alnum, 1, 12)] = g.word(alnum+"-_", 1, 20)
			}
			gr[g.pick("encryption_context_subset", "encryption_context_equals")] = ctx
		}
		if g.chance(0.3) {
			gr["retire_on_delete"] = true
		}
		out = append(out, gr)
	}
	return out
}

func (g *gen) environment(name string) Environment {
	e := Environment{
		"aws_account_id": Account,
		"aws_region":     Region,
		"name_prefix":    g.word(alnum, 1, 1) + g.word(alnum+"_-", 0, 20),
	}
	if g.chance(0.5) {
		e["environment"] = g.word(alnum, 1, 1) + g.word(alnum+"_-", 0, 15)
	}
	if p := g.principals(3); len(p) > 0 {
		e["additional_principals"] = p
	}
	if p := g.principals(2); len(p) > 0 {
		e["key_administrators"] = p
	}
	if p := g.principals(3); len(p) > 0 {
		e["key_users"] = p
	}
	var aliases []string
	for i, n := 0, g.r.IntN(3); i < n; i++ {
		aliases = append(aliases, g.alias())
	}
	if len(aliases) > 0 {
		e["aliases"] = aliases
	}
	if t := g.tags(4); len(t) > 0 {
		e["tags"] = t
	}
	if g.chance(0.7) {
		e["description"] = g.description()
	}
	if g.chance(0.3) {
		e["deletion_window_in_days"] = 7 + g.r.IntN(24)
	}
	if r := g.roles(); len(r) > 0 {
		e["roles"] = r
	}
	if gr := g.grants(); len(gr) > 0 {
		e["kms_grants"] = gr
	}
	if g.chance(0.3) {
		e["key_id_output"] = true
	}
	return e
}
