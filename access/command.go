package access

import (
	"archive/tar"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/access/appsynth"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/cdktf-kms/cdktf-kms/synth"
)

// Flags are the app's flags of the access report (-access, -env, -format,
// -diff): the command line of go run . -access. Register them with
// RegisterFlags; Run prints the report.
type Flags struct {
	// Stdout receives the report. Default: os.Stdout.
	Stdout io.Writer

	access *bool
	env    *string
	format *string
	diff   *string
	live   *bool
}

// RegisterFlags adds the access report's flags to the app's flag set.
func RegisterFlags(flags *flag.FlagSet) *Flags {
	return &Flags{
		Stdout: os.Stdout,
		access: flags.Bool("access", false, "print who can do what with each key (from a synth into a temp folder; cdktf.out is not touched) instead of synthesizing"),
		env:    flags.String("env", "", "with -access: only this environment"),
		format: flags.String("format", "", "with -access: text (default) or json"),
		diff:   flags.String("diff", "", "with -access: show what changed against a git revision (its own app synthesizes it: that revision's code runs, with the Go, Node.js and locale settings of your environment and nothing else, so without AWS credentials)"),
		live:   flags.Bool("live", false, fmt.Sprintf("with -access: compare each deployed key (read from AWS with your credentials: policy, grants, aliases, state, rotation; read only) with the code, and exit %d when one differs", LiveDifferencesExit)),
	}
}

// Requested says whether any access flag was given.
func (o *Flags) Requested() bool {
	return *o.access || *o.env != "" || *o.format != "" || *o.diff != "" || *o.live
}

// Run prints the access report of the app's environments (cdktf.json, or
// CDKTF_CONTEXT_JSON as under the cdktf CLI) or what changed against a
// revision, and returns the exit code. It synthesizes with the app's own
// code path into a private temp folder that it removes on every path, so
// cdktf.out stays as it was.
func (o *Flags) Run(stderr io.Writer) int {
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "error: -access: "+format+"\n", args...)
		return code
	}
	if !*o.access {
		return fail(2, "-env, -format, -diff and -live go with -access (go run . -access -env prod -format json)")
	}
	if *o.live && *o.diff != "" {
		return fail(2, "-live compares the deployed keys with the code; -diff compares the code with a revision: one at a time")
	}
	format := *o.format
	if format == "" {
		format = "text"
	}
	if format != "text" && format != "json" {
		return fail(2, "-format %q: use text or json", format)
	}
	envs, err := stacks.LoadEnvironments("cdktf.json")
	if err != nil {
		fmt.Fprintln(stderr, "error: invalid configuration, no report:")
		for _, line := range stacks.ErrorLines(err) {
			fmt.Fprintln(stderr, "  "+line)
		}
		return 1
	}
	var only []string
	if *o.env != "" {
		var names []string
		for _, e := range envs {
			names = append(names, e.Name)
			if e.Name == *o.env {
				envs = []stacks.Environment{e}
				only = []string{stacks.StackName(e.Name)}
			}
		}
		if only == nil {
			return fail(2, "-env %q is not an environment; the environments are %s", *o.env, strings.Join(names, ", "))
		}
	}
	// synth.Run: the runtime's and the report's temp files are removed on
	// every path, and SIGINT or SIGTERM stops the jsii kernel at once.
	code := 0
	err = synth.Run(func(ctx context.Context) error {
		code = accessReport(ctx, o, format, envs, only, stderr)
		return nil
	})
	var stopped *synth.Interrupted
	if errors.As(err, &stopped) {
		return fail(stopped.ExitCode(), "interrupted (%v)", stopped.Signal)
	}
	if err != nil {
		return fail(2, "%v", err)
	}
	return code
}

// accessReport synthesizes the environments into a temp folder and prints
// their report, or what changed against -diff; it returns the exit code.
func accessReport(ctx context.Context, o *Flags, format string, envs []stacks.Environment, only []string, stderr io.Writer) int {
	fail := func(code int, format string, args ...any) int {
		fmt.Fprintf(stderr, "error: -access: "+format+"\n", args...)
		return code
	}
	dir, err := os.MkdirTemp("", "cdktf-kms-access-")
	if err != nil {
		return fail(2, "%v", err)
	}
	defer os.RemoveAll(dir)

	source := "cdktf.json"
	if os.Getenv(stacks.ContextEnv) != "" {
		source = stacks.ContextEnv
	}
	synthesized, err := appsynth.Synth(envs, filepath.Join(dir, "cdktf.out"))
	if ctx.Err() != nil {
		return 130 // synth.Run reports the interrupt (the synth failed because of it)
	}
	if err != nil {
		fmt.Fprintln(stderr, "error: -access: synth failed:")
		for _, line := range stacks.ErrorLines(err) {
			fmt.Fprintln(stderr, "  "+line)
		}
		return 1
	}
	if *o.live {
		return o.liveReport(ctx, format, envs, synthesized, stderr)
	}
	report, err := Build(source, synthesized)
	if err != nil {
		return fail(1, "%v", err)
	}
	if *o.diff == "" {
		if format == "json" {
			b, err := report.JSON()
			if err != nil {
				return fail(2, "%v", err)
			}
			_, err = o.Stdout.Write(b)
			if err != nil {
				return fail(2, "%v", err)
			}
			return 0
		}
		if err := report.WriteText(o.Stdout); err != nil {
			return fail(2, "%v", err)
		}
		return 0
	}

	oldStacks, err := synthesizeRevision(ctx, *o.diff, filepath.Join(dir, "old"))
	if err != nil {
		return fail(1, "-diff %s: %v", *o.diff, err)
	}
	old, err := Build(*o.diff, oldStacks)
	if err != nil {
		return fail(1, "-diff %s: %v", *o.diff, err)
	}
	changes := Diff(old.Filter(only...), report)
	if format == "json" {
		b, err := DiffReport{Format: Format, Against: *o.diff, Changes: changes}.JSON()
		if err == nil {
			_, err = o.Stdout.Write(b)
		}
		if err != nil {
			return fail(2, "%v", err)
		}
		return 0
	}
	if err := WriteDiffText(o.Stdout, *o.diff, changes); err != nil {
		return fail(2, "%v", err)
	}
	if len(changes) > 0 {
		fmt.Fprintf(o.Stdout, "\n%s\n", Summary(changes))
	}
	return 0
}

// synthesizeRevision synthesizes the app as it was at a git revision with
// that revision's own code and cdktf.json (its `go run .`, which may know
// nothing of -access), in dir, and returns each stack's Terraform JSON.
// The revision's files come from git archive, so the repository and its
// worktrees are not touched; dir is the caller's to remove.
func synthesizeRevision(ctx context.Context, rev, dir string) (map[string][]byte, error) {
	if strings.HasPrefix(rev, "-") {
		return nil, fmt.Errorf("not a revision")
	}
	git := func(args ...string) (string, error) {
		var stderr bytes.Buffer
		cmd := exec.CommandContext(ctx, "git", args...)
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			return "", fmt.Errorf("git %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return strings.TrimSpace(string(out)), nil
	}
	top, err := git("rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("the app is not in a git repository: %w", err)
	}
	prefix, err := git("rev-parse", "--show-prefix")
	if err != nil {
		return nil, err
	}
	commit, err := git("rev-parse", "--verify", "--quiet", rev+"^{commit}")
	if err != nil {
		return nil, fmt.Errorf("not a commit of this repository")
	}
	src := filepath.Join(dir, "src")
	if err := extractRevision(ctx, top, commit, src); err != nil {
		return nil, err
	}
	app := filepath.Join(src, filepath.FromSlash(prefix))
	if _, err := os.Stat(filepath.Join(app, "cdktf.json")); err != nil {
		return nil, fmt.Errorf("the revision has no cdktf.json at %s", filepath.ToSlash(filepath.Join(prefix, "cdktf.json")))
	}
	out, tmp := filepath.Join(dir, "cdktf.out"), filepath.Join(dir, "tmp")
	if err := os.MkdirAll(tmp, 0o755); err != nil {
		return nil, err
	}
	// The old app writes into the temp folder only: its output, and the
	// jsii runtime's own temp folders.
	env := append(revisionEnv(os.Environ()), "CDKTF_OUTDIR="+out, "TMPDIR="+tmp)
	cmd := exec.CommandContext(ctx, "go", "run", ".")
	cmd.Dir, cmd.Env = app, env
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, errors.New("interrupted")
		}
		return nil, fmt.Errorf("its app failed (go run . at %s): %v\n%s", commit[:12], err, strings.TrimSpace(output.String()))
	}
	dirs, err := os.ReadDir(filepath.Join(out, "stacks"))
	if err != nil {
		return nil, fmt.Errorf("its app wrote no stacks: %v", err)
	}
	stacksJSON := map[string][]byte{}
	for _, d := range dirs {
		raw, err := os.ReadFile(filepath.Join(out, "stacks", d.Name(), "cdk.tf.json"))
		if err != nil {
			return nil, fmt.Errorf("stack %s: %v (the report reads JSON output)", d.Name(), err)
		}
		stacksJSON[d.Name()] = raw
	}
	return stacksJSON, nil
}

// revisionEnv is the environment the app of another revision runs with:
// what go, node and the jsii runtime need from the caller's (the path,
// home, locale, Go's and Node's settings, proxies and certificates), and
// nothing else. A revision is code that is not the code running now, so
// it gets no AWS credentials or other secrets of the caller's environment,
// and the AWS SDKs' configuration and credential files are pointed at
// nothing (what it reads by path is outside what an environment can hide:
// review a revision as any code before running it).
func revisionEnv(environ []string) []string {
	keep := func(name string) bool {
		switch name {
		case "PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TERM", "SHELL",
			"XDG_CACHE_HOME", "XDG_CONFIG_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR",
			"HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
			"CHECKPOINT_DISABLE", "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS":
			return true
		}
		for _, prefix := range []string{"LC_", "GO", "CGO_", "JSII_"} {
			if strings.HasPrefix(name, prefix) {
				return true
			}
		}
		return false
	}
	var env []string
	for _, kv := range environ {
		if name, _, _ := strings.Cut(kv, "="); keep(name) {
			env = append(env, kv)
		}
	}
	return append(env, "AWS_CONFIG_FILE="+os.DevNull, "AWS_SHARED_CREDENTIALS_FILE="+os.DevNull, "AWS_EC2_METADATA_DISABLED=true")
}

// extractRevision writes the files of a commit into dir (git archive,
// read with archive/tar; only regular files and folders, never outside
// dir).
func extractRevision(ctx context.Context, top, commit, dir string) error {
	cmd := exec.CommandContext(ctx, "git", "-C", top, "archive", "--format=tar", commit)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	tr := tar.NewReader(pipe)
	var extractErr error
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			extractErr = err
			break
		}
		name := filepath.Clean(filepath.FromSlash(h.Name))
		if !filepath.IsLocal(name) {
			continue
		}
		target := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			extractErr = os.MkdirAll(target, 0o755)
		case tar.TypeReg:
			if extractErr = os.MkdirAll(filepath.Dir(target), 0o755); extractErr == nil {
				extractErr = writeFile(target, tr, os.FileMode(h.Mode)&0o755|0o600)
			}
		}
		if extractErr != nil {
			break
		}
	}
	if extractErr != nil {
		_, _ = io.Copy(io.Discard, pipe)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %v: %s", commit, err, strings.TrimSpace(stderr.String()))
	}
	return extractErr
}

func writeFile(path string, r io.Reader, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, mode)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// liveReport compares each environment's deployed keys with the code and
// prints the findings; it returns 0 when every key is as the code says,
// LiveDifferencesExit when one differs, 1 on an error.
func (o *Flags) liveReport(ctx context.Context, format string, envs []stacks.Environment, synthesized map[string][]byte, stderr io.Writer) int {
	reader, err := newSDKReader(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "error: -access -live: %v\n", err)
		return 1
	}
	var findings []LiveFinding
	for _, env := range envs {
		name := stacks.StackName(env.Name)
		raw, ok, err := readState(ctx, reader.cfg, env)
		if err != nil {
			fmt.Fprintf(stderr, "error: -access -live: %s: %v\n", name, err)
			return 1
		}
		if !ok {
			findings = append(findings, LiveFinding{Stack: name, Kind: "state", Message: "no Terraform state: the stack is not deployed (nothing to compare)"})
			continue
		}
		state, err := ParseState(raw)
		if err != nil {
			fmt.Fprintf(stderr, "error: -access -live: %s: %v\n", name, err)
			return 1
		}
		found, err := CompareLive(ctx, name, synthesized[name], state, reader)
		if err != nil {
			fmt.Fprintf(stderr, "error: -access -live: %v\n", err)
			return 1
		}
		findings = append(findings, found...)
	}
	if format == "json" {
		b, err := json.MarshalIndent(LiveReport{Format: Format, Findings: append([]LiveFinding{}, findings...)}, "", "  ")
		if err == nil {
			_, err = o.Stdout.Write(append(b, '\n'))
		}
		if err != nil {
			fmt.Fprintf(stderr, "error: -access -live: %v\n", err)
			return 1
		}
	} else if err := WriteLiveText(o.Stdout, findings); err != nil {
		fmt.Fprintf(stderr, "error: -access -live: %v\n", err)
		return 1
	}
	for _, f := range findings {
		if f.Key != "" {
			return LiveDifferencesExit
		}
	}
	return 0
}
