// Package tfworkspace prepares folders in which the end-to-end tests run
// the real terraform with the real AWS provider against an AWS API
// emulator: where the provider binary is, a Terraform CLI configuration of
// the test's own (a filesystem mirror that holds only that provider, never
// the user's ~/.terraformrc), and the environment every terraform and cdktf process gets (the emulator's
// endpoint and test credentials; nothing of the user's AWS configuration).
package tfworkspace

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-exec/tfexec"
)

// The AWS provider the end-to-end tests use, built from source by
// .ci/build-provider.sh: the Go module proxy serves this pseudo-version of
// github.com/hashicorp/terraform-provider-aws (its version/VERSION is
// ProviderVersion); the Terraform registry, which has 5.84.0, is out of reach.
const (
	ProviderPseudoVersion = "v1.60.1-0.20260602190131-5f2286d6d836"
	ProviderVersion       = "6.47.1"
	providerSource        = "registry.terraform.io/hashicorp/aws"
	// openTofuSource is where OpenTofu looks for the same provider: it reads
	// a source without a host ("hashicorp/aws", or cdktf's "aws") as its
	// own registry's.
	openTofuSource = "registry.opentofu.org/hashicorp/aws"
)

// OpenTofuVersion is the OpenTofu release the end-to-end tests run too,
// built by .ci/build-opentofu.sh from the Go module proxy.
const OpenTofuVersion = "v1.12.6"

// OpenTofuEnv names the OpenTofu binary, as .ci/build-opentofu.sh builds it
// (its folder + /tofu). Default: DefaultOpenTofu().
const OpenTofuEnv = "CDKTF_KMS_OPENTOFU"

// DefaultOpenTofu is where .ci/build-opentofu.sh puts OpenTofu.
func DefaultOpenTofu() string {
	return filepath.Join(filepath.Dir(DefaultMirror()), "opentofu-"+OpenTofuVersion, "tofu")
}

// OpenTofuBinary returns the OpenTofu binary (OpenTofuEnv, else
// DefaultOpenTofu), or an error that says how to build it.
func OpenTofuBinary() (string, error) {
	bin := os.Getenv(OpenTofuEnv)
	if bin == "" {
		bin = DefaultOpenTofu()
	}
	if info, err := os.Stat(bin); err != nil || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("OpenTofu %s is not built at %s (%v); run .ci/build-opentofu.sh (about 4 minutes, once per machine) or set %s to a tofu binary", OpenTofuVersion, bin, err, OpenTofuEnv)
	}
	return bin, nil
}

// OpenTofuMirror makes, in dir, a filesystem mirror for OpenTofu that holds
// the provider of mirror under OpenTofu's address (a symbolic link to the
// same binary: nothing is copied, the cache is not touched), and returns
// dir.
func OpenTofuMirror(dir, mirror string) (string, error) {
	platform := filepath.Join(dir, openTofuSource, ProviderVersion, runtime.GOOS+"_"+runtime.GOARCH)
	if err := os.MkdirAll(platform, 0o755); err != nil {
		return "", err
	}
	bin := ProviderBinary(mirror)
	if err := os.Symlink(bin, filepath.Join(platform, filepath.Base(bin))); err != nil {
		return "", err
	}
	return dir, nil
}

// MirrorEnv names the filesystem mirror that holds the provider, as
// .ci/build-provider.sh prints it. Default: DefaultMirror().
const MirrorEnv = "CDKTF_KMS_PROVIDER_MIRROR"

// DefaultMirror is where .ci/build-provider.sh puts the provider:
// $CDKTF_KMS_TOOLS (default ~/.cache/cdktf-kms/tools)/terraform-provider-aws-<pseudo-version>.
func DefaultMirror() string {
	tools := os.Getenv("CDKTF_KMS_TOOLS")
	if tools == "" {
		home, _ := os.UserHomeDir()
		tools = filepath.Join(home, ".cache", "cdktf-kms", "tools")
	}
	return filepath.Join(tools, "terraform-provider-aws-"+ProviderPseudoVersion)
}

// ProviderBinary returns the path of the provider binary inside a mirror.
func ProviderBinary(mirror string) string {
	return filepath.Join(mirror, providerSource, ProviderVersion, runtime.GOOS+"_"+runtime.GOARCH,
		"terraform-provider-aws_v"+ProviderVersion)
}

// ProviderMirror returns the filesystem mirror that holds the provider
// (MirrorEnv, else DefaultMirror), or an error that says how to build it.
func ProviderMirror() (string, error) {
	mirror := os.Getenv(MirrorEnv)
	if mirror == "" {
		mirror = DefaultMirror()
	}
	bin := ProviderBinary(mirror)
	info, err := os.Stat(bin)
	if err != nil {
		return "", fmt.Errorf("the AWS provider %s is not built (%v); run .ci/build-provider.sh (35 to 50 minutes on 2 cores, once per machine) or set %s to the folder it prints", ProviderVersion, err, MirrorEnv)
	}
	if info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%s is not executable", bin)
	}
	return mirror, nil
}

// CLIConfig is a Terraform CLI configuration (TF_CLI_CONFIG_FILE) that
// installs the AWS provider from the mirror and nothing from anywhere else:
// no registry (out of reach, and a test must not depend on it), no
// implicit local folders.
func CLIConfig(mirror string) string {
	return cliConfig(mirror, providerSource)
}

// OpenTofuCLIConfig is CLIConfig for OpenTofu and an OpenTofuMirror.
func OpenTofuCLIConfig(mirror string) string {
	return cliConfig(mirror, openTofuSource)
}

func cliConfig(mirror, source string) string {
	return fmt.Sprintf(`provider_installation {
  filesystem_mirror {
    path    = %s
    include = [%q]
  }
}
`, strconv.Quote(mirror), source)
}

// WriteCLIConfig writes CLIConfig to path.
func WriteCLIConfig(path, mirror string) error {
	return os.WriteFile(path, []byte(CLIConfig(mirror)), 0o644)
}

// Settings are what every terraform (and cdktf) process of a test gets.
type Settings struct {
	// Endpoint is the emulator's URL (AWS_ENDPOINT_URL).
	Endpoint string
	// Proxy is an HTTP proxy to the emulator (HTTP_PROXY) for host names
	// derived from the endpoint; "" for none.
	Proxy string
	// CLIConfig is the path of the Terraform CLI configuration.
	CLIConfig string
	// Region is AWS_REGION, for what names no region itself.
	Region string
}

// Env returns the environment of a terraform or cdktf process: the
// emulator's endpoint for every AWS service (the provider and the S3
// backend honour AWS_ENDPOINT_URL), static test credentials, no instance
// metadata, no AWS configuration or credentials files, the test's own
// Terraform CLI configuration (never ~/.terraformrc), no checkpoint calls.
// PATH, HOME (the jsii package cache is there) and TMPDIR are the caller's,
// so that a temp-directory check sees what the processes leave.
func (s Settings) Env() map[string]string {
	env := map[string]string{
		"AWS_ENDPOINT_URL":            s.Endpoint,
		"AWS_ACCESS_KEY_ID":           "testing",
		"AWS_SECRET_ACCESS_KEY":       "testing",
		"AWS_REGION":                  s.Region,
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_CONFIG_FILE":             os.DevNull,
		"AWS_SHARED_CREDENTIALS_FILE": os.DevNull,
		"TF_CLI_CONFIG_FILE":          s.CLIConfig,
		"CHECKPOINT_DISABLE":          "1",
		"PATH":                        os.Getenv("PATH"),
	}
	if s.Proxy != "" {
		env["HTTP_PROXY"], env["http_proxy"] = s.Proxy, s.Proxy
	}
	if env["AWS_REGION"] == "" {
		env["AWS_REGION"] = "eu-west-1"
	}
	for _, k := range []string{"HOME", "TMPDIR", "LANG", "TERM", "XDG_CACHE_HOME", "JSII_RUNTIME_PACKAGE_CACHE_ROOT", "GOMAXPROCS", "GOGC",
		"JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "JSII_NODE"} {
		if v, ok := os.LookupEnv(k); ok {
			env[k] = v
		}
	}
	return env
}

// EnvList is Env as KEY=value pairs, for exec.Cmd.
func (s Settings) EnvList() []string {
	var out []string
	for k, v := range s.Env() {
		out = append(out, k+"="+v)
	}
	return out
}

// gracePeriod is how long a cancelled terraform gets, after SIGINT, to stop
// its providers and write its state before it is killed.
const gracePeriod = 30 * time.Second

// New returns a terraform-exec handle for dir with the settings' environment.
// Its commands run under the context each call gets: cancelling it sends
// terraform SIGINT and, after a grace period, SIGKILL.
func New(dir, terraformBin string, s Settings) (*tfexec.Terraform, error) {
	tf, err := tfexec.NewTerraform(dir, terraformBin)
	if err != nil {
		return nil, err
	}
	if err := tf.SetEnv(s.Env()); err != nil {
		return nil, err
	}
	if err := tf.SetWaitDelay(gracePeriod); err != nil {
		return nil, err
	}
	return tf, nil
}

// WriteJSON writes v as indented JSON.
func WriteJSON(path string, v any) error {
	raw, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(raw, '\n'), 0o644)
}
