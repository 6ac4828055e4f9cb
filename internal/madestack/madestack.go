// Package madestack lets a package of this module that has just made a
// stack tell the kms construct what it knows of it, so that the construct
// does not ask the jsii kernel what the caller can answer: that the stack
// is new (it holds no construct state yet), what its app is, and which
// direct children it has (the construct otherwise looks up every name it
// is about to use among them). The stacks package calls it between making
// an environment's stack and its key, with no other code in between.
package madestack

import (
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/hashicorp/terraform-cdk-go/cdktf"
)

// Made records that stack was just made, with exactly the given direct
// children (construct ids), in app (the root construct; nil when the
// caller does not know it). Package kms sets it when it initializes. What
// it says of the children holds up to the next key made in the stack; the
// stack's state then stays with the app's, and the app's stacks recorded
// here share one check at synth.
var Made func(app constructs.IConstruct, stack cdktf.TerraformStack, children ...string)
