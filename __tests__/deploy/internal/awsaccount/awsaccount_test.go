//go:build e2e

package awsaccount

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/emulator"
	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
)

// TestPrepareLeavesToEachStackWhatItCreates: a role that one stack names
// and a stack of the same project creates (in another case) is not created
// by Prepare, or the other stack's apply would find the name taken; a role
// that no stack creates is.
func TestPrepareLeavesToEachStackWhatItCreates(t *testing.T) {
	if _, err := emulator.Path(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	s, err := emulator.Start(context.Background(), filepath.Join(t.TempDir(), "moto.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	ctx := context.Background()
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::` + emulator.AccountID +
		`:role/Shared-Reader","arn:aws:iam::` + emulator.AccountID + `:role/outside-reader"]},"Action":"kms:Decrypt","Resource":"*"}]}`
	names := readback.Stack{
		"provider": map[string]any{"aws": []any{map[string]any{"region": "eu-west-1"}}},
		"resource": map[string]any{"aws_kms_key": map[string]any{"k": map[string]any{"policy": policy}}},
	}
	creates := readback.Stack{
		"provider": map[string]any{"aws": []any{map[string]any{"region": "eu-west-1"}}},
		"resource": map[string]any{"aws_iam_role": map[string]any{"r": map[string]any{"name": "shared-reader"}}},
	}
	if err := Prepare(ctx, s.URL, names, creates); err != nil {
		t.Fatal(err)
	}
	client := iam.NewFromConfig(readback.Config(s.URL, "us-east-1"))
	exists := func(name string) bool {
		_, err := client.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String(name)})
		var missing *iamtypes.NoSuchEntityException
		if err != nil && !errors.As(err, &missing) {
			t.Fatal(err)
		}
		return err == nil
	}
	if exists("Shared-Reader") || exists("shared-reader") {
		t.Error("Prepare created the role a sibling stack creates (IAM role names are unique whatever their case)")
	}
	if !exists("outside-reader") {
		t.Error("Prepare did not create the role that no stack creates")
	}
}
