package event

// readOnlyPrefixes are the verbs that start the names of APIs which only
// read state. A prefix matches only at a word boundary of the CamelCase name:
// the name ends there or the next character is an upper-case letter or a
// digit, so "Get" matches GetObject and Get but not Getaway, and "Check"
// does not match CheckoutLicense (a write).
var readOnlyPrefixes = []string{
	"BatchGet", // dynamodb:BatchGetItem, secretsmanager:BatchGetSecretValue
	"Check",    // route53domains:CheckDomainAvailability
	"Describe", // ec2:DescribeInstances, …
	"Download", // rds:DownloadDBLogFilePortion
	"Estimate", // cloudformation:EstimateTemplateCost
	"Filter",   // logs:FilterLogEvents
	"Get",      // s3:GetObject, iam:GetRole, …
	"Head",     // s3:HeadObject, s3:HeadBucket
	"List",     // iam:ListUsers, lambda:ListFunctions20150331, …
	"Lookup",   // cloudtrail:LookupEvents
	"Query",    // dynamodb:Query
	"Scan",     // dynamodb:Scan
	"Search",   // resource-groups:SearchResources
	"Select",   // s3:SelectObjectContent
	"Simulate", // iam:SimulatePrincipalPolicy
	"Validate", // cloudformation:ValidateTemplate
}

// readOnlyNames overrides the prefix rule for whole names. KMS cryptographic
// operations are read-only in CloudTrail (they do not change the key; AWS
// documents Encrypt, Decrypt and GenerateDataKey as read events, which is
// what lets a WriteOnly selector drop their volume), and so are the STS
// calls that return credentials for an existing role, and Bedrock model
// invocations. GetFederationToken and GetSessionToken are recorded with
// readOnly false (real records), although their names start with Get.
var readOnlyNames = map[string]bool{
	// KMS cryptographic operations.
	"Decrypt":                             true,
	"Encrypt":                             true,
	"ReEncrypt":                           true,
	"GenerateDataKey":                     true,
	"GenerateDataKeyWithoutPlaintext":     true,
	"GenerateDataKeyPair":                 true,
	"GenerateDataKeyPairWithoutPlaintext": true,
	"GenerateRandom":                      true,
	"GenerateMac":                         true,
	"VerifyMac":                           true,
	"Sign":                                true,
	"Verify":                              true,
	// STS.
	"AssumeRole":                 true,
	"AssumeRoleWithSAML":         true,
	"AssumeRoleWithWebIdentity":  true,
	"DecodeAuthorizationMessage": true,
	"GetFederationToken":         false,
	"GetSessionToken":            false,
	// Bedrock runtime.
	"InvokeModel":                   true,
	"InvokeModelWithResponseStream": true,
	"Converse":                      true,
	"ConverseStream":                true,
}

// ReadOnlyAPI reports whether CloudTrail records an API named name as
// read-only (readOnly true). This is the rule the builders use when the
// caller does not set readOnly:
//
//  1. A name in the override table is what the table says: the KMS
//     cryptographic operations (Encrypt, Decrypt, ReEncrypt, GenerateDataKey*,
//     GenerateRandom, GenerateMac, VerifyMac, Sign, Verify), STS AssumeRole,
//     AssumeRoleWithSAML, AssumeRoleWithWebIdentity and
//     DecodeAuthorizationMessage, and Bedrock InvokeModel*, Converse* are
//     read-only; GetFederationToken and GetSessionToken are not.
//  2. Otherwise a name that starts with one of the read verbs BatchGet, Check,
//     Describe, Download, Estimate, Filter, Get, Head, List, Lookup, Query,
//     Scan, Search, Select, Simulate or Validate, followed by the end of the
//     name, an upper-case letter or a digit, is read-only.
//  3. Everything else is a write (readOnly false). The rule is conservative:
//     an unknown verb counts as a write, so that a WriteOnly selector and a
//     call-rate Insight still see it.
//
// Service-specific exceptions the table does not know about are the caller's
// to set: the builders never override a readOnly the caller gave.
func ReadOnlyAPI(name string) bool {
	if v, ok := readOnlyNames[name]; ok {
		return v
	}
	for _, p := range readOnlyPrefixes {
		if len(name) < len(p) || name[:len(p)] != p {
			continue
		}
		if len(name) == len(p) {
			return true
		}
		if c := name[len(p)]; 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			return true
		}
	}
	return false
}

// IsReadOnly reports whether the record is of a read-only call. It is the
// one question to ask of any record, old or new:
//
//  1. the readOnly member when the record has it (eventVersion 1.02 and
//     later records of API calls, where CloudTrail recorded it);
//  2. else a readOnly member written as the string "true" or "false" (the
//     form LookupEvents returns), kept in Unknown by the decoder;
//  3. else, for records older than the readOnly field, what ReadOnlyAPI
//     says of the eventName: the table the builders use.
//
// A record with neither readOnly nor eventName is not read-only.
func (r *Record) IsReadOnly() bool {
	if r.ReadOnly != nil {
		return *r.ReadOnly
	}
	if raw, ok := r.Unknown.Get("readOnly"); ok {
		switch string(raw) {
		case `"true"`:
			return true
		case `"false"`:
			return false
		}
	}
	return r.EventName != "" && ReadOnlyAPI(r.EventName)
}
