// Package awsaccount prepares an account of the AWS API emulator for a
// synthesized stack: what the stack names but expects to exist already (a
// team's account has them), created through the AWS SDK for Go v2 before
// terraform runs. AWS refuses a key policy or grant that names a principal
// that does not exist, a metric filter on a missing log group, an S3
// backend without its bucket; the emulator checks less, but the tests
// create them all the same.
package awsaccount

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	ddbtypes "github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/smithy-go"

	"github.com/cdktf-kms/cdktf-kms/__tests__/deploy/internal/readback"
	"github.com/cdktf-kms/cdktf-kms/internal/tfrender"
)

// Account is the emulator's account, whose principals Prepare creates.
const Account = "123456789012"

// What a stack expects to exist in the account without creating it: AWS
// refuses a key policy or grant that names a principal that does not exist,
// a metric filter on a missing log group, an S3 backend without its bucket.
// The emulator checks less than AWS, but the tests create them all first,
// as a team's account would have them.
var (
	roleARN       = regexp.MustCompile(`arn:aws:iam::` + Account + `:role((?:/[^/"\s]+)*/)?([\w+=,.@-]+)`)
	userARN       = regexp.MustCompile(`arn:aws:iam::` + Account + `:user((?:/[^/"\s]+)*/)?([\w+=,.@-]+)`)
	assumedRole   = regexp.MustCompile(`arn:aws:sts::` + Account + `:assumed-role/([\w+=,.@-]+)/`)
	policyARN     = regexp.MustCompile(`arn:aws:iam::` + Account + `:policy((?:/[^/"\s]+)*/)?([\w+=,.@-]+)`)
	topicARN      = regexp.MustCompile(`arn:aws:sns:([a-z0-9-]+):` + Account + `:([\w-]+)`)
	isReference   = regexp.MustCompile(`^\$\{[^}]*\}$`)
	TrustAnything = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

type iamName struct{ path, name string }

// Prepare creates in the emulator at endpoint what a synthesized stack
// names but does not create: its S3 backend's bucket (and lock table), IAM
// roles and users named in policies, grants and role policies, customer
// managed policies, log groups of metric filters, SNS topics, and keys that
// data sources look up by alias. siblings are the other stacks of the same
// project, deployed to the same emulator: what one of them creates (a role
// another environment names) is left to it, or its apply would find the
// name taken.
func Prepare(ctx context.Context, endpoint string, st readback.Stack, siblings ...readback.Stack) error {
	var errs []error
	region := st.Region("")
	cfg := readback.Config(endpoint, region)
	clients := readback.NewClients(endpoint)

	if backend, ok := backendOf(st, "s3"); ok {
		bucket, _ := backend["bucket"].(string)
		bregion, _ := backend["region"].(string)
		if bregion == "" {
			bregion = region
		}
		client := s3.NewFromConfig(readback.Config(endpoint, bregion))
		in := &s3.CreateBucketInput{Bucket: aws.String(bucket)}
		if bregion != "us-east-1" {
			in.CreateBucketConfiguration = &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint(bregion)}
		}
		_, err := client.CreateBucket(ctx, in)
		errs = append(errs, IgnoreExists(err))
		if table, _ := backend["dynamodb_table"].(string); table != "" {
			_, err := dynamodb.NewFromConfig(readback.Config(endpoint, bregion)).CreateTable(ctx, &dynamodb.CreateTableInput{
				TableName:            aws.String(table),
				AttributeDefinitions: []ddbtypes.AttributeDefinition{{AttributeName: aws.String("LockID"), AttributeType: ddbtypes.ScalarAttributeTypeS}},
				KeySchema:            []ddbtypes.KeySchemaElement{{AttributeName: aws.String("LockID"), KeyType: ddbtypes.KeyTypeHash}},
				BillingMode:          ddbtypes.BillingModePayPerRequest,
			})
			errs = append(errs, IgnoreExists(err))
		}
	}

	// Names of what the stack and its siblings create themselves (IAM
	// role names and service names are unique whatever their case).
	created := map[string]bool{}
	for _, stack := range append([]readback.Stack{st}, siblings...) {
		for _, r := range stack.Resources("aws_iam_role") {
			if n, _ := r["name"].(string); n != "" {
				created["role:"+strings.ToLower(n)] = true
			}
		}
		for _, r := range stack.Resources("aws_iam_service_linked_role") {
			if n, _ := r["aws_service_name"].(string); n != "" {
				created["service-linked:"+strings.ToLower(n)] = true
			}
		}
		for _, r := range stack.Resources("aws_sns_topic") {
			if n, _ := r["name"].(string); n != "" {
				created["topic:"+n] = true
			}
		}
		for _, r := range stack.Resources("aws_cloudwatch_log_group") {
			if n, _ := r["name"].(string); n != "" {
				created["log:"+n] = true
			}
		}
	}

	roles := map[iamName]bool{}
	users := map[iamName]bool{}
	policies := map[iamName]bool{}
	topics := map[[2]string]bool{}
	walkStrings(st["resource"], func(raw string) {
		s, err := tfrender.Render(raw)
		if err != nil {
			s = raw
		}
		for _, m := range roleARN.FindAllStringSubmatch(s, -1) {
			roles[iamName{orSlash(m[1]), m[2]}] = true
		}
		for _, m := range userARN.FindAllStringSubmatch(s, -1) {
			users[iamName{orSlash(m[1]), m[2]}] = true
		}
		for _, m := range assumedRole.FindAllStringSubmatch(s, -1) {
			roles[iamName{"/", m[1]}] = true
		}
		for _, m := range policyARN.FindAllStringSubmatch(s, -1) {
			policies[iamName{orSlash(m[1]), m[2]}] = true
		}
		for _, m := range topicARN.FindAllStringSubmatch(s, -1) {
			topics[[2]string{m[1], m[2]}] = true
		}
	})
	// Roles that policies of the stack are put on by name.
	for _, r := range st.Resources("aws_iam_role_policy") {
		if n, _ := r["role"].(string); n != "" && !isReference.MatchString(n) {
			roles[iamName{"/", n}] = true
		}
	}

	client := iam.NewFromConfig(cfg)
	for _, r := range sortedNames(roles) {
		if created["role:"+strings.ToLower(r.name)] {
			continue
		}
		if strings.HasPrefix(r.path, "/aws-service-role/") {
			service := strings.Split(strings.TrimPrefix(r.path, "/aws-service-role/"), "/")[0]
			if created["service-linked:"+strings.ToLower(service)] {
				continue
			}
			_, err := client.CreateServiceLinkedRole(ctx, &iam.CreateServiceLinkedRoleInput{AWSServiceName: aws.String(service)})
			errs = append(errs, IgnoreExists(err))
			continue
		}
		_, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(r.name), Path: aws.String(r.path), AssumeRolePolicyDocument: aws.String(TrustAnything)})
		errs = append(errs, IgnoreExists(err))
	}
	for _, u := range sortedNames(users) {
		_, err := client.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(u.name), Path: aws.String(u.path)})
		errs = append(errs, IgnoreExists(err))
	}
	for _, p := range sortedNames(policies) {
		_, err := client.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(p.name), Path: aws.String(p.path),
			PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"kms:DescribeKey","Resource":"*"}]}`)})
		errs = append(errs, IgnoreExists(err))
	}
	for t := range topics {
		if created["topic:"+t[1]] {
			continue
		}
		_, err := sns.NewFromConfig(readback.Config(endpoint, t[0])).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(t[1])})
		errs = append(errs, IgnoreExists(err))
	}
	for _, r := range st.Resources("aws_cloudwatch_log_metric_filter") {
		n, _ := r["log_group_name"].(string)
		if n == "" || isReference.MatchString(n) || created["log:"+n] {
			continue
		}
		provider, _ := r["provider"].(string)
		logs := cloudwatchlogs.NewFromConfig(readback.Config(endpoint, st.Region(provider)))
		_, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(n)})
		errs = append(errs, IgnoreExists(err))
	}
	for _, d := range dataSources(st, "aws_kms_alias") {
		name, _ := d["name"].(string)
		provider, _ := d["provider"].(string)
		k := clients.KMS(st.Region(provider))
		if _, err := k.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(name)}); err == nil {
			continue
		}
		key, err := k.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("made elsewhere, looked up by " + name)})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		_, err = k.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(name), TargetKeyId: key.KeyMetadata.KeyId})
		errs = append(errs, IgnoreExists(err))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("preparing the account: %w", err)
	}
	return nil
}

// backendOf returns the stack's backend block of a type.
func backendOf(st readback.Stack, typ string) (map[string]any, bool) {
	tf, _ := st["terraform"].(map[string]any)
	b, _ := tf["backend"].(map[string]any)
	cfg, ok := b[typ].(map[string]any)
	return cfg, ok
}

// dataSources returns the stack's data sources of a type.
func dataSources(st readback.Stack, typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	data, _ := st["data"].(map[string]any)
	byName, _ := data[typ].(map[string]any)
	for n, v := range byName {
		out[n], _ = v.(map[string]any)
	}
	return out
}

func walkStrings(v any, f func(string)) {
	switch x := v.(type) {
	case string:
		f(x)
	case map[string]any:
		for _, e := range x {
			walkStrings(e, f)
		}
	case []any:
		for _, e := range x {
			walkStrings(e, f)
		}
	}
}

func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func sortedNames(m map[iamName]bool) []iamName {
	var out []iamName
	for n := range m {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].path+out[i].name < out[j].path+out[j].name })
	return out
}

// IgnoreExists drops the error of creating what already exists (stacks of
// one project share the emulator and may name the same principal).
func IgnoreExists(err error) error {
	var api smithy.APIError
	if errors.As(err, &api) {
		switch api.ErrorCode() {
		case "EntityAlreadyExists", "BucketAlreadyOwnedByYou", "BucketAlreadyExists", "ResourceInUseException",
			"ResourceAlreadyExistsException", "AlreadyExistsException", "InvalidInput":
			if api.ErrorCode() != "InvalidInput" || strings.Contains(api.ErrorMessage(), "already") {
				return nil
			}
		}
	}
	return err
}

// CreateRoles creates roles (by ARN, path included) that do not exist yet.
func CreateRoles(ctx context.Context, endpoint string, arns ...string) error {
	client := iam.NewFromConfig(readback.Config(endpoint, "us-east-1"))
	var errs []error
	for _, arn := range arns {
		m := roleARN.FindStringSubmatch(arn)
		if m == nil {
			errs = append(errs, fmt.Errorf("%s is not a role of account %s", arn, Account))
			continue
		}
		_, err := client.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(m[2]), Path: aws.String(orSlash(m[1])), AssumeRolePolicyDocument: aws.String(TrustAnything)})
		errs = append(errs, IgnoreExists(err))
	}
	return errors.Join(errs...)
}

// GetObject reads an object from the emulator's S3 (a state file of an S3
// backend).
func GetObject(ctx context.Context, endpoint, region, bucket, key string) ([]byte, error) {
	out, err := s3.NewFromConfig(readback.Config(endpoint, region)).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("s3://%s/%s: %w", bucket, key, err)
	}
	defer out.Body.Close()
	return io.ReadAll(out.Body)
}
