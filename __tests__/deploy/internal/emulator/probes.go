package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	kmstypes "github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
)

// The probes below check, through the AWS SDK for Go v2 (the versions the
// AWS provider 6.47.1 uses), behaviours of the emulator that differ from
// AWS: each returns nil while the emulator at endpoint still behaves so,
// and an error that says what changed when it no longer does. The
// end-to-end tests keep their list of the emulator's gaps honest with them.

// config is the SDK configuration the read-back uses against the emulator.
var config = readback.Config

// ProbeCloudWatchUnrouted: CloudWatch's SDK (service/cloudwatch v1.57.2)
// speaks the Smithy RPC v2 CBOR protocol, which moto 5.2.1 does not route;
// PutMetricAlarm gets HTTP 404.
func ProbeCloudWatchUnrouted(ctx context.Context, endpoint string) error {
	_, err := cloudwatch.NewFromConfig(config(endpoint, "eu-west-1")).PutMetricAlarm(ctx, &cloudwatch.PutMetricAlarmInput{
		AlarmName: aws.String("gap-probe"), ComparisonOperator: cwtypes.ComparisonOperatorGreaterThanThreshold,
		EvaluationPeriods: aws.Int32(1), MetricName: aws.String("m"), Namespace: aws.String("n"),
		Period: aws.Int32(60), Statistic: cwtypes.StatisticSum, Threshold: aws.Float64(1),
	})
	if err == nil {
		return errors.New("PutMetricAlarm succeeds")
	}
	if !strings.Contains(err.Error(), "404") {
		return fmt.Errorf("PutMetricAlarm fails otherwise than with HTTP 404: %w", err)
	}
	return nil
}

// ProbeReplicaPolicyIgnored: ReplicateKey ignores the policy it is given
// (the replica then has none).
func ProbeReplicaPolicyIgnored(ctx context.Context, endpoint string) error {
	k := kms.NewFromConfig(config(endpoint, "eu-west-1"))
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{MultiRegion: aws.Bool(true)})
	if err != nil {
		return err
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"ReplicaPolicy","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + AccountID + `:root"},"Action":"kms:*","Resource":"*"}]}`
	rep, err := k.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: key.KeyMetadata.KeyId, ReplicaRegion: aws.String("us-east-1"), Policy: aws.String(policy)})
	if err != nil {
		return fmt.Errorf("ReplicateKey: %w", err)
	}
	got, err := kms.NewFromConfig(config(endpoint, "us-east-1")).GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: rep.ReplicaKeyMetadata.KeyId, PolicyName: aws.String("default")})
	var notFound *kmstypes.NotFoundException
	switch {
	case err == nil && jsonEqual(aws.ToString(got.Policy), policy):
		return errors.New("the replica has the policy ReplicateKey gave it")
	case err != nil && !errors.As(err, &notFound):
		return fmt.Errorf("GetKeyPolicy of the replica failed otherwise than with NotFound: %w", err)
	}
	return nil
}

// ProbeDenyIgnoresConditions: a Deny statement with Resource "*" and
// kms:* denies DescribeKey to every caller, whatever its condition says.
func ProbeDenyIgnoresConditions(ctx context.Context, endpoint string) error {
	k := kms.NewFromConfig(config(endpoint, "eu-west-1"))
	policy := `{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + AccountID + `:root"},"Action":"kms:*","Resource":"*"},
		{"Sid":"DenyPlainHTTP","Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(policy)})
	if err != nil {
		return err
	}
	_, err = k.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key.KeyMetadata.KeyId})
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorCode() != "AccessDeniedException" {
		return fmt.Errorf("DescribeKey under a Deny whose condition does not hold: %v, not AccessDeniedException", err)
	}
	return nil
}

// ProbeRotationPeriodUnreported: EnableKeyRotation ignores
// RotationPeriodInDays, and GetKeyRotationStatus does not return it.
func ProbeRotationPeriodUnreported(ctx context.Context, endpoint string) error {
	k := kms.NewFromConfig(config(endpoint, "eu-west-1"))
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		return err
	}
	if _, err := k.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: key.KeyMetadata.KeyId, RotationPeriodInDays: aws.Int32(180)}); err != nil {
		return err
	}
	st, err := k.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: key.KeyMetadata.KeyId})
	if err != nil {
		return err
	}
	if st.RotationPeriodInDays != nil {
		return fmt.Errorf("GetKeyRotationStatus returns the period (%d)", *st.RotationPeriodInDays)
	}
	return nil
}

func jsonEqual(a, b string) bool {
	var x, y any
	return json.Unmarshal([]byte(a), &x) == nil && json.Unmarshal([]byte(b), &y) == nil && reflect.DeepEqual(x, y)
}

// ProbeNewerKeySpecsRefused: CreateKey refuses the key specs AWS added in
// 2025 (ML-DSA, Ed25519): moto 5.2.1 validates KeySpec against an older
// enum.
func ProbeNewerKeySpecsRefused(ctx context.Context, endpoint string) error {
	k := kms.NewFromConfig(config(endpoint, "us-east-1"))
	for _, spec := range []kmstypes.KeySpec{kmstypes.KeySpecMlDsa65, kmstypes.KeySpecEccNistEdwards25519} {
		_, err := k.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: spec, KeyUsage: kmstypes.KeyUsageTypeSignVerify})
		if err == nil {
			return fmt.Errorf("CreateKey of a %s key succeeds", spec)
		}
		if !strings.Contains(err.Error(), "KeySpec") {
			return fmt.Errorf("CreateKey of a %s key fails otherwise than on its KeySpec: %w", spec, err)
		}
	}
	return nil
}

// ProbeImportUnsupported: moto 5.2.1 creates a key with origin EXTERNAL
// but has no GetParametersForImport (nor ImportKeyMaterial), so the
// provider cannot import key material into it.
func ProbeImportUnsupported(ctx context.Context, endpoint string) error {
	k := kms.NewFromConfig(config(endpoint, "us-east-1"))
	key, err := k.CreateKey(ctx, &kms.CreateKeyInput{Origin: kmstypes.OriginTypeExternal})
	if err != nil {
		return fmt.Errorf("CreateKey with origin EXTERNAL fails: %w", err)
	}
	_, err = k.GetParametersForImport(ctx, &kms.GetParametersForImportInput{
		KeyId:             key.KeyMetadata.KeyId,
		WrappingAlgorithm: kmstypes.AlgorithmSpecRsaesOaepSha256,
		WrappingKeySpec:   kmstypes.WrappingKeySpecRsa4096,
	})
	if err == nil {
		return fmt.Errorf("GetParametersForImport succeeds")
	}
	return nil
}
