package stacks

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
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
	// Backend is where the stack keeps its state. Default: local state.
	Backend *Backend `json:"backend,omitempty"`
}

// envNamePattern limits environment names to what works in stack names,
// directory names and tag values.
var envNamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// Validate checks the environment without creating anything and returns
// every problem, each naming the environment and the cdktf.json key.
func (e *Environment) Validate() error {
	var errs []error
	if !envNamePattern.MatchString(e.Name) {
		errs = append(errs, fmt.Errorf("environment %q: the name must be 1 to 64 letters, digits, - or _, starting with a letter or digit (it becomes the stack name kms-<name>)", e.Name))
	}
	var fieldErrs []error
	for _, fe := range kms.FieldErrors(e.KmsKeyConfig.Validate()) {
		fieldErrs = append(fieldErrs, fe)
	}
	if e.Backend != nil && e.Backend.S3 != nil {
		fieldErrs = append(fieldErrs, e.Backend.S3.validate()...)
	}
	for _, err := range fieldErrs {
		errs = append(errs, &EnvironmentError{Environment: e.Name, Err: err})
	}
	return errors.Join(errs...)
}

// EnvironmentError is a problem with one environment of cdktf.json.
type EnvironmentError struct {
	Environment string
	Err         error
}

func (e *EnvironmentError) Error() string {
	var fe *kms.FieldError
	if errors.As(e.Err, &fe) {
		return fmt.Sprintf("environment %q: %s", e.Environment, fe.ConfigError())
	}
	return fmt.Sprintf("environment %q: %v", e.Environment, e.Err)
}

func (e *EnvironmentError) Unwrap() error { return e.Err }

// ParseEnvironments decodes the environments object of cdktf.json strictly
// and validates every environment. It returns the environments sorted by
// name, or every problem found.
func ParseEnvironments(data []byte) ([]Environment, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		return nil, fmt.Errorf("%s: must be an object of environments keyed by name, like {\"dev\": {...}}", EnvironmentsKey)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%s: is empty; define at least one environment", EnvironmentsKey)
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)

	var envs []Environment
	var errs []error
	for _, name := range names {
		env, err := decodeEnvironment(name, raw[name])
		if err != nil {
			errs = append(errs, &EnvironmentError{Environment: name, Err: err})
			continue
		}
		if err := env.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		envs = append(envs, env)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return envs, nil
}

// decodeEnvironment decodes one environment; unknown keys are errors.
func decodeEnvironment(name string, data json.RawMessage) (Environment, error) {
	env := Environment{Name: name}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&env); err != nil {
		return env, describeDecodeError(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return env, describeDecodeError(err)
	}
	// encoding/json matches keys case-insensitively; cdktf.json keys must
	// match exactly.
	for key := range keys {
		if !slices.Contains(allowedKeys, key) {
			return env, fmt.Errorf("unknown key %q; allowed keys: %s", key, strings.Join(allowedKeys, ", "))
		}
	}
	if _, set := keys["environment"]; !set {
		env.Environment = name
	}
	return env, nil
}

// describeDecodeError turns encoding/json's errors into messages that name
// the key and what is allowed.
func describeDecodeError(err error) error {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		key := strings.TrimPrefix(typeErr.Field, "KmsKeyConfig.")
		if key == "" {
			return fmt.Errorf("must be an object of settings, got a JSON %s", typeErr.Value)
		}
		return fmt.Errorf("%s: got a JSON %s, want %s", key, typeErr.Value, jsonTypeName(typeErr.Type))
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		key := strings.TrimPrefix(msg, "json: unknown field ")
		return fmt.Errorf("unknown key %s; allowed keys: %s", key, strings.Join(allowedKeys, ", "))
	}
	var syntaxErr *json.SyntaxError
	if errors.As(err, &syntaxErr) {
		return fmt.Errorf("invalid JSON: %v", err)
	}
	return fmt.Errorf("must be an object of settings: %v", err)
}

// jsonTypeName names a Go type the way a cdktf.json author thinks of it.
func jsonTypeName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int64, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list of " + strings.TrimPrefix(jsonTypeName(t.Elem()), "a ") + "s"
	case reflect.Pointer:
		return jsonTypeName(t.Elem())
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return t.String()
}

// allowedKeys lists the keys an environment may hold, from the json tags,
// sorted; computed once.
var allowedKeys = environmentKeys()

func environmentKeys() []string {
	var keys []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if f.Anonymous {
				walk(f.Type)
				continue
			}
			tag := strings.Split(f.Tag.Get("json"), ",")[0]
			if tag != "" && tag != "-" {
				keys = append(keys, tag)
			}
		}
	}
	walk(reflect.TypeOf(Environment{}))
	sort.Strings(keys)
	return keys
}

// LoadEnvironments reads the environments from the context the cdktf CLI
// passes in CDKTF_CONTEXT_JSON, or, when it holds none (as under `go run .`),
// from the context of the cdktf.json at configPath.
func LoadEnvironments(configPath string) ([]Environment, error) {
	if ctx := os.Getenv(ContextEnv); ctx != "" {
		var context map[string]json.RawMessage
		if err := json.Unmarshal([]byte(ctx), &context); err != nil {
			return nil, fmt.Errorf("%s: invalid JSON from the cdktf CLI: %v", ContextEnv, err)
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
		Context map[string]json.RawMessage `json:"context"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		return nil, fmt.Errorf("%s: invalid JSON: %v", configPath, err)
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
