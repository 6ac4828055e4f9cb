package kms

import (
	"maps"
	"regexp"
	"slices"
	"strings"
)

// regionPattern is the shape of an AWS region name: a prefix naming the
// geography (and, for the isolated partitions, the partition), a direction and
// a number, as in eu-west-1, us-gov-west-1 or ap-southeast-7.
var regionPattern = regexp.MustCompile(`^([a-z]+(?:-[a-z]+)?)-(central|north|south|east|west|northeast|northwest|southeast|southwest)-([1-9][0-9]?)$`)

// regionPrefixPartitions maps the prefix of a region name to the AWS partition
// of every ARN in that region. The original module hard-coded "arn:aws", which
// AWS rejects outside the commercial partition.
var regionPrefixPartitions = map[string]string{
	"af": "aws", "ap": "aws", "ca": "aws", "eu": "aws", "il": "aws",
	"me": "aws", "mx": "aws", "sa": "aws", "us": "aws",
	"cn":      "aws-cn",
	"us-gov":  "aws-us-gov",
	"us-iso":  "aws-iso",
	"us-isob": "aws-iso-b",
	"eu-isoe": "aws-iso-e",
	"us-isof": "aws-iso-f",
	"eusc-de": "aws-eusc",
}

// PartitionOf returns the AWS partition ("aws", "aws-cn", "aws-us-gov", ...)
// of a well-formed region name, and false when the name is not one.
func PartitionOf(region string) (string, bool) {
	m := regionPattern.FindStringSubmatch(region)
	if m == nil {
		return "", false
	}
	partition, ok := regionPrefixPartitions[m[1]]
	return partition, ok
}

// knownRegionPrefixes lists the accepted region prefixes for error messages.
func knownRegionPrefixes() string {
	return strings.Join(slices.Sorted(maps.Keys(regionPrefixPartitions)), ", ")
}

// servicePrincipalDomains lists, per partition, the services whose service
// principal ends in the partition's own DNS suffix instead of
// amazonaws.com. Every other service and partition (aws, aws-us-gov,
// aws-iso-e, aws-iso-f, aws-eusc) uses amazonaws.com.
//
// Source: the AWS provider's aws_service_principal data source
// (internal/service/meta, servicePrincipalNameForPartition, v5.x and v6.x),
// which takes the table from the AWS CDK's region facts
// (aws-cdk-lib/region-info/lib/default.ts). Checked 2026-11-27.
var servicePrincipalDomains = map[string]struct {
	suffix   string
	services []string
}{
	"aws-cn":    {"amazonaws.com.cn", []string{"codedeploy", "elasticmapreduce", "logs"}},
	"aws-iso":   {"c2s.ic.gov", []string{"cloudhsm", "config", "logs", "workspaces"}},
	"aws-iso-b": {"sc2s.sgov.gov", []string{"dms", "logs"}},
}

// ServicePrincipalSuffix returns the DNS suffix of a service's principal in
// a partition: "amazonaws.com" unless the table above says otherwise.
func ServicePrincipalSuffix(service, partition string) string {
	if d, ok := servicePrincipalDomains[partition]; ok && slices.Contains(d.services, service) {
		return d.suffix
	}
	return "amazonaws.com"
}

// LogsServicePrincipal returns the CloudWatch Logs service principal of a
// region: logs.<region>.amazonaws.com, as the original module wrote it, or
// with its partition's suffix where AWS's table says so
// (logs.cn-north-1.amazonaws.com.cn, logs.us-iso-east-1.c2s.ic.gov, ...).
// It returns "" for a region that is not well formed.
func LogsServicePrincipal(region string) string {
	partition, ok := PartitionOf(region)
	if !ok {
		return ""
	}
	return "logs." + region + "." + ServicePrincipalSuffix("logs", partition)
}
