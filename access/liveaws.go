package access

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/cdktf-kms/cdktf-kms/stacks"
)

// sdkReader reads deployed keys with the AWS SDK for Go v2, with the
// credentials and settings of the environment (AWS_PROFILE, AWS_ENDPOINT_URL,
// ...), one client per region. It only reads.
type sdkReader struct {
	cfg     awssdk.Config
	clients map[string]*kms.Client
}

func newSDKReader(ctx context.Context) (*sdkReader, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("AWS configuration: %w", err)
	}
	return &sdkReader{cfg: cfg, clients: map[string]*kms.Client{}}, nil
}

func (r *sdkReader) kms(region string) *kms.Client {
	c, ok := r.clients[region]
	if !ok {
		c = kms.NewFromConfig(r.cfg, func(o *kms.Options) { o.Region = region })
		r.clients[region] = c
	}
	return c
}

// ReadKey reads a key's state, rotation, policy, aliases and every grant.
func (r *sdkReader) ReadKey(ctx context.Context, region, keyID string) (*LiveKey, error) {
	c := r.kms(region)
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: awssdk.String(keyID)})
	if err != nil {
		return nil, fmt.Errorf("DescribeKey: %w", err)
	}
	live := &LiveKey{KeyID: keyID, Enabled: d.KeyMetadata.Enabled, KeyState: string(d.KeyMetadata.KeyState)}
	rot, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: awssdk.String(keyID)})
	if err != nil {
		return nil, fmt.Errorf("GetKeyRotationStatus: %w", err)
	}
	live.Rotation = rot.KeyRotationEnabled
	pol, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: awssdk.String(keyID), PolicyName: awssdk.String("default")})
	if err != nil {
		return nil, fmt.Errorf("GetKeyPolicy: %w", err)
	}
	live.Policy = awssdk.ToString(pol.Policy)
	aliases := kms.NewListAliasesPaginator(c, &kms.ListAliasesInput{KeyId: awssdk.String(keyID)})
	for aliases.HasMorePages() {
		page, err := aliases.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListAliases: %w", err)
		}
		for _, a := range page.Aliases {
			live.Aliases = append(live.Aliases, awssdk.ToString(a.AliasName))
		}
	}
	slices.Sort(live.Aliases)
	grants := kms.NewListGrantsPaginator(c, &kms.ListGrantsInput{KeyId: awssdk.String(keyID)})
	for grants.HasMorePages() {
		page, err := grants.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("ListGrants: %w", err)
		}
		for _, g := range page.Grants {
			lg := LiveGrant{ID: awssdk.ToString(g.GrantId), Name: awssdk.ToString(g.Name), Grantee: awssdk.ToString(g.GranteePrincipal), Retiring: awssdk.ToString(g.RetiringPrincipal)}
			for _, op := range g.Operations {
				lg.Operations = append(lg.Operations, string(op))
			}
			if g.Constraints != nil {
				lg.EncryptionContextEquals, lg.EncryptionContextSubset = g.Constraints.EncryptionContextEquals, g.Constraints.EncryptionContextSubset
			}
			live.Grants = append(live.Grants, lg)
		}
	}
	return live, nil
}

// readState reads an environment's Terraform state: the local state file
// in the project folder (the working directory), or the S3 backend's
// object. ok is false when there is no state yet.
func readState(ctx context.Context, cfg awssdk.Config, env stacks.Environment) (raw []byte, ok bool, err error) {
	if env.Backend != nil && env.Backend.S3 != nil {
		b := env.Backend.S3
		region := b.Region
		if region == "" {
			region = env.AwsRegion
		}
		client := s3.NewFromConfig(cfg, func(o *s3.Options) { o.Region = region })
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: awssdk.String(b.Bucket), Key: awssdk.String(b.Key)})
		if err != nil {
			var missing interface{ ErrorCode() string }
			if errors.As(err, &missing) && (missing.ErrorCode() == "NoSuchKey" || missing.ErrorCode() == "NotFound") {
				return nil, false, nil
			}
			return nil, false, fmt.Errorf("the state in s3://%s/%s: %w", b.Bucket, b.Key, err)
		}
		defer out.Body.Close()
		raw, err := io.ReadAll(out.Body)
		return raw, err == nil, err
	}
	path := filepath.Join("terraform." + stacks.StackName(env.Name) + ".tfstate")
	raw, err = os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	return raw, err == nil, err
}
