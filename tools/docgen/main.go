// Command docgen writes the reference documentation that must not drift
// from the code: docs/configuration.md (every cdktf.json key with its type,
// default and rule, from the config structs and their doc comments; every
// output; every access level with its actions, from the action lists) and
// docs/scan-exceptions.md (the accepted scanner findings with their reasons,
// from security/exceptions.json) and the access reports of docs/access
// (from the synthesized stacks of cdktf.json and examples/environments).
//
//	go run ./tools/docgen        # or: make docs
//
// A test regenerates both and fails when the committed files differ.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/kmsoutputs"
	"github.com/cdktf-kms/cdktf-kms/internal/svcconditions"
	"github.com/cdktf-kms/cdktf-kms/stacks"
	"github.com/cdktf-kms/cdktf-kms/synth"
)

func main() { os.Exit(run()) }

// run writes the documents. Reading the construct's defaults starts the
// jsii runtime: synth.Run removes its temp files and stops it on every
// path, an interrupt included.
func run() int {
	err := synth.Run(func(ctx context.Context) error {
		files, err := generate(".")
		if err != nil {
			return err
		}
		for name, content := range files {
			if err := os.WriteFile(name, content, 0o644); err != nil {
				return err
			}
		}
		return nil
	})
	var stopped *synth.Interrupted
	if errors.As(err, &stopped) {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		return stopped.ExitCode()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "docgen:", err)
		return 1
	}
	return 0
}

// generate renders the generated documents of the repository at root, by
// path relative to root.
func generate(root string) (map[string][]byte, error) {
	comments, err := fieldComments(filepath.Join(root, "constructs", "kms"), filepath.Join(root, "stacks"))
	if err != nil {
		return nil, err
	}
	config, err := configuration(comments)
	if err != nil {
		return nil, err
	}
	exceptions, err := scanExceptions(filepath.Join(root, "security", "exceptions.json"))
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{
		filepath.Join(root, "docs", "configuration.md"):   config,
		filepath.Join(root, "docs", "scan-exceptions.md"): exceptions,
	}
	pages, err := accessReports(root)
	if err != nil {
		return nil, err
	}
	maps.Copy(files, pages)
	return files, nil
}

// fieldComments reads the doc comments of every struct field in the
// packages' Go files (tests excluded): "Type.Field" -> text.
func fieldComments(dirs ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, dir := range dirs {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, dir, func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, parser.ParseComments)
		if err != nil {
			return nil, err
		}
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				ast.Inspect(f, func(n ast.Node) bool {
					ts, ok := n.(*ast.TypeSpec)
					if !ok {
						return true
					}
					st, ok := ts.Type.(*ast.StructType)
					if !ok {
						return true
					}
					for _, field := range st.Fields.List {
						for _, name := range field.Names {
							out[ts.Name.Name+"."+name.Name] = strings.Join(strings.Fields(field.Doc.Text()), " ")
						}
					}
					return true
				})
			}
		}
	}
	return out, nil
}

// row is one key of the reference.
type row struct {
	key, typ, def, rule string
	references          bool
}

var (
	defaultPattern   = regexp.MustCompile(`\s*Default: (.*)$`)
	referencePattern = regexp.MustCompile(`(?i)takes? (a )?references?\.?`)
)

// describe turns a field's doc comment into its rule and default.
func describe(field, comment string) (rule, def string, references bool) {
	rule = comment
	if m := defaultPattern.FindStringSubmatchIndex(rule); m != nil {
		def = strings.TrimSuffix(rule[m[2]:m[3]], ".")
		rule = rule[:m[0]]
	}
	if def == "" && strings.Contains(rule, "Required") {
		def = "required"
	}
	references = referencePattern.MatchString(rule)
	// "AwsAccountId is the id ..." reads better without the Go name.
	for _, lead := range []string{field + " is ", field + " are ", field + " "} {
		if rest, ok := strings.CutPrefix(rule, lead); ok {
			rule = strings.ToUpper(rest[:1]) + rest[1:]
			break
		}
	}
	return strings.TrimSpace(rule), def, references
}

// typeName names a Go type as a cdktf.json author writes it.
func typeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return typeName(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int64:
		return "whole number"
	case reflect.Map:
		return "object of " + plural(typeName(t.Elem()))
	case reflect.Slice:
		return "list of " + plural(typeName(t.Elem()))
	case reflect.Struct:
		if t == reflect.TypeOf(kms.PolicyStatement{}) {
			return "policy statement"
		}
		return "object"
	}
	return t.String()
}

func plural(s string) string {
	switch {
	case strings.HasPrefix(s, "object of "), strings.HasPrefix(s, "list of "):
		return s
	case strings.HasSuffix(s, "y"):
		return s
	}
	return s + "s"
}

// walk lists the keys of a struct type under a path prefix; nested structs
// (objects and lists of objects) get rows of their own under their path,
// except policy statements, which docs describe as a whole.
func walk(t reflect.Type, prefix string, comments map[string]string, rows *[]row, goOnly *[]row) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			walk(f.Type, prefix, comments, rows, goOnly)
			continue
		}
		tag := strings.Split(f.Tag.Get("json"), ",")[0]
		comment := comments[t.Name()+"."+f.Name]
		rule, def, refs := describe(f.Name, comment)
		if tag == "-" {
			if f.Name != "Name" || t != reflect.TypeOf(stacks.Environment{}) {
				// Named with their type: the construct's config or the app's
				// environment.
				owner := path.Base(t.PkgPath()) + "." + t.Name()
				*goOnly = append(*goOnly, row{key: owner + "." + f.Name, typ: f.Type.String(), def: def, rule: rule})
			}
			continue
		}
		if tag == "" {
			continue
		}
		key := prefix + tag
		*rows = append(*rows, row{key: key, typ: typeName(f.Type), def: def, rule: rule, references: refs})
		inner := f.Type
		suffix := "."
		for inner.Kind() == reflect.Pointer {
			inner = inner.Elem()
		}
		if inner.Kind() == reflect.Slice {
			inner, suffix = inner.Elem(), "[]."
		}
		if inner.Kind() == reflect.Struct && inner != reflect.TypeOf(kms.PolicyStatement{}) {
			walk(inner, key+suffix, comments, rows, goOnly)
		}
	}
}

// Keys returns every key of an environment in cdktf.json, with its path
// (monitoring.alarm_emails, roles[].name), in the reference's order.
func Keys() []string {
	var rows, goOnly []row
	walk(reflect.TypeOf(stacks.Environment{}), "", map[string]string{}, &rows, &goOnly)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.key
	}
	return out
}

// cell escapes a table cell: "|" would end it, and "<name>" would read as
// an HTML tag.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.NewReplacer("|", `\|`, "<", "&lt;", ">", "&gt;").Replace(s)
}

// configuration renders docs/configuration.md.
func configuration(comments map[string]string) ([]byte, error) {
	var rows, goOnly []row
	walk(reflect.TypeOf(stacks.Environment{}), "", comments, &rows, &goOnly)
	var b bytes.Buffer
	b.WriteString(`# Configuration reference

<!-- Generated by tools/docgen from the Go types and their doc
comments: do not edit by hand; run make docs. A test fails when this file is
out of date. -->

Each environment in the ` + "`context.environments`" + ` object of ` + "`cdktf.json`" + ` becomes the
stack ` + "`kms-<environment>`" + `. Its keys are the fields of ` + "`kms.KmsKeyConfig`" + ` (the Go
API of the construct) and the stack's backend. Keys match exactly (case
included); an unknown key, a key given twice, a fraction where a whole number
is wanted or a cdktf token marker is an error that names the key's path. With
only the first five keys set, the stack is the original HCL module's.

"Reference" marks the fields that also take a reference to another resource
(an unresolved cdktf token) from the Go API; in ` + "`cdktf.json`" + ` every value is data.
A principal given by reference (a string, or a whole list) meets the rules a literal
meets when Terraform plans: the resource that uses it carries a precondition that its
value is a principal of the forms the field takes (no ` + "`*`" + `, no group), of the key's
account or ` + "`trusted_account_ids`" + ` when it gets more than usage (of
` + "`trusted_service_principals`" + ` for a service), and, for a ` + "`Grant`" + ` to a role, user or group
given by reference, of the key's account (an inline policy attaches to the identity of
that name where Terraform deploys, so another account's ARN is refused rather than
granted to a namesake). The plan stops with a message that names the field.

## Keys

| key | type | default | reference | rule |
|---|---|---|---|---|
`)
	for _, r := range rows {
		ref := ""
		if r.references {
			ref = "yes"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", r.key, r.typ, cell(r.def), cell(ref), cell(r.rule))
	}
	b.WriteString(`
` + "`extra_policy_statements`" + ` entries are IAM policy statements in their JSON form: ` + "`Sid`" + `,
` + "`Effect`" + `, ` + "`Principal`" + ` (` + "`\"*\"`" + ` or ` + "`{\"AWS\": ..., \"Service\": ...}`" + `), ` + "`Action`" + `, ` + "`Resource`" + ` and
` + "`Condition`" + `, matched exactly; ` + "`NotPrincipal`" + `, ` + "`NotAction`" + ` and ` + "`NotResource`" + ` are refused.

## Go API only

Fields of the Go types that ` + "`cdktf.json`" + ` has no key for: of the construct's config
(` + "`kms.KmsKeyConfig`" + `, for every app that uses the construct) and of the app's
environments (` + "`stacks.Environment`" + `, for apps built on package ` + "`stacks`" + `).

| field | type | default | rule |
|---|---|---|---|
`)
	for _, r := range goOnly {
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s |\n", r.key, r.typ, cell(r.def), cell(r.rule))
	}
	b.WriteString(`
## Outputs

Each key creates these Terraform outputs, named ` + "`<output_prefix>_<suffix>`" + `
(` + "`output_prefix`" + ` defaults to ` + "`kms`" + `, so the ARN output is the original module's
` + "`kms_key_arn`" + `); ` + "`skip_outputs`" + ` creates none.

| output (default prefix) | created with | value |
|---|---|---|
`)
	for _, o := range kmsoutputs.Docs() {
		fmt.Fprintf(&b, "| `%s_%s` | %s | %s |\n", kms.DefaultOutputPrefix, o.Suffix, cell(o.When), cell(o.Value))
	}
	b.WriteString(`
## Access levels

Grants (` + "`KmsKey.Grant`" + ` and its shortcuts, ` + "`KeyRef.Grant`" + `) and predefined roles (` + "`roles[].access`" + `)
allow one access level on the key and its replicas, written out as IAM actions
(no wildcards). A level must fit the key's usage; on a key created elsewhere
(` + "`FromKeyArn`" + `, ` + "`FromAlias`" + `) every level is allowed with the symmetric actions.

| level | key usage | actions on a symmetric or HMAC key | actions on an asymmetric key |
|---|---|---|---|
`)
	for _, a := range kms.AccessLevels() {
		usage := accessUsage(a)
		sym, asym := levelActions(a, usage)
		if usage == "" {
			usage = "any"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", a, usage, cell(sym), cell(asym))
	}
	b.WriteString(`
The key policy statements of the user lists (` + "`key_users`" + ` and the ` + "`key_*_users`" + ` lists)
follow the same key types; see the rules above.

## Service principals and their documented conditions

` + "`service_principals_source_account`" + ` and ` + "`service_principals_source_arns`" + ` add the confused-deputy
conditions ` + "`aws:SourceAccount`" + ` and ` + "`aws:SourceArn`" + ` to the statement of ` + "`service_principals`" + `. A
condition on a key the service does not send denies it, so they apply only to the services
whose own documentation gives them for key policies, below (checked ` + svcconditions.Checked + `), and to
services you name in ` + "`service_principals_conditions_asserted`" + ` (with a warning). Each
service of the table needs an ARN of its own resources among the source ARNs. CloudWatch
Logs is documented with ` + "`kms:EncryptionContext:aws:logs:arn`" + ` instead
(` + "`restrict_cloudwatch_logs`" + `).

| service principal | aws:SourceAccount | aws:SourceArn (form) | source | caveat |
|---|---|---|---|---|
`)
	for _, r := range svcconditions.Table() {
		yes := func(b bool) string {
			if b {
				return "yes"
			}
			return "no"
		}
		arn := "no"
		if r.SourceArn {
			arn = "yes: " + r.SourceArnForm
		}
		fmt.Fprintf(&b, "| `%s.amazonaws.com` | %s | %s | %s | %s |\n", r.Service, yes(r.SourceAccount), cell(arn), cell(r.Source), cell(r.Caveat))
	}
	return b.Bytes(), nil
}

// levelActions returns a level's actions for a symmetric (or HMAC) key and
// for an asymmetric key of the level's usage ("" where it does not apply).
func levelActions(a kms.Access, usage string) (symmetric, asymmetric string) {
	specs := map[string][2]string{ // usage -> symmetric-ish spec, asymmetric spec
		"":                    {"SYMMETRIC_DEFAULT", "RSA_2048"},
		"ENCRYPT_DECRYPT":     {"SYMMETRIC_DEFAULT", "RSA_2048"},
		"SIGN_VERIFY":         {"", "ECC_NIST_P256"},
		"GENERATE_VERIFY_MAC": {"HMAC_256", ""},
		"KEY_AGREEMENT":       {"", "ECC_NIST_P384"},
	}
	keyUsage := usage
	if keyUsage == "" {
		keyUsage = "ENCRYPT_DECRYPT"
	}
	s := specs[usage]
	render := func(spec string) string {
		if spec == "" {
			return ""
		}
		actions, err := kms.AccessActionsFor(a, kms.KeySpec(spec), kms.KeyUsage(keyUsage))
		if err != nil {
			return ""
		}
		return "`" + strings.Join(actions, "`, `") + "`"
	}
	return render(s[0]), render(s[1])
}

// scanExceptions renders docs/scan-exceptions.md.
func scanExceptions(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var list []struct {
		Scanner, Check, Title, Resource, Severity, Reason string
	}
	if err := json.Unmarshal(raw, &list); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	sort.SliceStable(list, func(i, j int) bool { return list[i].Severity > list[j].Severity })
	var b bytes.Buffer
	b.WriteString(`# Accepted scanner findings

<!-- Generated by tools/docgen from security/exceptions.json: do not
edit by hand; run make docs. -->

` + "`security/scan.sh`" + ` fails on every HIGH or CRITICAL finding and on every MEDIUM one, unless
` + "`security/exceptions.json`" + ` accepts it with a reason (a HIGH or CRITICAL one only with an
exception that states that severity). These are the accepted ones.

| scanner | check | severity | resource | reason |
|---|---|---|---|---|
`)
	for _, e := range list {
		sev := e.Severity
		if sev == "" {
			sev = "MEDIUM"
		}
		fmt.Fprintf(&b, "| %s | %s (`%s`) | %s | `%s` | %s |\n", e.Scanner, cell(e.Title), e.Check, sev, e.Resource, cell(e.Reason))
	}
	return b.Bytes(), nil
}

// accessUsage is the key usage an access level fits ("" for any key), as
// the construct answers for a key of each usage.
func accessUsage(a kms.Access) string {
	var fits []string
	for _, k := range []struct {
		spec  kms.KeySpec
		usage kms.KeyUsage
	}{{"", kms.KeyUsageEncryptDecrypt}, {kms.KeySpecEccNistP256, kms.KeyUsageSignVerify}, {kms.KeySpecHmac256, kms.KeyUsageGenerateVerifyMac}, {kms.KeySpecEccNistP256, kms.KeyUsageKeyAgreement}} {
		if _, err := kms.AccessActionsFor(a, k.spec, k.usage); err == nil {
			fits = append(fits, string(k.usage))
		}
	}
	if len(fits) == 4 {
		return ""
	}
	return strings.Join(fits, ", ")
}
