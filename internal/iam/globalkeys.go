package iam

import "strings"

// AWS global condition context keys (IAM User Guide, "AWS global condition
// context keys",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
// A name ending in "/" is a family followed by a tag key.
var globalConditionKeys = []string{
	"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:CurrentTime", "aws:EpochTime",
	"aws:FederatedProvider", "aws:MultiFactorAuthAge", "aws:MultiFactorAuthPresent", "aws:PrincipalAccount",
	"aws:PrincipalArn", "aws:PrincipalIsAWSService", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
	"aws:PrincipalServiceName", "aws:PrincipalServiceNamesList", "aws:PrincipalTag/", "aws:PrincipalType",
	"aws:referer", "aws:RequestedRegion", "aws:RequestTag/", "aws:ResourceAccount", "aws:ResourceOrgID",
	"aws:ResourceOrgPaths", "aws:ResourceTag/", "aws:SecureTransport", "aws:SourceAccount", "aws:SourceArn",
	"aws:SourceIdentity", "aws:SourceIp", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:SourceVpc",
	"aws:SourceVpcArn", "aws:SourceVpce", "aws:TagKeys", "aws:TokenIssueTime", "aws:UserAgent", "aws:userid",
	"aws:username", "aws:ViaAWSService", "aws:VpcSourceIp", "aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths",
	"aws:Ec2InstanceSourceVpc", "aws:Ec2InstanceSourcePrivateIPv4",
}

// PrincipalConditionKeys are the global keys about the IAM principal that
// makes a request: a request an AWS service principal makes carries none
// of them (ibid.: they describe IAM principals, their sessions and their
// organization).
var PrincipalConditionKeys = []string{"aws:PrincipalArn", "aws:PrincipalAccount", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths",
	"aws:PrincipalTag/", "aws:userid", "aws:username", "aws:SourceIdentity", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
	"aws:TokenIssueTime", "aws:FederatedProvider"}

// ServiceConditionKeys are the global keys only a service principal's
// requests carry: the service's name and what it acts for (ibid.: "only
// available when the call to your resource is made directly by an AWS
// service principal").
var ServiceConditionKeys = []string{"aws:SourceAccount", "aws:SourceArn", "aws:SourceOrgID", "aws:SourceOrgPaths", "aws:PrincipalServiceName"}

// IsGlobalConditionKey says whether key is a global condition key (or a
// member of a global family, like aws:PrincipalTag/team), reading names
// case-insensitively as IAM does.
func IsGlobalConditionKey(key string) bool {
	k := strings.ToLower(key)
	for _, g := range globalConditionKeys {
		g = strings.ToLower(g)
		if g == k || strings.HasSuffix(g, "/") && strings.HasPrefix(k, g) && len(k) > len(g) {
			return true
		}
	}
	return false
}
