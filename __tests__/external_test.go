package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
)

// TestKeyMaterialSizeIsCheckedAtPlan lets the real terraform evaluate the
// precondition on the material of a symmetric key with imported material,
// given through the sensitive variable the key declares: 32 bytes in
// base64 plan; 31 or 33 bytes, or text that is not base64, stop the plan
// with the message that names the field, and the message never shows the
// material. The precondition is copied onto a terraform_data stand-in, so
// no provider is needed.
func TestKeyMaterialSizeIsCheckedAtPlan(t *testing.T) {
	terraformBinary(t)
	stack := synthtest.NewStack(t)
	if _, err := kms.NewKmsKey(stack, "byok", &kms.KmsKeyConfig{
		AwsAccountId: "123456789012", AwsRegion: "eu-west-1", NamePrefix: "byok", Environment: "test",
		Origin: kms.OriginExternal, KeyMaterialVariable: "material",
	}); err != nil {
		t.Fatal(err)
	}
	doc := synthtest.Synth(t, stack)
	key := doc.Resource(t, "aws_kms_external_key", "byok")
	lc, _ := key["lifecycle"].(map[string]any)
	if lc["precondition"] == nil {
		t.Fatalf("no precondition on the key: %v", key)
	}
	variable := doc.Tree()["variable"].(map[string]any)["material"]
	dir := t.TempDir()
	raw, _ := json.Marshal(map[string]any{
		"variable": map[string]any{"material": variable},
		"resource": map[string]any{"terraform_data": map[string]any{"byok": map[string]any{"lifecycle": map[string]any{"precondition": lc["precondition"]}}}},
	})
	if err := os.WriteFile(filepath.Join(dir, "main.tf.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := terraform(t, dir, "init", "-backend=false"); err != nil {
		t.Fatal(err)
	}
	plan := func(material string) error {
		_, err := terraform(t, dir, "plan", "-no-color", "-lock=false", "-var", "material="+material)
		return err
	}
	// 32 bytes 0x00..0x1f, base64 (RFC 4648, as AWS takes it).
	const good = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
	if err := plan(good); err != nil {
		t.Fatalf("32 bytes of material do not plan: %v", err)
	}
	for name, bad := range map[string]string{
		"31 bytes":     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg==",
		"33 bytes":     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g",
		"not base64":   strings.Repeat("*", 43) + "=",
		"a line break": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
	} {
		err := plan(bad)
		if err == nil {
			t.Errorf("%s of material plan", name)
			continue
		}
		flat := strings.Join(strings.Fields(err.Error()), " ")
		if !strings.Contains(flat, "key_material_variable: the key material of aws_kms_external_key.byok must be 256 bits") {
			t.Errorf("%s: the plan fails, but not with the key's message:\n%v", name, err)
		}
		if strings.Contains(flat, "AAECAwQF") {
			t.Errorf("%s: the message shows the material:\n%v", name, err)
		}
	}
}
