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
