// Command keys synthesizes one stack with N keys made by the KmsKey
// construct (the usage example's configuration, each with its own output
// prefix), to measure what each extra key costs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf-kms/cdktf-kms/constructs/kms"
	"github.com/cdktf-kms/cdktf-kms/synth"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

func main() {
	code := 0
	// synth.Run: the runtime's temp files are removed and an interrupt
	// stops the program cleanly.
	if err := synth.Run(func(context.Context) error { code = run(); return nil }); err != nil {
		fmt.Fprintln(os.Stderr, err)
		var stopped *synth.Interrupted
		if errors.As(err, &stopped) {
			os.Exit(stopped.ExitCode())
		}
		os.Exit(1)
	}
	os.Exit(code)
}

func run() int {
	n := flag.Int("keys", 100, "number of keys in the stack")
	replicas := flag.Int("replicas", 0, "replica regions of each key (multi-Region keys)")
	timing := flag.String("timing", "", "write, one line per repetition, the nanoseconds from the stack with its provider (the jsii kernel up, the AWS provider loaded) to the end of the synth to this file")
	repeat := flag.Int("repeat", 1, "build and synthesize the app this many times in the process (each writes cdktf.out anew)")
	flag.Parse()
	var lines []string
	for r := 0; r < *repeat; r++ {
		elapsed, err := synthKeys(*n, *replicas)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		lines = append(lines, strconv.FormatInt(int64(elapsed), 10))
	}
	if *timing != "" {
		if err := os.WriteFile(*timing, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
	}
	return 0
}

// synthKeys builds an app with one stack of n keys and synthesizes it; it
// returns the time from the stack with its provider to the end of the synth.
func synthKeys(n, replicas int) (time.Duration, error) {
	app := cdktf.NewApp(nil)
	stack := cdktf.NewTerraformStack(app, jsii.String("kms-keys"))
	provider.NewAwsProvider(stack, jsii.String("aws"), &provider.AwsProviderConfig{Region: jsii.String("eu-west-1")})
	start := time.Now()
	regions := []string{"eu-central-1", "us-east-1", "ap-southeast-2", "eu-north-1", "us-west-2"}[:replicas]
	for i := 0; i < n; i++ {
		_, err := kms.NewKmsKey(stack, fmt.Sprintf("key_%d", i), &kms.KmsKeyConfig{
			MultiRegion:          len(regions) > 0,
			ReplicaRegions:       regions,
			AwsAccountId:         "123456789012",
			AwsRegion:            "eu-west-1",
			NamePrefix:           fmt.Sprintf("k%d", i),
			Environment:          "bench",
			AdditionalPrincipals: []string{"arn:aws:iam::123456789012:role/example-role", "arn:aws:iam::123456789012:role/another-role"},
			OutputPrefix:         fmt.Sprintf("key_%d", i),
		})
		if err != nil {
			return 0, err
		}
	}
	app.Synth()
	return time.Since(start), nil
}
