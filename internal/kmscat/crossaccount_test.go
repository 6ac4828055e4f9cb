package kmscat

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// sdkModule is the AWS SDK for Go v2 KMS client the module requires (go.mod
// pins it); its operations' doc comments are the API Reference's text.
const sdkModule = "github.com/aws/aws-sdk-go-v2/service/kms"

// crossAccountLine is the API Reference's sentence on an operation.
var crossAccountLine = regexp.MustCompile(`Cross-account use: (Yes|No)\b`)

func TestCrossAccountFollowsTheAPIReference(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", sdkModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v (go mod download fetches it)", sdkModule, err)
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		t.Fatalf("go list -m %s: the module is not downloaded (go mod download)", sdkModule)
	}
	files, err := filepath.Glob(filepath.Join(dir, "api_op_*.go"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no api_op_*.go in %s: %v", dir, err)
	}
	said := map[string]bool{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := crossAccountLine.FindSubmatch(raw)
		if m == nil {
			continue // GenerateRandom, ListRetirableGrants: not on a key
		}
		op := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), "api_op_"), ".go")
		yes := string(m[1]) == "Yes"
		if op == "ReEncrypt" {
			// One operation, two permissions (ReEncryptFrom on the source
			// key, ReEncryptTo on the destination).
			said["ReEncryptFrom"], said["ReEncryptTo"] = yes, yes
			continue
		}
		said[op] = yes
	}
	for _, a := range Actions() {
		if !a.OnKey {
			if a.CrossAccount {
				t.Errorf("%s is not a key action but is marked CrossAccount", a.Name)
			}
			continue
		}
		yes, ok := said[a.Name]
		if !ok {
			// kms:SynchronizeMultiRegionKey is a permission of the service
			// linked role, not an operation anyone calls.
			if a.CrossAccount {
				t.Errorf("%s: the API Reference says nothing on cross-account use, but the catalogue allows it", a.Name)
			}
			continue
		}
		if yes != a.CrossAccount {
			t.Errorf("%s: the API Reference says cross-account use %v, the catalogue %v", a.Name, yes, a.CrossAccount)
		}
	}
	if len(said) < 40 {
		t.Errorf("only %d operations state their cross-account use: the doc comments changed shape", len(said))
	}
}
