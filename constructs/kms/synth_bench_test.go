package kms_test

import (
	"fmt"
	"testing"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// The synth benchmarks measure, in one process, what one key costs: a new
// stack with its provider and the key, then the stack rendered to
// Terraform JSON (stack.ToTerraform, the work of a synth without the file
// writes). The whole-process benchmark in bench/ includes the jsii kernel's
// start-up, whose noise on a small machine hides differences of a few
// milliseconds; these do not. "floor" is a bare aws_kms_key with an output.
//
//	go test ./constructs/kms -run '^$' -bench Synth -benchtime 200x
func BenchmarkSynth(b *testing.B) {
	app := synthtest.NewApp()
	n := 0
	stack := func() cdktf.TerraformStack {
		n++
		s := cdktf.NewTerraformStack(app, jsii.String(fmt.Sprintf("bench-%d", n)))
		provider.NewAwsProvider(s, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
		return s
	}
	config := func(replicas ...string) *kms.KmsKeyConfig {
		return &kms.KmsKeyConfig{
			AwsAccountId: "123456789012",
			AwsRegion:    "eu-west-1",
			NamePrefix:   fmt.Sprintf("k%d", n),
			Environment:  "bench",
			AdditionalPrincipals: []string{
				"arn:aws:iam::123456789012:role/example-role",
				"arn:aws:iam::123456789012:role/another-role",
			},
			MultiRegion:    len(replicas) > 0,
			ReplicaRegions: replicas,
		}
	}
	b.Run("floor", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s := stack()
			key := kmskey.NewKmsKey(s, jsii.String("general_encryption_key"), &kmskey.KmsKeyConfig{
				Description:       jsii.String(kms.KeyDescription),
				EnableKeyRotation: jsii.Bool(true),
				Policy:            jsii.String(`{"Version":"2012-10-17","Statement":[]}`),
				Tags:              &map[string]*string{"Name": jsii.String("k-general-encryption-key"), "Environment": jsii.String("bench")},
			})
			cdktf.NewTerraformOutput(s, jsii.String("kms_key_arn"), &cdktf.TerraformOutputConfig{Value: key.Arn()})
			s.ToTerraform()
		}
	})
	b.Run("key", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s := stack()
			if _, err := kms.NewKmsKey(s, "general_encryption_key", config()); err != nil {
				b.Fatal(err)
			}
			s.ToTerraform()
		}
	})
	b.Run("key with 3 replicas", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s := stack()
			if _, err := kms.NewKmsKey(s, "general_encryption_key", config("eu-central-1", "us-east-1", "ap-southeast-2")); err != nil {
				b.Fatal(err)
			}
			s.ToTerraform()
		}
	})
}
