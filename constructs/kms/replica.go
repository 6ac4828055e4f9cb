package kms

import (
	"maps"
	"slices"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmskeypolicy"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsreplicaexternalkey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/kmsreplicakey"
	"github.com/cdktf/cdktf-provider-aws-go/aws/v19/provider"
)

// Replica is a replica of a multi-Region key in another region of the same
// partition: an aws_kms_replica_key created through an AWS provider for
// that region.
type Replica struct {
	// Region is the replica's region.
	Region string
	// Resource is the aws_kms_replica_key; nil for a key with imported key
	// material (Origin EXTERNAL), whose replica is ExternalResource.
	Resource kmsreplicakey.KmsReplicaKey
	// ExternalResource is the aws_kms_replica_external_key of a key with
	// imported key material; nil otherwise.
	ExternalResource kmsreplicaexternalkey.KmsReplicaExternalKey
	// Provider is the AWS provider the replica (and its aliases) use.
	Provider provider.AwsProvider
	res      keyResource
}

// Arn returns a token for the replica's ARN.
func (r *Replica) Arn() *string { return r.res.Arn() }

// KeyId returns a token for the replica's key id (the same mrk- id as the
// primary key's).
func (r *Replica) KeyId() *string { return keyID(r.res) }

// replicaArguments are the arguments of a replica, whichever its origin.
type replicaArguments struct {
	description *string
	tags        *map[string]*string
	provider    provider.AwsProvider
	shared      keyArguments
	policy      *string
}

// Replicas returns the key's replicas, in the order of ReplicaRegions.
func (k *KmsKey) Replicas() []*Replica { return append([]*Replica(nil), k.replicas...) }

// validateReplicas checks the replica regions and providers.
func (c *KmsKeyConfig) validateReplicas(p *problems, partition string) {
	f := field{"ReplicaRegions", "replica_regions"}
	if len(c.ReplicaRegions) > 0 && !c.MultiRegion {
		p.add(f, nil, "replicas need a multi-Region key: set multi_region (MultiRegion)")
	}
	validateEach(p, f, c.ReplicaRegions, literalsOnly, func(region string) string {
		rp, ok := PartitionOf(region)
		switch {
		case !ok:
			return "must be an AWS region name such as eu-central-1"
		case region == c.AwsRegion:
			return "is the key's own region; a replica must be in another region"
		case partition != "" && rp != partition:
			return "is in partition " + quoteCut(rp) + " but the key is in " + quoteCut(partition) + "; replicas stay in the key's partition"
		}
		return ""
	})
	for _, region := range slices.Sorted(maps.Keys(c.ReplicaProviders)) {
		fp := field{"ReplicaProviders", "replica_providers"}.sub(region, region)
		switch {
		case !slices.Contains(c.ReplicaRegions, region):
			p.add(fp, region, "is not one of replica_regions (ReplicaRegions)")
		case c.ReplicaProviders[region] == nil:
			p.add(fp, region, "is nil; give a provider for the region or leave the region out")
		}
	}
}

// addReplicas creates the replicas, each with the policy rendered for its
// region.
func (k *KmsKey) addReplicas(v validated) {
	c := &k.config
	shared := c.sharedKeyArguments()
	for _, region := range c.ReplicaRegions {
		prov := k.replicaProvider(region)
		name := replicaResourceName(k.name, region)
		ra := replicaArguments{description: k.lit(c.description()), tags: k.tags(), provider: prov, shared: shared}
		if !c.KeyPolicyResource {
			ra.policy = k.policyArg(v.replicas[region])
		}
		replica := &Replica{Region: region, Provider: prov}
		if c.external() {
			replica.res = k.newExternalReplica(name, ra)
			replica.ExternalResource = replica.res.(kmsreplicaexternalkey.KmsReplicaExternalKey)
		} else {
			replica.Resource = kmsreplicakey.NewKmsReplicaKey(k.node, jsii.String(name), &kmsreplicakey.KmsReplicaKeyConfig{
				PrimaryKeyArn:                  k.key.Arn(),
				Description:                    ra.description,
				Tags:                           ra.tags,
				Provider:                       prov,
				DeletionWindowInDays:           shared.deletionWindow,
				Enabled:                        shared.enabled,
				BypassPolicyLockoutSafetyCheck: shared.bypass,
				Lifecycle:                      shared.lifecycle,
				Policy:                         ra.policy,
			})
			replica.res = replica.Resource
		}
		r := replica.res
		k.pin(r, name)
		k.replicas = append(k.replicas, replica)
		if c.KeyPolicyResource {
			// The replica's policy as a resource of its own too, in the
			// replica's region (its provider).
			pname := name + keyPolicySuffix
			rp := kmskeypolicy.NewKmsKeyPolicy(k.node, jsii.String(pname), &kmskeypolicy.KmsKeyPolicyConfig{
				KeyId:                          keyID(r),
				Policy:                         k.policyArg(v.replicas[region]),
				BypassPolicyLockoutSafetyCheck: shared.bypass,
				Provider:                       prov,
				Lifecycle:                      shared.lifecycle,
			})
			k.pin(rp, pname)
			if k.replicaPolicies == nil {
				k.replicaPolicies = map[string]kmskeypolicy.KmsKeyPolicy{}
			}
			k.replicaPolicies[region] = rp
		}
	}
}

// replicaProvider returns the AWS provider for a replica region: the one
// given in ReplicaProviders, else an aliased provider for the region that
// the stack already has (found once per stack among its direct children,
// or added by another key), else a new one, alias "<region with _>",
// directly in the stack so that the stack's keys share it.
func (k *KmsKey) replicaProvider(region string) provider.AwsProvider {
	if p := k.config.ReplicaProviders[region]; p != nil {
		return p
	}
	st := k.stack
	if st.providers == nil {
		st.providers = map[string]provider.AwsProvider{}
		for _, c := range *st.node().Children() {
			if p, ok := c.(provider.AwsProvider); ok && p.Alias() != nil && p.Region() != nil {
				if _, taken := st.providers[*p.Region()]; !taken {
					st.providers[*p.Region()] = p
				}
			}
		}
	}
	if p, ok := st.providers[region]; ok {
		return p
	}
	alias := regionSuffix(region)
	p := provider.NewAwsProvider(st.stack, jsii.String("aws_"+alias), &provider.AwsProviderConfig{
		Region: jsii.String(region),
		Alias:  jsii.String(alias),
	})
	st.providers[region] = p
	st.own(p)
	k.createdProviders = append(k.createdProviders, region)
	return p
}
