package stacks

import (
	"errors"
	"os"
	"path/filepath"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/internal/madestack"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// KeyID is the construct id of the key in every environment stack. With the
// construct's address scheme it puts the key at
// aws_kms_key.general_encryption_key, the resource name of the original
// module. Never change it: every deployed key would be replaced.
const KeyID = "general_encryption_key"

// LocalStatePath is the path of a stack's local state, relative to the
// stack's folder cdktf.out/stacks/kms-<env> (where cdktf and terraform run):
// the file terraform.kms-<env>.tfstate in the project folder, where cdktf's
// default local backend kept it, written relative so that the synthesized
// JSON is the same in every checkout and on every machine.
func LocalStatePath(environment string) string {
	return "../../../terraform." + StackName(environment) + ".tfstate"
}

// LocalStatePathIn is LocalStatePath for an output folder other than
// cdktf.out (CDKTF_OUTDIR, or "output" in cdktf.json): the path from the
// stack's folder <outdir>/stacks/kms-<env> to the same state file in the
// project folder (the working directory). Relative paths stay relative.
func LocalStatePathIn(outdir, environment string) (string, error) {
	project, err := os.Getwd()
	if err != nil {
		return "", err
	}
	stackDir := outdir
	if !filepath.IsAbs(stackDir) {
		stackDir = filepath.Join(project, stackDir)
	}
	stackDir = filepath.Join(stackDir, "stacks", StackName(environment))
	rel, err := filepath.Rel(stackDir, project)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(filepath.Join(rel, "terraform."+StackName(environment)+".tfstate")), nil
}

// StackName returns the name of an environment's stack: kms-<environment>.
func StackName(environment string) string { return "kms-" + environment }

// EnvironmentStack is the stack of one environment.
type EnvironmentStack struct {
	Stack cdktf.TerraformStack
	Key   *kms.KmsKey
}

// NewEnvironmentStack validates env and adds its stack to scope: the AWS
// provider for the environment's region, the KmsKey and the backend. On
// error it adds nothing.
//
// It tells the key what it made (package internal/madestack), which saves
// the key's lookups in the kernel, and the app's environment stacks share
// one check at synth, held by the first of them: app.Synth() checks them
// all, but cdktf.Testing_Synth(stack, true) on another environment stack
// runs no check of the construct's (validate through the app, or the
// first stack, in tests).
func NewEnvironmentStack(scope constructs.Construct, env Environment) (*EnvironmentStack, error) {
	if err := env.Validate(); err != nil {
		return nil, err
	}
	stack := cdktf.NewTerraformStack(scope, jsii.String(StackName(env.Name)))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{
		Region: jsii.String(env.AwsRegion),
	})
	// The key needs no lookup of what this function made: the stack holds
	// the provider only, and a scope that is an App is the root.
	var root constructs.IConstruct
	if app, ok := scope.(cdktf.App); ok {
		root = app
	}
	madestack.Made(root, stack, "aws")
	// Validate checked the constraint and what the key needs of it.
	if err := kms.SetAwsProviderConstraint(stack, env.ProviderConstraint()); err != nil {
		scope.Node().TryRemoveChild(jsii.String(StackName(env.Name)))
		return nil, &EnvironmentError{Environment: env.Name, Err: err}
	}
	key, err := kms.NewKmsKey(stack, KeyID, &env.KmsKeyConfig)
	if err != nil {
		// Validate accepted the configuration, so a name the key needs is
		// taken in the app (an alias or role name of another environment):
		// remove the stack again and say which.
		scope.Node().TryRemoveChild(jsii.String(StackName(env.Name)))
		var errs []error
		for _, fe := range kms.FieldErrors(err) {
			errs = append(errs, &EnvironmentError{Environment: env.Name, Err: fe})
		}
		if len(errs) == 0 {
			errs = append(errs, &EnvironmentError{Environment: env.Name, Err: err})
		}
		return nil, errors.Join(errs...)
	}
	if env.Backend != nil && env.Backend.S3 != nil {
		env.Backend.S3.add(stack, env.AwsRegion)
	} else {
		path := env.LocalStatePath
		if path == "" {
			path = LocalStatePath(env.Name)
		}
		cdktf.NewLocalBackend(stack, &cdktf.LocalBackendConfig{Path: jsii.String(path)})
	}
	return &EnvironmentStack{Stack: stack, Key: key}, nil
}
