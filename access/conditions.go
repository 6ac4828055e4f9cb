package access

// facts are condition keys whose value the report knows for every request
// of a principal: AWS sets them from the request itself.
type facts map[string]string

// knownFacts returns what AWS puts in every request context of a principal
// (IAM User Guide, "AWS global condition context keys"; AWS KMS Developer
// Guide, "AWS KMS condition keys"):
//   - aws:SecureTransport is "true": AWS KMS accepts only TLS requests (AWS
//     KMS Developer Guide, "Infrastructure security": "AWS KMS requires TLS
//     1.2"), so a Deny on aws:SecureTransport false never applies;
//   - aws:PrincipalAccount and kms:CallerAccount are the principal's
//     account, aws:PrincipalArn its ARN (a role's for a role), and
//     aws:PrincipalIsAWSService false, for IAM principals;
//   - aws:PrincipalIsAWSService is true for a service principal.
func knownFacts(p *row) facts {
	f := facts{"aws:securetransport": "true"}
	switch p.Kind {
	case KindAccount, KindAnyone, KindRole, KindUser, KindAssumedRole, KindGroup:
		f["aws:principalisawsservice"] = "false"
		if p.acct != "" {
			f["aws:principalaccount"] = p.acct
			f["kms:calleraccount"] = p.acct
		}
		if (p.Kind == KindRole || p.Kind == KindUser) && p.arnKnown {
			f["aws:principalarn"] = p.ID
		}
	case KindService:
		f["aws:principalisawsservice"] = "true"
	}
	return f
}
