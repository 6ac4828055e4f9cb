package simcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/access"
	"github.com/cdktf-kms/cdktf-kms/access/appsynth"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/iamsim"
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
	// Hand-written stacks: Terraform JSON as it is, no synth.
	hwSeeds, err := handwrittenSeedList()
	if err != nil {
		return nil, err
	}
	written := map[string][]byte{}
	for _, seed := range hwSeeds {
		name, raw, _ := handwrittenStack(seed)
		written[name] = raw
	}
	report, err := access.Build("hand-written stacks", written)
	if err != nil {
		return nil, fmt.Errorf("hand-written stacks: %v", err)
	}
	out = append(out, source{"hand-written stacks", written, report})
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
// resource policy, the principal's IAM policies of the stack as its
// identity policies and its permissions boundary of the stack as its
// boundary:
//   - allowed: the request is allowed;
//   - not allowed (no cell, or explicitly denied): it is denied (an
//     explicit deny for an explicitly denied cell), even when every policy
//     the stack does not define allows the action;
//   - conditional: for each path, a witness that satisfies its conditions
//     and makes every conditional Deny fail is allowed; a witness that
//     violates a condition of every path is denied; for each conditional
//     Deny (Unless), a witness that satisfies a path and the Deny is
//     denied.
//
// A witness is a request context, and what the policies the stack does not
// define do: an IAM policy of the principal's own (iam_policy), an
// attached managed policy (external_policy), a permissions boundary
// (boundary), each standing in as one that allows the action on the key or
// not. By default the boundary allows nothing relevant and the others are
// absent; checks that expect a denial make every one of them allow the
// action unless the witness says otherwise.
//
// Every request carries what AWS puts in each request of the principal
// (aws:SecureTransport true, aws:PrincipalAccount, kms:CallerAccount,
// aws:PrincipalArn, aws:PrincipalIsAWSService), which the simulator does
// not fill in itself, and none of the keys AWS never puts in (principal and
// organization keys for a service principal, source keys for an IAM
// principal); a witness keeps them, and a path only they rule out is a
// difference.
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
	all, missed, perSource := collectChecks(t)
	if len(all) < 1000 {
		t.Fatalf("only %d requests; the sources should give thousands", len(all))
	}
	checks := all
	failures, known, corrected := compare(t, checks)
	for _, p := range missed.problems {
		failures++
		if failures <= maxShown {
			t.Error(p)
		}
	}
	t.Logf("%d requests decided by the simulator, %d differences; %d requests satisfy an encryption context condition, which the simulator drops (answered as it is known to); %d answers corrected (actions AWS KMS refuses across accounts: iamsim.Simulate)", len(checks), failures, known, corrected)
	if corrected == 0 {
		t.Error("no request asks another account's principal for an action AWS KMS refuses across accounts while the policies allow it: the sources no longer cover the rule (docs/access/examples.md's auditor of the security account did)")
	}
	for _, src := range loadSources(t) {
		t.Logf("  %s: %d requests", src.name, perSource[src.name])
	}
	t.Logf("not simulated: %d paths or Denies whose conditions the test cannot make hold, %d conditional cells where it cannot make every path fail, %d cells a grant allows outright (TestGrantCellsFollowTheGrants checks them)", missed.unsatisfiable, missed.unviolable, missed.grantOnly)
}

// collectChecks makes the checks of every cell of every source, and counts
// what the test could not check, and the checks of each source.
func collectChecks(t *testing.T) ([]check, tally, map[string]int) {
	var checks []check
	var missed tally
	perSource := map[string]int{}
	for _, src := range loadSources(t) {
		for _, st := range src.report.Stacks {
			in := readStack(t, st.Name, src.stacks[st.Name])
			for _, k := range st.Keys {
				c := keyChecks(t, src.name, st.Name, in, k, &missed)
				perSource[src.name] += len(c)
				checks = append(checks, c...)
			}
		}
	}
	return checks, missed, perSource
}

// compare decides the checks with the simulator and reports each
// difference; it returns the number of differences and of requests whose
// encryption context the simulator drops.
func compare(t *testing.T, checks []check) (failures, known, corrected int) {
	t.Helper()
	if len(checks) == 0 {
		return 0, 0, 0
	}
	results := simulate(t, checks)
	for i, c := range checks {
		res := results[i]
		if res.Corrected != "" {
			corrected++
		}
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
	return failures, known, corrected
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

// keyChecks makes the requests for every cell of one key.
func keyChecks(t *testing.T, sourceName, stack string, in stackInputs, k access.Key, tally *tally) []check {
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
				ResourcePolicy: in.keyPolicies[k.Address], Context: sim.context()}
			// mk makes a check of a witness; permissive: the policies
			// the stack does not define that the witness leaves open
			// allow the action (for checks that expect a denial).
			mk := func(allowed, explicit bool, suffix string, c ctx, permissive bool) check {
				return check{req: sim.request(base, c, permissive), allowed: allowed, explicit: explicit, what: what + suffix, cellTrace: trace(cell)}
			}
			view, known := policyView(cell)
			if !known {
				tally.grantOnly++
				continue
			}
			switch view.Access {
			case access.Allowed:
				out = append(out, mk(true, false, "", sim.start(), false))
			case access.Denied:
				// Only a Deny without conditions is sure to apply to the
				// base request.
				outright := slices.ContainsFunc(view.Paths, func(p access.Path) bool { return len(p.Conditions) == 0 })
				out = append(out, mk(false, outright, "", sim.start(), true))
				for i, deny := range view.Paths {
					if len(deny.Conditions) == 0 {
						continue
					}
					dctx, ok := satisfy(deny.Conditions, sim.start())
					if !ok || len(encryptionContextKeys(dctx.values)) > 0 {
						tally.unsatisfiable++
						t.Logf("%s: Deny %d has conditions the test cannot make hold in the simulator (%s); not simulated", what, i+1, deny)
						continue
					}
					out = append(out, mk(false, true, fmt.Sprintf(" (Deny %d applies: %s)", i+1, deny), dctx, true))
				}
			case access.Conditional:
				for i, path := range view.Paths {
					if _, ok := satisfy(path.Conditions, sim.start()); !ok {
						if _, ok := satisfy(path.Conditions, sim.startWithout("aws:PrincipalArn")); ok {
							// The report takes a principal's ARN as known
							// only when the stack or a statement gives its
							// path.
							tally.unsatisfiable++
							t.Logf("%s: path %d (%s) holds for no ARN but the principal's own (%s), which the report does not take as known; not simulated", what, i+1, path, sim.facts["aws:PrincipalArn"])
							continue
						}
						if _, ok := satisfy(path.Conditions, newCtx(nil)); ok {
							// Only what AWS puts in (or leaves out of)
							// every request of the principal rules it out.
							tally.problems = append(tally.problems, fmt.Sprintf("%s: path %d (%s) is conditional on what AWS decides alike for every request of the principal: every request of it has %s, so they never hold and the path should not be there", what, i+1, path, sim.factsOn(path.Conditions)))
							continue
						}
						tally.unsatisfiable++
						t.Logf("%s: path %d has conditions the test cannot satisfy (%s); not simulated", what, i+1, path)
						continue
					}
					// Each conditional Deny applies to a request that
					// satisfies the path (whether the others apply or not).
					for j, deny := range view.Unless {
						dctx, ok := solve(sim.start(), holdAll(path.Conditions), holdAll(deny.Conditions))
						if ok && len(encryptionContextKeys(dctx.values)) > 0 {
							t.Logf("%s: Deny %d with an encryption context in the request: not simulated (the simulator drops the context)", what, j+1)
							continue
						}
						if ok {
							out = append(out, mk(false, true, fmt.Sprintf(" (path %d satisfied, Deny %d applies: %s)", i+1, j+1, deny), dctx, false))
						} else {
							tally.unsatisfiable++
							t.Logf("%s: Deny %d has conditions the test cannot make hold with path %d (%s); not simulated", what, j+1, i+1, deny)
						}
					}
					// The path holds and every conditional Deny fails.
					actx, ok := solve(sim.start(), append([]goal{holdAll(path.Conditions)}, failOne(view.Unless)...)...)
					if !ok {
						tally.unsatisfiable++
						t.Logf("%s: path %d (%s) cannot hold with every conditional Deny failing; not simulated", what, i+1, path)
						continue
					}
					sat := mk(true, false, fmt.Sprintf(" (path %d satisfied: %s)", i+1, path), actx, false)
					sat.ignoredKeys = encryptionContextKeys(actx.values)
					out = append(out, sat)
				}
				if vctx, ok := violateAll(view.Paths, sim.start()); ok {
					out = append(out, mk(false, false, " (no path's conditions hold)", vctx, true))
				} else if !slices.ContainsFunc(view.Paths, func(p access.Path) bool { return len(p.Conditions) == 0 }) {
					// (A path without conditions is allowed unless a Deny
					// applies: the Deny checks above hold it.)
					tally.unviolable++
					t.Logf("%s: the test cannot make every path's conditions fail; not simulated", what)
				}
			}
		}
	}
	return out
}

// tally counts the witnesses the test could not build: paths or Denies
// whose conditions it cannot make hold (an undecided statement, a value
// that is a reference), cells where it cannot make every path fail.
// grantOnly counts the cells a grant allows outright, whose policies'
// paths the report leaves out (see policyView). problems are differences
// found without the simulator.
type tally struct {
	unsatisfiable, unviolable, grantOnly int
	problems                             []string
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
// through native grants. It is not known (false) when a grant allows the
// action without conditions and no statement does: the report then leaves
// out the conditional paths of the policies, which that path makes moot.
func policyView(c access.Cell) (access.Cell, bool) {
	if c.Access == access.Denied {
		return c, true
	}
	var paths []access.Path
	viaGrant := func(p access.Path) bool {
		return slices.ContainsFunc(p.Via, func(s access.Source) bool { return s.Type == "grant" })
	}
	moot := false
	for _, p := range c.Paths {
		if !viaGrant(p) {
			paths = append(paths, p)
		} else if len(p.Conditions) == 0 {
			moot = true
		}
	}
	if moot && !slices.ContainsFunc(paths, func(p access.Path) bool { return len(p.Conditions) == 0 }) {
		return access.Cell{}, false
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
	return out, true
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
