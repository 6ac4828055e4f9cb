package tests

import (
	"strings"
	"testing"

	"github.com/cdktf-kms/cdktf-kms/internal/testutil/synthtest"
	"github.com/cdktf-kms/cdktf-kms/stacks"
)

// TestExampleEnvironmentsSynthesize synthesizes every environment of
// examples/environments/cdktf.json (the full-featured configurations the
// shipped cdktf.json leaves out) and checks what each is for.
func TestExampleEnvironmentsSynthesize(t *testing.T) {
	t.Setenv(stacks.ContextEnv, "")
	envs, err := stacks.LoadEnvironments("../examples/environments/cdktf.json")
	if err != nil {
		t.Fatal(err)
	}
	app := synthtest.NewApp()
	docs := map[string]*synthtest.Doc{}
	for _, env := range envs {
		s, err := stacks.NewEnvironmentStack(app, env)
		if err != nil {
			t.Fatalf("environment %s: %v", env.Name, err)
		}
		if w := s.Key.Warnings(); len(w) != 0 {
			t.Errorf("environment %s warns: %v", env.Name, w)
		}
		docs[env.Name] = synthtest.Synth(t, s.Stack)
	}
	const key = "general_encryption_key"
	if n := len(docs["prod-monitored"].Resources("aws_cloudwatch_metric_alarm")); n != 4 {
		t.Errorf("prod-monitored has %d alarms", n)
	}
	if n := len(docs["multi-region"].Resources("aws_kms_replica_key")); n != 2 {
		t.Errorf("multi-region has %d replicas", n)
	}
	hmac := synthtest.JSONArg(t, docs["hmac"].Resource(t, "aws_kms_key", key), "policy")
	if !strings.Contains(mustMarshal(hmac), `"Action":["kms:GenerateMac","kms:VerifyMac"]`) {
		t.Errorf("hmac users do not get exactly the MAC actions: %s", mustMarshal(hmac))
	}
	docs["ebs"].Resource(t, "aws_kms_grant", key+"_kms_grant_batch-volumes")
	if !strings.Contains(mustMarshal(synthtest.JSONArg(t, docs["ebs"].Resource(t, "aws_kms_key", key), "policy")), "kms:GrantIsForAWSResource") {
		t.Errorf("ebs service users are not limited to AWS resources")
	}
	if !strings.Contains(mustMarshal(synthtest.JSONArg(t, docs["trail-logs"].Resource(t, "aws_kms_key", key), "policy")), "aws:SourceArn") {
		t.Errorf("trail-logs has no confused-deputy condition")
	}
}
