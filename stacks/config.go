package stacks

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/excerpt"
	"github.com/cdktf-kms/cdktf-kms/internal/jsonkind"
	"github.com/cdktf-kms/cdktf-kms/internal/tftemplate"
)

// ContextEnv is the environment variable through which the cdktf CLI hands
// the context of cdktf.json to the app.
const ContextEnv = "CDKTF_CONTEXT_JSON"

// EnvironmentsKey is the key of the environments object in the context of
// cdktf.json.
const EnvironmentsKey = "environments"

// Environment is one entry of the environments object of cdktf.json: the
// original module's variables by their Terraform names, the key's options,
// and the stack's backend.
type Environment struct {
	// Name is the environment's key in cdktf.json; the stack is kms-<Name>.
	Name string `json:"-"`
	kms.KmsKeyConfig
	// Backend is where the stack keeps its state. Default: local state in
	// the project folder.
	Backend *Backend `json:"backend,omitempty"`
	// AwsProviderVersion is the AWS provider version constraint the stack
	// requires (Terraform's syntax). It must admit a release the tests
	// prove (kms.TestedAwsProviderVersions), and every later release a
	// feature in use needs (ML_DSA_* key specs: 6.2.0;
	// ECC_NIST_EDWARDS25519: 6.21.0). Default:
	// kms.DefaultAwsProviderConstraint (">= 5.84.0, < 7.0.0").
	AwsProviderVersion string `json:"aws_provider_version,omitempty"`
	// LocalStatePath is the local backend's path, relative to the stack's
	// folder (the app sets it for an output folder other than cdktf.out;
	// see LocalStatePathIn). Default: LocalStatePath(Name).
	LocalStatePath string `json:"-"`
}

// envNamePattern limits environment names to what works in stack names,
// directory names and tag values.
var envNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// Validate checks the environment without creating anything and returns
// every problem, each naming the environment and the cdktf.json key.
func (e *Environment) Validate() error { return e.validate(nil) }

// validate is Validate without the problems of the keys in skip (keys whose
// value could not be decoded: their problem is already reported).
func (e *Environment) validate(skip map[string]bool) error {
	var errs []error
	if !envNamePattern.MatchString(e.Name) {
		errs = append(errs, fmt.Errorf("environment %s: the name must be 1 to 64 letters, digits, - or _, starting with a letter or digit (it becomes the stack name kms-<name>)", quote(e.Name)))
	}
	var fieldErrs []error
	for _, fe := range kms.FieldErrors(e.KmsKeyConfig.ValidateForProvider(e.ProviderConstraint())) {
		if !underAny(fe.Key, skip) {
			fieldErrs = append(fieldErrs, fe)
		}
	}
	if e.Backend != nil && e.Backend.S3 != nil {
		for _, err := range e.Backend.S3.validate() {
			if fe, ok := err.(*kms.FieldError); !ok || !underAny(fe.Key, skip) {
				fieldErrs = append(fieldErrs, err)
			}
		}
	}
	for _, err := range fieldErrs {
		errs = append(errs, &EnvironmentError{Environment: e.Name, Err: err})
	}
	return errors.Join(errs...)
}

// ProviderConstraint is the AWS provider version constraint of the
// environment's stack: AwsProviderVersion, or the default.
func (e *Environment) ProviderConstraint() string {
	if e.AwsProviderVersion != "" {
		return e.AwsProviderVersion
	}
	return kms.DefaultAwsProviderConstraint
}

// underAny says whether a key path (roles[0].name) is one of paths or
// lies under one of them.
func underAny(key string, paths map[string]bool) bool {
	for p := range paths {
		if key == p || strings.HasPrefix(key, p+".") || strings.HasPrefix(key, p+"[") {
			return true
		}
	}
	return false
}

// EnvironmentError is a problem with one environment of cdktf.json.
type EnvironmentError struct {
	Environment string
	Err         error
}

func (e *EnvironmentError) Error() string {
	var fe *kms.FieldError
	if errors.As(e.Err, &fe) {
		return fmt.Sprintf("environment %s: %s", quote(e.Environment), fe.ConfigError())
	}
	return fmt.Sprintf("environment %s: %v", quote(e.Environment), e.Err)
}

func (e *EnvironmentError) Unwrap() error { return e.Err }

// maxShown is how much of a name or value a message shows.
const maxShown = 80

// quote quotes a name or value for a message, cut to a readable length.
func quote(s string) string { return excerpt.Quote(s, maxShown) }

// ParseEnvironments decodes the environments object of cdktf.json strictly
// and validates every environment and what environments must not share. It
// returns the environments sorted by name, or every problem found.
//
// Strict means: keys match exactly (case included) at every depth, a key
// given twice anywhere is an error, an unknown key is an error that names
// its path and the keys allowed there, numbers where an integer is wanted
// must be whole and in range, and no string may hold a cdktf token marker
// (values in cdktf.json are data, never references).
func ParseEnvironments(data []byte) ([]Environment, error) {
	// Valid JSON first (duplicate names are reported one by one below).
	var any jsontext.Value
	if err := json.Unmarshal(data, &any, jsontext.AllowDuplicateNames(true)); err != nil {
		return nil, fmt.Errorf("%s: must be an object of environments keyed by name, like {\"dev\": {...}}: %v", EnvironmentsKey, shortError(err))
	}
	if any.Kind() != '{' {
		return nil, fmt.Errorf("%s: must be an object of environments keyed by name, like {\"dev\": {...}}", EnvironmentsKey)
	}
	ms, dups, err := members(any)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", EnvironmentsKey, shortError(err))
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("%s: is empty; define at least one environment", EnvironmentsKey)
	}
	var errs []error
	for _, name := range dups {
		errs = append(errs, fmt.Errorf("%s: environment %s is given twice; the second would silently replace the first", EnvironmentsKey, quote(name)))
	}
	raw := map[string]jsontext.Value{}
	names := make([]string, 0, len(ms))
	for _, m := range ms {
		raw[m.name] = m.value
		names = append(names, m.name)
	}
	sort.Strings(names)

	var envs, checked []Environment
	for _, name := range names {
		env, decodeErrs, failed := decodeEnvironment(name, raw[name])
		for _, err := range decodeErrs {
			errs = append(errs, &EnvironmentError{Environment: name, Err: err})
		}
		err := env.validate(failed)
		if err != nil {
			errs = append(errs, err)
		}
		if envNamePattern.MatchString(name) {
			checked = append(checked, env)
		}
		if err == nil && len(decodeErrs) == 0 {
			envs = append(envs, env)
		}
	}
	errs = append(errs, sharedProblems(checked)...)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return envs, nil
}

// decodeEnvironment decodes one environment strictly and returns every
// problem with it, and the keys whose values could not be decoded.
func decodeEnvironment(name string, data jsontext.Value) (Environment, []error, map[string]bool) {
	env := Environment{Name: name}
	d := &decoder{}
	switch data.Kind() {
	case 'n':
		d.fail(nil, `is null; an environment is an object of settings, like {"aws_account_id": "123456789012", "aws_region": "eu-west-1", "name_prefix": "app"}`)
		return env, d.errs, d.failed
	case '{':
		d.object(data, reflect.ValueOf(&env).Elem(), nil)
	default:
		d.fail(nil, "must be an object of settings, got a JSON %s", jsonkind.Name(data.Kind()))
		return env, d.errs, d.failed
	}
	d.errs = append(d.errs, tokenMarkers(reflect.ValueOf(env.KmsKeyConfig), nil)...)
	ms, _, _ := members(data)
	env.Environment, env.Name = name, name
	for _, m := range ms {
		if m.name == "environment" {
			var v string
			if json.Unmarshal(m.value, &v) == nil {
				env.Environment = v
			} else {
				env.Environment = ""
			}
		}
	}
	return env, d.errs, d.failed
}

// shortError cuts an error message that might echo a large value.
func shortError(err error) string {
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200] + "..."
	}
	return msg
}

func isInteger(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

// pointerParts splits a JSON pointer into its (unescaped) segments.
func pointerParts(ptr string) []string {
	if ptr == "" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i, p := range parts {
		parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(p)
	}
	return parts
}

// keyPath renders pointer segments as a cdktf.json key path:
// monitoring.foo, roles[0].name.
func keyPath(parts []string) string {
	var b strings.Builder
	for i, p := range parts {
		if _, err := strconv.Atoi(p); err == nil && i > 0 {
			b.WriteString("[" + p + "]")
			continue
		}
		if i > 0 {
			b.WriteString(".")
		}
		if len(p) > maxShown {
			p = p[:maxShown] + "..."
		}
		b.WriteString(p)
	}
	return b.String()
}

// jsonTypeName names a Go type the way a cdktf.json author thinks of it.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(strings.TrimPrefix(jsonTypeName(t.Elem()), "a "), "an ") + "s"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	case reflect.Struct, reflect.Map, reflect.Interface:
		return "an object"
	}
	return t.String()
}

// jsonKeys lists a struct's JSON keys (embedded structs inlined), sorted.
func jsonKeys(t reflect.Type) []string {
	var keys []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.Anonymous {
			keys = append(keys, jsonKeys(f.Type)...)
			continue
		}
		if tag := jsonName(f); tag != "" {
			keys = append(keys, tag)
		}
	}
	sort.Strings(keys)
	return keys
}

func jsonName(f reflect.StructField) string {
	tag := strings.Split(f.Tag.Get("json"), ",")[0]
	if tag == "-" || !f.IsExported() {
		return ""
	}
	return tag
}

// tokenMarkers refuses cdktf token markers in any string of a decoded
// environment: a marker in cdktf.json is not a reference the app made, and
// cdktf would turn it into one (a cross-stack reference, or a panic).
func tokenMarkers(v reflect.Value, path []string) []error {
	at := func(more string) []string { return append(append([]string(nil), path...), more) }
	var errs []error
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			errs = tokenMarkers(v.Elem(), path)
		}
	case reflect.String:
		if s := v.String(); tftemplate.IsUnresolved(s) || tftemplate.HasComplexMarker(s) {
			errs = append(errs, fmt.Errorf("%s: %s holds a cdktf token marker (${TfToken[...]}); values in cdktf.json are data, never references: write the value itself", keyPath(path), quote(s)))
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			errs = append(errs, tokenMarkers(v.Index(i), at(strconv.Itoa(i)))...)
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for _, k := range keys {
			errs = append(errs, tokenMarkers(k, path)...)
			errs = append(errs, tokenMarkers(v.MapIndex(k), at(fmt.Sprint(k)))...)
		}
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			p := path
			if !f.Anonymous {
				name := jsonName(f)
				if name == "" {
					continue
				}
				p = at(name)
			}
			errs = append(errs, tokenMarkers(v.Field(i), p)...)
		}
	}
	return errs
}

// sharedProblems refuses what two environments must not share: a stack
// name that differs only in case (the stacks' folders collide on
// case-insensitive file systems, and people confuse them), one S3 state,
// and names AWS keeps per account (aliases, role names) in one account.
func sharedProblems(envs []Environment) []error {
	var errs []error
	folded := map[string]string{}
	states := map[string]string{}
	// Names AWS keeps per account (and region): the first environment, in
	// name order, keeps each; the others are told who has it, as the
	// construct's registry would when the stacks are built.
	global := map[string]*Environment{}
	for i := range envs {
		e := &envs[i]
		for _, g := range e.GlobalNames() {
			if other, taken := global[g.Key]; taken && other.Name != e.Name {
				errs = append(errs, &EnvironmentError{Environment: e.Name, Err: &kms.FieldError{Field: g.Field, Key: g.ConfigKey, Value: g.Value,
					Rule: fmt.Sprintf("%s is already created by %s.%s of stack %s; names must be unique", g.What, other.KeyResourceType(), KeyID, StackName(other.Name))}})
				continue
			}
			global[g.Key] = e
		}
	}
	for _, e := range envs {
		lower := strings.ToLower(StackName(e.Name))
		if other, dup := folded[lower]; dup {
			errs = append(errs, fmt.Errorf("environment %s: its stack %s differs only in case from %s of environment %s; stack folders would collide on case-insensitive file systems", quote(e.Name), StackName(e.Name), StackName(other), quote(other)))
		}
		folded[lower] = e.Name
		if e.Backend != nil && e.Backend.S3 != nil {
			state := e.Backend.S3.Bucket + "/" + e.Backend.S3.Key
			if other, dup := states[state]; dup {
				errs = append(errs, &EnvironmentError{Environment: e.Name, Err: &kms.FieldError{Field: "Backend.S3.Key", Key: "backend.s3.key", Value: e.Backend.S3.Key,
					Rule: fmt.Sprintf("is the state of environment %s too (bucket %s); two stacks sharing one state destroy each other's resources", quote(other), e.Backend.S3.Bucket)}})
			}
			states[state] = e.Name
		}
	}
	return errs
}

// AllowedKeys lists the keys an environment may hold, sorted.
func AllowedKeys() []string { return jsonKeys(reflect.TypeOf(Environment{})) }

// ConfigOutdir returns the output folder cdktf.json names ("output"), or
// "" when it names none: the cdktf CLI passes it in CDKTF_OUTDIR, and the
// app reads it itself when run without the CLI, so that both write to the
// same folder.
func ConfigOutdir(configPath string) (string, error) {
	data, err := os.ReadFile(configPath)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", configPath, err)
	}
	var file struct {
		Output jsontext.Value `json:"output"`
	}
	if err := json.Unmarshal(data, &file, jsontext.AllowDuplicateNames(true)); err != nil {
		return "", fmt.Errorf("%s: invalid JSON: %v", configPath, shortError(err))
	}
	if len(file.Output) == 0 {
		return "", nil
	}
	var out string
	if err := json.Unmarshal(file.Output, &out); err != nil || out == "" {
		return "", fmt.Errorf("%s: output: must be a folder name, like \"cdktf.out\"", configPath)
	}
	return out, nil
}

// LoadEnvironments reads the environments from the context the cdktf CLI
// passes in CDKTF_CONTEXT_JSON, or, when it holds none (as under `go run .`),
// from the context of the cdktf.json at configPath.
func LoadEnvironments(configPath string) ([]Environment, error) {
	if ctx := os.Getenv(ContextEnv); ctx != "" {
		var context map[string]jsontext.Value
		if err := json.Unmarshal([]byte(ctx), &context); err != nil {
			return nil, fmt.Errorf("%s: invalid JSON from the cdktf CLI: %v", ContextEnv, shortError(err))
		}
		if envs, ok := context[EnvironmentsKey]; ok {
			return ParseEnvironments(envs)
		}
	}
	data, err := os.ReadFile(configPath)
	if err != nil {
		return nil, fmt.Errorf("reading the environments: %w", err)
	}
	var file struct {
		Context map[string]jsontext.Value `json:"context"`
	}
	// The rest of cdktf.json belongs to the cdktf CLI: unknown keys there
	// are fine, but the file must be valid JSON without duplicate keys.
	if err := json.Unmarshal(data, &file); err != nil {
		var se *jsontext.SyntacticError
		if errors.As(err, &se) && errors.Is(err, jsontext.ErrDuplicateName) {
			parts := pointerParts(string(se.JSONPointer))
			if len(parts) <= 2 || parts[0] != "context" || parts[1] != EnvironmentsKey {
				return nil, fmt.Errorf("%s: %s is given twice", configPath, keyPath(parts))
			}
			// Inside the environments, ParseEnvironments reports every key
			// given twice with the other problems.
			file.Context = nil
			if err := json.Unmarshal(data, &file, jsontext.AllowDuplicateNames(true)); err != nil {
				return nil, fmt.Errorf("%s: invalid JSON: %v", configPath, shortError(err))
			}
		} else {
			return nil, fmt.Errorf("%s: invalid JSON: %v", configPath, shortError(err))
		}
	}
	envs, ok := file.Context[EnvironmentsKey]
	if !ok {
		return nil, fmt.Errorf("%s: context.%s is missing; define one entry per environment", configPath, EnvironmentsKey)
	}
	return ParseEnvironments(envs)
}

// ErrorLines flattens an error made with errors.Join into one line per
// problem, for printing.
func ErrorLines(err error) []string {
	if err == nil {
		return nil
	}
	if joined, ok := err.(interface{ Unwrap() []error }); ok {
		var lines []string
		for _, e := range joined.Unwrap() {
			lines = append(lines, ErrorLines(e)...)
		}
		return lines
	}
	return strings.Split(err.Error(), "\n")
}
