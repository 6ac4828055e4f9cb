package simcheck

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/access"
	"github.com/cdktf-kms/cdktf-kms/access/appsynth"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/iamsim"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/cdktf-kms/cdktf-kms/synth"
)

func TestMain(m *testing.M) { os.Exit(synth.RunTests(m)) }

const root = "../.."

// maxShown is how many differences a failing run prints in full.
const maxShown = 200

// randomSeeds are the generated environments the test checks besides the
// shipped ones, all-features and the examples (fixed, so that a failure
// reproduces). SIMCHECK_SEEDS=13,14,... checks other seeds instead, and
// SIMCHECK_CONFIG=path/to/cdktf.json[:...] the environments of more files.
var randomSeeds = []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}

// source is one set of synthesized stacks and its report.
type source struct {
	name   string
	stacks map[string][]byte
	report *access.Report
}

var (
	sourcesOnce sync.Once
	sources     []source
	sourcesErr  error
)

// loadSources synthesizes every set of environments once per test binary.
func loadSources(t *testing.T) []source {
	t.Helper()
	sourcesOnce.Do(func() { sources, sourcesErr = synthesizeSources() })
	if sourcesErr != nil {
		t.Fatal(sourcesErr)
	}
	return sources
}

func synthesizeSources() ([]source, error) {
	shipped, err := appsynth.LoadFile(filepath.Join(root, "cdktf.json"))
	if err != nil {
		return nil, err
	}
	raw, err := os.ReadFile(filepath.Join(root, "security", "all-features.json"))
	if err != nil {
		return nil, err
	}
	allFeatures, err := appsynth.ParseEnvironment("all-features", raw)
	if err != nil {
		return nil, err
	}
	examples, err := appsynth.LoadFile(filepath.Join(root, "examples", "environments", "cdktf.json"))
	if err != nil {
		return nil, err
	}
	seeds := randomSeeds
	if v := os.Getenv("SIMCHECK_SEEDS"); v != "" {
		seeds = nil
		for _, f := range strings.Split(v, ",") {
			var seed uint64
			if _, err := fmt.Sscan(strings.TrimSpace(f), &seed); err != nil {
				return nil, fmt.Errorf("SIMCHECK_SEEDS: %q is not a seed (a whole number)", f)
			}
			seeds = append(seeds, seed)
		}
	}
	var random []stacks.Environment
	for _, seed := range seeds {
		env := randomEnvironment(seed)
		if err := env.Validate(); err != nil {
			return nil, fmt.Errorf("random environment of seed %d is not valid (fix the generator): %v", seed, err)
		}
		random = append(random, env)
	}
	sets := []struct {
		name string
		envs []stacks.Environment
	}{{"cdktf.json", shipped}, {"security/all-features.json", allFeatures}, {"examples/environments/cdktf.json", examples}, {"random environments", random}}
	// More environments to check: SIMCHECK_CONFIG names cdktf.json files
	// (separated like PATH).
	if v := os.Getenv("SIMCHECK_CONFIG"); v != "" {
		for _, path := range filepath.SplitList(v) {
			envs, err := appsynth.LoadFile(path)
			if err != nil {
				return nil, fmt.Errorf("SIMCHECK_CONFIG %s: %v", path, err)
			}
			sets = append(sets, struct {
				name string
				envs []stacks.Environment
			}{path, envs})
		}
	}
	var out []source
	for i, set := range sets {
		dir, err := os.MkdirTemp("", "access-simcheck-")
		if err != nil {
			return nil, err
		}
		synthesized, err := appsynth.Synth(set.envs, filepath.Join(dir, fmt.Sprint(i)))
		os.RemoveAll(dir)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", set.name, err)
		}
		report, err := access.Build(set.name, synthesized)
		if err != nil {
			return nil, fmt.Errorf("%s: %v", set.name, err)
		}
		out = append(out, source{set.name, synthesized, report})
	}
	return out, nil
}

// request is one decision asked of the simulator, identityPolicyJ one
// of its identity policies.
type (
	request         = iamsim.Request
	identityPolicyJ = iamsim.Policy
)

// check is a request and what the report says its answer must be.
type check struct {
	req       request
	allowed   bool
	explicit  bool // an explicit deny is expected
	what      string
	cellTrace string
	// ignoredKeys are encryption context keys of a satisfied path: the
	// simulator drops them (see TestSimulatorDropsEncryptionContextKeys),
	// so the check expects its known answer instead: denied, with these
	// keys among the ignored ones.
	ignoredKeys []string
}

// TestEveryCellAgreesWithTheSimulator decides every cell of the report
// again with @cloud-copilot/iam-simulate, for a request from that
// principal on the key (a fixed key ARN), with the key policy as the
// resource policy and the principal's IAM policies of the stack as its
// identity policies:
//   - allowed: the request is allowed;
//   - not allowed (no cell, or explicitly denied): it is denied (an
//     explicit deny for an explicitly denied cell);
//   - conditional: for each path, a context (and, for iam_policy, an IAM
//     policy) that satisfies its conditions is allowed; a context that
//     violates a condition of every path is denied; for each conditional
//     Deny (Unless), a context that satisfies a path and the Deny is
//     denied.
//
// Every request carries what AWS puts in each request of the principal
// (aws:SecureTransport true, aws:PrincipalAccount, kms:CallerAccount,
// aws:PrincipalArn, aws:PrincipalIsAWSService), which the simulator does
// not fill in itself.
//
// Native grants are not IAM policies and the simulator has no notion of
// them: paths through a grant are left out of the comparison (the cell is
// compared as the policies alone decide it) and TestGrantCellsFollowTheGrants
// checks them against the grants' operations and constraints.
//
// An account row (an account through its IAM policies) is simulated as an
// identity of that account that no statement names; "anyone" as such an
// identity of the key's account; a group as a user in it with the group's
// policies.
func TestEveryCellAgreesWithTheSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node with the simulator over thousands of requests")
	}
	var checks []check
	for _, src := range loadSources(t) {
		for _, st := range src.report.Stacks {
			in := readStack(t, st.Name, src.stacks[st.Name])
			for _, k := range st.Keys {
				checks = append(checks, keyChecks(t, src.name, st.Name, in, k)...)
			}
		}
	}
	if len(checks) < 1000 {
		t.Fatalf("only %d requests; the sources should give thousands", len(checks))
	}
	results := simulate(t, checks)
	failures, known := 0, 0
	for i, c := range checks {
		res := results[i]
		if res.Error != "" {
			failures++
			if failures <= maxShown {
				t.Errorf("%s: the simulator refused the request: %s\nrequest: %s", c.what, res.Error, requestText(c.req))
			}
			continue
		}
		got := res.Result == "Allowed"
		ok := got == c.allowed
		if !c.allowed && c.explicit && res.Result != "ExplicitlyDenied" {
			ok = false
		}
		if len(c.ignoredKeys) > 0 {
			known++
			ok = !got
			for _, k := range c.ignoredKeys {
				ok = ok && slices.Contains(res.Ignored, k)
			}
		}
		if !ok {
			failures++
			if failures <= maxShown {
				want := "Allowed"
				if !c.allowed {
					want = "denied"
					if c.explicit {
						want = "ExplicitlyDenied"
					}
				}
				t.Errorf("%s\n  report: %s (the report's cell: %s)\n  simulator: %s (ignored context keys %v)\n  request: %s", c.what, want, c.cellTrace, res.Result, res.Ignored, requestText(c.req))
			}
		}
	}
	if failures > maxShown {
		t.Errorf("... and %d more differences", failures-maxShown)
	}
	t.Logf("%d requests decided by the simulator, %d differences; %d requests satisfy an encryption context condition, which the simulator drops (answered as it is known to)", len(checks), failures, known)
}

// simulate decides every check's request with one run of the simulator.
func simulate(t *testing.T, checks []check) []iamsim.Result {
	t.Helper()
	reqs := make([]request, len(checks))
	for i, c := range checks {
		reqs[i] = c.req
	}
	return iamsim.Simulate(t, reqs)
}

// stackInputs is what the simulator gets from a stack: the key policies
// and the IAM policies, with references to the stack's keys and roles
// replaced by the ARNs the report uses.
type stackInputs struct {
	keyPolicies map[string]any
	keyARNs     map[string]string
	// identity policies by identity: "role|name", "user|name", "group|name".
	identity map[string][]identityPolicyJ
}

var refPattern = regexp.MustCompile(`\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}`)

// readStack reads a stack's Terraform JSON on its own (not with the
// report's parser).
func readStack(t *testing.T, name string, raw []byte) stackInputs {
	t.Helper()
	var doc struct {
		Provider map[string][]map[string]any          `json:"provider"`
		Resource map[string]map[string]map[string]any `json:"resource"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	regions := map[string]string{}
	for _, p := range doc.Provider["aws"] {
		alias, _ := p["alias"].(string)
		key := "aws"
		if alias != "" {
			key = "aws." + alias
		}
		regions[key], _ = p["region"].(string)
	}
	in := stackInputs{keyPolicies: map[string]any{}, keyARNs: map[string]string{}, identity: map[string][]identityPolicyJ{}}
	render := func(s string) string {
		out, err := tfrender.Render(s)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return out
	}
	// The key's account and partition: the account root of its policy.
	rootPattern := regexp.MustCompile(`"arn:([a-z-]+):iam::([0-9]{12}):root"`)
	account, partition := "", "aws"
	for _, typ := range []string{"aws_kms_key", "aws_kms_replica_key"} {
		for n, args := range doc.Resource[typ] {
			policy := render(fmt.Sprint(args["policy"]))
			if m := rootPattern.FindStringSubmatch(policy); m != nil && account == "" {
				partition, account = m[1], m[2]
			}
			provider, _ := args["provider"].(string)
			if provider == "" {
				provider = "aws"
			}
			in.keyARNs[typ+"."+n] = access.KeyARN(partition, regions[provider], account)
		}
	}
	roleARN := func(typ, n string) string {
		args := doc.Resource[typ][n]
		name, _ := args["name"].(string)
		path, _ := args["path"].(string)
		if path == "" {
			path = "/"
		}
		return fmt.Sprintf("arn:%s:iam::%s:%s%s%s", partition, account, strings.TrimPrefix(typ, "aws_iam_"), path, name)
	}
	substitute := func(s string) string {
		return refPattern.ReplaceAllStringFunc(s, func(ref string) string {
			m := refPattern.FindStringSubmatch(ref)
			address := m[1] + "." + m[2]
			if arn, ok := in.keyARNs[address]; ok && m[3] == "arn" {
				return arn
			}
			if strings.HasPrefix(m[1], "aws_iam_") && m[3] == "arn" {
				return roleARN(m[1], m[2])
			}
			return ref
		})
	}
	for _, typ := range []string{"aws_kms_key", "aws_kms_replica_key"} {
		for n, args := range doc.Resource[typ] {
			var v any
			if err := json.Unmarshal([]byte(substitute(render(fmt.Sprint(args["policy"])))), &v); err != nil {
				t.Fatalf("%s: %s.%s policy: %v", name, typ, n, err)
			}
			in.keyPolicies[typ+"."+n] = v
		}
	}
	for _, kind := range []string{"role", "user", "group"} {
		typ := "aws_iam_" + kind + "_policy"
		for _, n := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			args := doc.Resource[typ][n]
			target := render(fmt.Sprint(args[kind]))
			if m := refPattern.FindStringSubmatch(target); m != nil && m[0] == target {
				target, _ = doc.Resource[m[1]][m[2]]["name"].(string)
			}
			var v any
			if err := json.Unmarshal([]byte(substitute(render(fmt.Sprint(args["policy"])))), &v); err != nil {
				t.Fatalf("%s: %s.%s policy: %v", name, typ, n, err)
			}
			in.identity[kind+"|"+target] = append(in.identity[kind+"|"+target], identityPolicyJ{Name: typ + "." + n, Policy: v})
		}
	}
	return in
}

// keyChecks makes the requests for every cell of one key.
func keyChecks(t *testing.T, sourceName, stack string, in stackInputs, k access.Key) []check {
	t.Helper()
	keyARN := in.keyARNs[k.Address]
	if keyARN != access.KeyARN(k.Partition, k.Region, k.Account) {
		t.Fatalf("%s %s: the report's key (%s %s %s) is not the key the test read (%s)", stack, k.Address, k.Partition, k.Region, k.Account, keyARN)
	}
	var out []check
	for _, p := range k.Principals {
		sim, ok := simulatedPrincipal(k, p, in)
		if !ok {
			t.Logf("%s %s: %s is a reference; not simulated", stack, k.Address, p.ID)
			continue
		}
		for _, action := range access.Actions() {
			cell := p.Cell(action)
			what := fmt.Sprintf("%s: %s %s: %s %s", sourceName, stack, k.Address, p.ID, action)
			base := request{Principal: sim.principal, Action: action, Resource: keyARN, ResourceAccount: k.Account,
				ResourcePolicy: in.keyPolicies[k.Address], IdentityPolicies: slices.Clone(sim.policies), Context: sim.context()}
			mk := func(allowed, explicit bool, suffix string, ctx map[string]any, extra []identityPolicyJ) check {
				req := base
				req.Context = ctx
				req.IdentityPolicies = append(slices.Clone(base.IdentityPolicies), extra...)
				return check{req: req, allowed: allowed, explicit: explicit, what: what + suffix, cellTrace: trace(cell)}
			}
			view := policyView(cell)
			switch view.Access {
			case access.Allowed:
				out = append(out, mk(true, false, "", base.Context, nil))
			case access.Denied:
				// Only a Deny without conditions is sure to apply to the
				// base request.
				outright := slices.ContainsFunc(view.Paths, func(p access.Path) bool { return len(p.Conditions) == 0 })
				out = append(out, mk(false, outright, "", base.Context, nil))
				for i, deny := range view.Paths {
					if len(deny.Conditions) == 0 {
						continue
					}
					dctx, _, ok := satisfy(deny.Conditions, newCtx(base.Context), action, keyARN)
					if !ok || len(encryptionContextKeys(dctx.values)) > 0 {
						continue
					}
					out = append(out, mk(false, true, fmt.Sprintf(" (Deny %d applies: %s)", i+1, deny), dctx.values, nil))
				}
			case access.Conditional:
				avoid, ok := avoidDenies(view.Unless, base.Context)
				if !ok {
					t.Logf("%s: no context avoids every conditional Deny; only the Deny checks run", what)
				}
				for i, path := range view.Paths {
					ctx, pols, ok := satisfy(path.Conditions, avoid, action, keyARN)
					if !ok {
						t.Logf("%s: path %d has conditions the test cannot satisfy (%s); not simulated", what, i+1, path)
						continue
					}
					sat := mk(true, false, fmt.Sprintf(" (path %d satisfied: %s)", i+1, path), ctx.values, pols)
					sat.ignoredKeys = encryptionContextKeys(ctx.values)
					out = append(out, sat)
					for j, deny := range view.Unless {
						dctx, _, ok := satisfy(deny.Conditions, ctx, action, keyARN)
						if ok && len(encryptionContextKeys(dctx.values)) > 0 {
							t.Logf("%s: Deny %d with an encryption context in the request: not simulated (the simulator drops the context)", what, j+1)
							continue
						}
						if ok {
							out = append(out, mk(false, true, fmt.Sprintf(" (path %d satisfied, Deny %d applies: %s)", i+1, j+1, deny), dctx.values, pols))
						}
					}
				}
				if ctx, ok := violateAll(view.Paths, avoid); ok {
					out = append(out, mk(false, false, " (no path's conditions hold)", ctx, nil))
				}
			}
		}
	}
	return out
}

// simulated is how the test puts a row to the simulator.
type simulated struct {
	principal string
	policies  []identityPolicyJ
	facts     map[string]any
}

func (s simulated) context() map[string]any { return maps.Clone(s.facts) }

// simulatedPrincipal picks the request's principal for a row and the
// facts AWS puts in its requests.
func simulatedPrincipal(k access.Key, p access.Principal, in stackInputs) (simulated, bool) {
	iam := func(arn, account, principalArn string) simulated {
		s := simulated{principal: arn, facts: map[string]any{
			"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "false",
			"aws:PrincipalAccount": account, "kms:CallerAccount": account,
		}}
		if principalArn != "" {
			s.facts["aws:PrincipalArn"] = principalArn
		}
		return s
	}
	name := func(arn string) string { return arn[strings.LastIndex(arn, "/")+1:] }
	switch p.Kind {
	case access.KindAccount:
		arn := fmt.Sprintf("arn:%s:iam::%s:role/access-report-identity", k.Partition, p.Account)
		return iam(arn, p.Account, arn), true
	case access.KindAnyone:
		arn := fmt.Sprintf("arn:%s:iam::%s:role/access-report-anyone", k.Partition, k.Account)
		return iam(arn, k.Account, arn), true
	case access.KindRole, access.KindUser:
		s := iam(p.ID, p.Account, p.ID)
		s.policies = in.identity[p.Kind+"|"+name(p.ID)]
		return s, true
	case access.KindAssumedRole:
		parts := strings.Split(p.ID, "/")
		role := parts[len(parts)-2]
		s := iam(p.ID, p.Account, fmt.Sprintf("arn:%s:iam::%s:role/%s", k.Partition, p.Account, role))
		s.policies = in.identity["role|"+role]
		return s, true
	case access.KindGroup:
		arn := fmt.Sprintf("arn:%s:iam::%s:user/access-report-member", k.Partition, p.Account)
		s := iam(arn, p.Account, arn)
		s.policies = in.identity["group|"+name(p.ID)]
		return s, true
	case access.KindService:
		return simulated{principal: p.ID, facts: map[string]any{"aws:SecureTransport": "true", "aws:PrincipalIsAWSService": "true"}}, true
	}
	return simulated{}, false
}

// encryptionContextKeys returns the kms:EncryptionContext:<key> keys of
// a context, which the simulator drops.
func encryptionContextKeys(context map[string]any) []string {
	var out []string
	for k := range context {
		if strings.HasPrefix(strings.ToLower(k), "kms:encryptioncontext:") {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestSimulatorDropsEncryptionContextKeys pins a difference between the
// simulator and AWS: AWS KMS puts each pair of a request's encryption
// context in kms:EncryptionContext:<key> (AWS KMS Developer Guide,
// "kms:EncryptionContext:context-key"), but iam-simulate 0.1.173 matches
// the service's variable condition keys only when the variable follows a
// "/" (as in aws:PrincipalTag/<key>), so it drops
// kms:EncryptionContext:<key> from the request (ignoredContextKeys) and a
// condition on it never holds. The simulator test therefore expects that
// answer for requests that satisfy such a condition; when this test fails,
// the simulator has been fixed and the expectation can go.
func TestSimulatorDropsEncryptionContextKeys(t *testing.T) {
	iamsim.Available(t)
	keyARN := access.KeyARN("aws", "eu-west-1", "123456789012")
	policy := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::123456789012:role/app"}, "Action": "kms:Decrypt", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"kms:EncryptionContext:Team": "orders"}},
	}}}
	req := request{Principal: "arn:aws:iam::123456789012:role/app", Action: "kms:Decrypt", Resource: keyARN, ResourceAccount: "123456789012",
		Context: map[string]any{"kms:EncryptionContext:Team": "orders"}, ResourcePolicy: policy}
	res := simulate(t, []check{{req: req}})[0]
	if res.Result == "Allowed" || !slices.Contains(res.Ignored, "kms:EncryptionContext:Team") {
		t.Errorf("the simulator now decides kms:EncryptionContext:<key> conditions (%s, ignored %v): drop the ignoredKeys expectation of TestEveryCellAgreesWithTheSimulator", res.Result, res.Ignored)
	}
}

// policyView is a cell as the policies alone decide it: without the paths
// through native grants.
func policyView(c access.Cell) access.Cell {
	if c.Access == access.Denied {
		return c
	}
	var paths []access.Path
	for _, p := range c.Paths {
		if !slices.ContainsFunc(p.Via, func(s access.Source) bool { return s.Type == "grant" }) {
			paths = append(paths, p)
		}
	}
	out := access.Cell{Action: c.Action, Capability: c.Capability, Paths: paths, Unless: c.Unless}
	switch {
	case len(paths) == 0:
		out.Access, out.Paths, out.Unless = access.Denied, nil, nil
	case len(c.Unless) == 0 && slices.ContainsFunc(paths, func(p access.Path) bool { return len(p.Conditions) == 0 }):
		out.Access = access.Allowed
	default:
		out.Access = access.Conditional
	}
	return out
}

func trace(c access.Cell) string {
	b, _ := json.Marshal(c)
	return string(b)
}

// requestText shows a request without its key policy (the key's address
// in the message names it).
func requestText(r request) string {
	r.ResourcePolicy = "(the key's policy)"
	return mustJSON(r)
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
