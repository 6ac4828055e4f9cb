// Package iamsim runs the independent IAM simulator the tests hold the
// product against: @cloud-copilot/iam-simulate (pinned in package.json,
// installed by npm ci), through simulate.mjs and Node.js. The product never
// calls it.
package iamsim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/kmscat"
)

// Request is one decision asked of the simulator.
type Request struct {
	ID                   string         `json:"id"`
	Principal            string         `json:"principal"`
	Action               string         `json:"action"`
	Resource             string         `json:"resource"`
	ResourceAccount      string         `json:"resourceAccount"`
	Context              map[string]any `json:"context"`
	ResourcePolicy       any            `json:"resourcePolicy,omitempty"`
	IdentityPolicies     []Policy       `json:"identityPolicies"`
	PermissionBoundaries []Policy       `json:"permissionBoundaries,omitempty"`
}

// Policy is a named policy document.
type Policy struct {
	Name   string `json:"name"`
	Policy any    `json:"policy"`
}

// Result is the simulator's answer: Result is "Allowed",
// "ExplicitlyDenied" or "ImplicitlyDenied"; Error a refused request.
type Result struct {
	ID      string   `json:"id"`
	Result  string   `json:"result"`
	Error   string   `json:"error"`
	Ignored []string `json:"ignoredContextKeys"`
	// Corrected says why Simulate changed the simulator's answer ("" when
	// it did not).
	Corrected string `json:"-"`
}

// crossAccountCorrection is the one gap Simulate corrects rather than
// avoids: the simulator does not know that AWS KMS refuses most key
// actions to principals of another account whatever the policies say (AWS
// KMS Developer Guide, "AWS KMS permissions", column "Cross-account use";
// kmscat's CrossAccount, held against the API Reference). Its Allowed for
// such a request is AWS's implicit deny.
const crossAccountCorrection = "AWS KMS refuses this action across accounts (Cross-account use: No); the simulator's Allowed is an implicit deny"

// correct applies crossAccountCorrection to one answer.
func correct(req Request, res *Result) {
	if res.Result != "Allowed" || res.Error != "" {
		return
	}
	a, ok := kmscat.Lookup(req.Action)
	if !ok || !a.OnKey || a.CrossAccount {
		return
	}
	// arn:partition:iam::account:... or arn:partition:sts::account:...
	fields := strings.SplitN(req.Principal, ":", 6)
	if len(fields) < 6 || fields[0] != "arn" || fields[4] == "" || fields[4] == req.ResourceAccount {
		return
	}
	res.Result, res.Corrected = "ImplicitlyDenied", crossAccountCorrection
}

// script is the path of simulate.mjs.
func script() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "simulate.mjs")
}

// Available finds node and the simulator. Without them the test skips with
// the reason outside CI and fails in CI (CI set), as the suite's other
// tests that need installed tools: npm ci installs the simulator.
func Available(t testing.TB) (node string) {
	t.Helper()
	missing := t.Skipf
	if os.Getenv("CI") != "" {
		missing = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not on PATH: the simulator needs Node.js 20+")
	}
	root := filepath.Join(filepath.Dir(script()), "..", "..", "..")
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@cloud-copilot", "iam-simulate", "package.json")); err != nil {
		missing("@cloud-copilot/iam-simulate is not installed: run npm ci (package.json pins it)")
	}
	return node
}

// Simulate decides every request with one run of the simulator and returns
// the answers in the requests' order, with crossAccountCorrection applied.
func Simulate(t testing.TB, reqs []Request) []Result {
	t.Helper()
	out := SimulateRaw(t, reqs)
	for i := range out {
		correct(reqs[i], &out[i])
	}
	return out
}

// SimulateRaw is Simulate without the correction: the simulator's own
// answers, for the probes that show its gaps.
func SimulateRaw(t testing.TB, reqs []Request) []Result {
	t.Helper()
	node := Available(t)
	in := make([]Request, len(reqs))
	for i, r := range reqs {
		in[i] = r
		in[i].ID = fmt.Sprint(i)
	}
	input, err := json.Marshal(map[string]any{"requests": in})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script())
	cmd.Stdin = bytes.NewReader(input)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", script(), err, stderr.String())
	}
	results := make([]Result, len(reqs))
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	n := 0
	for sc.Scan() {
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("simulator output line %d: %v: %s", n+1, err, sc.Text())
		}
		var i int
		fmt.Sscan(r.ID, &i)
		results[i] = r
		n++
	}
	if n != len(reqs) {
		t.Fatalf("the simulator answered %d of %d requests\n%s", n, len(reqs), stderr.String())
	}
	return results
}
