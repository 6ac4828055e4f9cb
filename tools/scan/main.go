// Command scan is the security gate of cdktf-kms: it synthesizes the
// shipped stacks and a stack with every option on (security/all-features.json),
// runs the key-policy linter on every key and replica policy, scans them with
// tfsec and KICS, and fails on any HIGH or CRITICAL finding, on any MEDIUM
// finding not justified in security/exceptions.json, and on any linter
// finding. Run it through security/scan.sh, which installs the scanners.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/policylint"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// finding is one scanner result, normalized.
type finding struct {
	Scanner  string // tfsec, kics, policylint
	Check    string // rule id or query id
	Title    string
	Severity string // CRITICAL, HIGH, MEDIUM, LOW, INFO
	Stack    string
	Resource string // type.name where the scanner says
}

// exception is one reviewed, accepted finding. MEDIUM findings may be
// accepted with a reason; a HIGH or CRITICAL one only when the exception
// states that severity too, so that accepting it is a visible decision.
type exception struct {
	Scanner  string `json:"scanner"`
	Check    string `json:"check"`
	Title    string `json:"title"`
	Resource string `json:"resource"`
	Severity string `json:"severity,omitempty"`
	Reason   string `json:"reason"`
	used     bool
}

func main() {
	os.Exit(run(os.Stdout, os.Stderr))
}

// run scans; synth.Run removes the jsii runtime's temp files and stops the
// scan on SIGINT or SIGTERM (the context stops the scanners), so the temp
// folder of the stacks is removed on every path.
func run(stdout, stderr io.Writer) int {
	code := 0
	err := synth.Run(func(ctx context.Context) error {
		code = scan(ctx, stdout, stderr)
		return nil
	})
	var stopped *synth.Interrupted
	if errors.As(err, &stopped) {
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return stopped.ExitCode()
	}
	if err != nil {
		fmt.Fprintf(stderr, "scan: %v\n", err)
		return 2
	}
	return code
}

func scan(ctx context.Context, stdout, stderr io.Writer) int {
	out := flag.String("out", "", "directory to keep the synthesized stacks and reports in (default: a temp dir, removed at the end)")
	config := flag.String("config", "cdktf.json", "the app's cdktf.json (its environments are scanned)")
	allFeatures := flag.String("all-features", "security/all-features.json", "an environment with every option on")
	exceptionsPath := flag.String("exceptions", "security/exceptions.json", "reviewed MEDIUM findings")
	tfsec := flag.String("tfsec", "", "tfsec binary (skipped when empty)")
	kics := flag.String("kics", "", "KICS binary, named console (skipped when empty)")
	kicsAssets := flag.String("kics-assets", "", "KICS assets directory (with queries/ and libraries/)")
	verbose := flag.Bool("v", false, "also list LOW and INFO findings")
	flag.Parse()

	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "scan: "+format+"\n", args...)
		return 2
	}
	keep := *out != ""
	if !keep {
		dir, err := os.MkdirTemp("", "cdktf-kms-scan-")
		if err != nil {
			return fail("%v", err)
		}
		defer os.RemoveAll(dir)
		*out = dir
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fail("%v", err)
	}
	exceptions, err := loadExceptions(*exceptionsPath)
	if err != nil {
		return fail("%v", err)
	}
	stackDirs, trusted, err := synthesize(*config, *allFeatures, filepath.Join(*out, "cdktf.out"))
	if err != nil {
		return fail("%v", err)
	}

	var findings []finding
	lint, err := lintStacks(stackDirs, trusted)
	if err != nil {
		return fail("%v", err)
	}
	findings = append(findings, lint...)
	if *tfsec != "" {
		f, err := runTfsec(ctx, *tfsec, stackDirs)
		if err != nil {
			return fail("tfsec: %v", err)
		}
		findings = append(findings, f...)
	}
	if *kics != "" {
		f, err := runKics(ctx, *kics, *kicsAssets, filepath.Join(*out, "cdktf.out", "stacks"), filepath.Join(*out, "kics"))
		if err != nil {
			return fail("kics: %v", err)
		}
		findings = append(findings, f...)
	}
	if keep {
		fmt.Fprintf(stdout, "stacks and reports: %s\n", *out)
	}
	return report(stdout, findings, exceptions, sortedNames(stackDirs), *tfsec != "", *kics != "", *verbose)
}

// synthesize writes the shipped stacks and the all-features stack, and
// returns each stack's folder and what its environment trusts
// (trusted_account_ids and trusted_service_principals, which the linter
// needs to judge statements as the construct did).
func synthesize(configPath, allFeaturesPath, outdir string) (dirs map[string]string, trusted map[string]trust, err error) {
	os.Unsetenv(stacks.ContextEnv)
	envs, err := stacks.LoadEnvironments(configPath)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", configPath, err)
	}
	raw, err := os.ReadFile(allFeaturesPath)
	if err != nil {
		return nil, nil, err
	}
	extra, err := stacks.ParseEnvironments([]byte(`{"all-features": ` + string(raw) + `}`))
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", allFeaturesPath, err)
	}
	envs = append(envs, extra...)
	app := cdktf.NewApp(&cdktf.AppConfig{Outdir: jsii.String(outdir)})
	dirs, trusted = map[string]string{}, map[string]trust{}
	for _, env := range envs {
		if _, err := stacks.NewEnvironmentStack(app, env); err != nil {
			return nil, nil, err
		}
		name := stacks.StackName(env.Name)
		dirs[name] = filepath.Join(outdir, "stacks", name)
		trusted[name] = trust{Accounts: env.TrustedAccountIds, Services: env.EffectiveTrustedServicePrincipals()}
	}
	app.Synth()
	// Done with the bindings: free the node kernel (~0.8 GB) before the
	// scanners run.
	jsii.Close()
	return dirs, trusted, nil
}

// lintStacks runs the key-policy linter on the policy of every aws_kms_key
// and aws_kms_replica_key; trusted holds what each stack's environment
// trusts.
func lintStacks(dirs map[string]string, trusted map[string]trust) ([]finding, error) {
	var out []finding
	for _, name := range sortedNames(dirs) {
		raw, err := os.ReadFile(filepath.Join(dirs[name], "cdk.tf.json"))
		if err != nil {
			return nil, err
		}
		found, err := lintStack(name, raw, trusted[name])
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	return out, nil
}

// policyResources are the resource types whose policy is a key policy.
var policyResources = []string{"aws_kms_key", "aws_kms_replica_key", "aws_kms_external_key", "aws_kms_replica_external_key", "aws_kms_key_policy"}

// trust is what an environment trusts besides its own account:
// trusted_account_ids and trusted_service_principals.
type trust struct{ Accounts, Services []string }

// lintStack lints the key policies of one synthesized stack, whose
// environment trusts the given accounts and services.
func lintStack(name string, raw []byte, trusted trust) ([]finding, error) {
	type withPolicy struct {
		Policy string `json:"policy"`
	}
	var doc struct {
		Provider struct {
			AWS []struct {
				Region string `json:"region"`
			} `json:"aws"`
		} `json:"provider"`
		Resource map[string]map[string]withPolicy `json:"resource"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(doc.Provider.AWS) == 0 {
		return nil, fmt.Errorf("%s has no aws provider", name)
	}
	// A replica is in the partition of its primary: every provider of a
	// stack is.
	partition, _ := kms.PartitionOf(doc.Provider.AWS[0].Region)
	var out []finding
	for _, typ := range policyResources {
		for _, key := range slices.Sorted(maps.Keys(doc.Resource[typ])) {
			address := typ + "." + key
			if doc.Resource[typ][key].Policy == "" {
				// A key whose policy is a resource of its own
				// (aws_kms_key_policy, linted as such).
				continue
			}
			// The synthesized policy is a Terraform template: lint what
			// Terraform sends to AWS (references stay as ${...}).
			policy, err := tfrender.RenderJSON(doc.Resource[typ][key].Policy)
			if err != nil {
				return nil, fmt.Errorf("%s: %s: the policy is not a Terraform template: %w", name, address, err)
			}
			policy = referenceMarkers(policy)
			ctx := policylint.Context{Partition: partition, Account: rootAccount(policy, partition), TrustedAccounts: trusted.Accounts, TrustedServices: trusted.Services}
			for _, f := range policylint.Lint(policy, ctx) {
				out = append(out, finding{"policylint", "key-policy", f.String(), "HIGH", name, address})
			}
		}
	}
	return out, nil
}

// referenceMarkers turns the references of a rendered policy ("${aws_iam_role.r.arn}")
// into cdktf token markers, which the linter knows as values unknown until
// apply.
func referenceMarkers(policy string) string {
	return referencePattern.ReplaceAllStringFunc(policy, func(ref string) string {
		return "${TfToken[REF." + strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
				return r
			}
			return '_'
		}, ref[2:len(ref)-1]) + "]}"
	})
}

var referencePattern = regexp.MustCompile(`\$\{[^}]*\}`)

// rootAccount finds the account of the key from the account-root principal.
func rootAccount(policy, partition string) string {
	prefix := "arn:" + partition + ":iam::"
	if i := strings.Index(policy, prefix); i >= 0 {
		rest := policy[i+len(prefix):]
		if len(rest) >= 17 && rest[12:17] == ":root" {
			return rest[:12]
		}
	}
	return ""
}

// runTfsec scans each stack directory with tfsec.
func runTfsec(ctx context.Context, bin string, dirs map[string]string) ([]finding, error) {
	var out []finding
	for _, name := range sortedNames(dirs) {
		cmd := exec.CommandContext(ctx, bin, dirs[name], "--no-module-downloads", "--format", "json", "--soft-fail", "--no-color")
		raw, err := cmd.Output()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", name, err)
		}
		var res struct {
			Results []struct {
				LongID      string `json:"long_id"`
				Description string `json:"description"`
				Severity    string `json:"severity"`
				Resource    string `json:"resource"`
			} `json:"results"`
		}
		if err := json.Unmarshal(raw, &res); err != nil {
			return nil, fmt.Errorf("%s: reading tfsec's JSON: %v", name, err)
		}
		for _, r := range res.Results {
			out = append(out, finding{"tfsec", r.LongID, r.Description, strings.ToUpper(r.Severity), name, r.Resource})
		}
	}
	return out, nil
}

// runKics scans all stacks with KICS in one run.
func runKics(ctx context.Context, bin, assets, stacksDir, reportDir string) ([]finding, error) {
	if assets == "" {
		return nil, errors.New("-kics-assets is required with -kics")
	}
	cmd := exec.CommandContext(ctx, bin, "scan", "-p", stacksDir,
		"-q", filepath.Join(assets, "queries"), "--libraries-path", filepath.Join(assets, "libraries"),
		"--type", "Terraform", "--cloud-provider", "aws",
		"--report-formats", "json", "-o", reportDir, "--output-name", "kics",
		"--no-progress", "--disable-secrets", "--ci", "--ignore-on-exit", "results")
	if msg, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, msg)
	}
	raw, err := os.ReadFile(filepath.Join(reportDir, "kics.json"))
	if err != nil {
		return nil, err
	}
	var res struct {
		Queries []struct {
			QueryName string `json:"query_name"`
			QueryID   string `json:"query_id"`
			Severity  string `json:"severity"`
			Files     []struct {
				FileName     string `json:"file_name"`
				ResourceType string `json:"resource_type"`
				ResourceName string `json:"resource_name"`
				SearchKey    string `json:"search_key"`
			} `json:"files"`
		} `json:"queries"`
	}
	if err := json.Unmarshal(raw, &res); err != nil {
		return nil, fmt.Errorf("reading KICS's JSON: %v", err)
	}
	var out []finding
	for _, q := range res.Queries {
		for _, f := range q.Files {
			stack := filepath.Base(filepath.Dir(f.FileName))
			out = append(out, finding{"kics", q.QueryID, q.QueryName, strings.ToUpper(q.Severity), stack, kicsResource(f.ResourceType, f.ResourceName, f.SearchKey)})
		}
	}
	return out, nil
}

var bracketKey = regexp.MustCompile(`^([a-z0-9_]+)\[([^\]]+)\]`)

// kicsResource names the resource of a KICS result as type.name (its
// Terraform address) from the search key; findings about the stack as a
// whole (a control the stack lacks) are "(stack)".
func kicsResource(typ, name, searchKey string) string {
	if m := bracketKey.FindStringSubmatch(searchKey); m != nil {
		return m[1] + "." + m[2]
	}
	if parts := strings.SplitN(searchKey, ".", 3); len(parts) == 3 && parts[0] == "resource" {
		return parts[1] + "." + parts[2]
	}
	return "(stack)"
}

func loadExceptions(path string) ([]*exception, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []*exception
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	for i, e := range list {
		if e.Scanner == "" || e.Check == "" || e.Resource == "" || len(strings.TrimSpace(e.Reason)) < 20 {
			return nil, fmt.Errorf("%s: exception %d needs scanner, check, resource and a reason of a sentence or more", path, i)
		}
	}
	return list, nil
}

func (e *exception) matches(f finding) bool {
	return e.Scanner == f.Scanner && e.Check == f.Check && (e.Resource == f.Resource || e.Resource == f.Stack+"/"+f.Resource)
}

// report prints every finding and returns the exit code.
func report(w io.Writer, findings []finding, exceptions []*exception, stackNames []string, tfsecRan, kicsRan, verbose bool) int {
	sort.Slice(findings, func(i, j int) bool {
		a, b := findings[i], findings[j]
		return fmt.Sprint(a.Stack, a.Scanner, a.Resource, a.Check) < fmt.Sprint(b.Stack, b.Scanner, b.Resource, b.Check)
	})
	fmt.Fprintf(w, "scanned stacks: %s\n", strings.Join(stackNames, ", "))
	fmt.Fprintf(w, "scanners: policylint, tfsec %s, kics %s\n", ranWord(tfsecRan), ranWord(kicsRan))
	failed, accepted, info := 0, 0, 0
	for _, f := range findings {
		verdict := "info"
		switch f.Severity {
		case "CRITICAL", "HIGH", "MEDIUM":
			verdict = "FAIL (not in the exceptions file)"
			for _, e := range exceptions {
				if !e.matches(f) {
					continue
				}
				e.used = true
				if f.Severity != "MEDIUM" && e.Severity != f.Severity {
					verdict = fmt.Sprintf("FAIL (a %s finding is accepted only by an exception that states \"severity\": %q)", f.Severity, f.Severity)
					break
				}
				verdict = "accepted: " + e.Reason
				break
			}
			if strings.HasPrefix(verdict, "FAIL") {
				failed++
			} else {
				accepted++
			}
		default:
			info++
		}
		if verdict != "info" || verbose {
			fmt.Fprintf(w, "%-8s %-10s %-16s %s %s: %s [%s]\n", f.Severity, f.Scanner, f.Stack, f.Resource, f.Check, f.Title, verdict)
		}
	}
	for _, e := range exceptions {
		if !e.used && (e.Scanner == "tfsec" && tfsecRan || e.Scanner == "kics" && kicsRan) {
			fmt.Fprintf(w, "note: exception %s %s on %s matched nothing; remove it if the finding is gone\n", e.Scanner, e.Check, e.Resource)
		}
	}
	fmt.Fprintf(w, "%d failing, %d accepted by exceptions, %d low/info (-v lists them)\n", failed, accepted, info)
	if failed > 0 {
		return 1
	}
	return 0
}

func ranWord(ran bool) string {
	if ran {
		return "ran"
	}
	return "skipped"
}

func sortedNames(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
