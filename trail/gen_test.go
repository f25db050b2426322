package trail

import (
	"math/rand/v2"

	"github.com/trailkit/trailkit/event"
)

// recordMix returns n deterministic, realistic records: mostly management
// calls, a third data events (S3 objects and bucket listings, Lambda,
// DynamoDB with and without streams, SNS, SQS), some network activity and
// Insights events, over three Regions and three accounts, with reads,
// writes and records without readOnly.
func recordMix(n int, seed uint64) []*event.Record {
	g := rand.New(rand.NewPCG(seed, 0x7261696c))
	out := make([]*event.Record, n)
	for i := range out {
		out[i] = genRecord(g)
	}
	return out
}

func pick[T any](g *rand.Rand, xs ...T) T { return xs[g.IntN(len(xs))] }

var (
	genAccounts = []string{acctA, acctA, acctA, acctB, acctC}
	genRegions  = []string{"us-east-1", "us-east-1", "us-west-2", "eu-west-1"}
	genBuckets  = []string{"bkt", "bk1", "logs", "bkt2"}
	genKeys     = []string{"images/x.png", "docs/a.csv", "scratch/tmp.txt", "keep.csv", "a.txt", "images/deep/y.jpg"}
	genFns      = []string{"helloworld", "helloworld2", "f1"}
	genTables   = []string{"orders", "orders2", "users"}
	genUsers    = []string{"assumed-role/dev/alice", "assumed-role/ci-runner/job", "user/bob", "assumed-role/admin/bot"}
	genMgmt     = [][2]string{
		{"ec2.amazonaws.com", "DescribeInstances"}, {"ec2.amazonaws.com", "RunInstances"},
		{"iam.amazonaws.com", "CreateRole"}, {"iam.amazonaws.com", "GetRole"},
		{"sts.amazonaws.com", "AssumeRole"}, {"kms.amazonaws.com", "Decrypt"},
		{"kms.amazonaws.com", "ScheduleKeyDeletion"}, {"rdsdata.amazonaws.com", "ExecuteStatement"},
		{"s3.amazonaws.com", "CreateBucket"}, {"cloudtrail.amazonaws.com", "LookupEvents"},
		{"cloudfront.amazonaws.com", "ListDistributions"}, {"signin.amazonaws.com", "ConsoleLogin"},
	}
	genNetSources = []string{"kms.amazonaws.com", "s3.amazonaws.com", "secretsmanager.amazonaws.com"}
)

func genRecord(g *rand.Rand) *event.Record {
	acct := pick(g, genAccounts...)
	callerAcct := acct
	if g.IntN(5) == 0 {
		callerAcct = pick(g, genAccounts...)
	}
	r := &event.Record{
		EventVersion:       "1.11",
		AWSRegion:          pick(g, genRegions...),
		EventType:          event.AwsAPICall,
		RecipientAccountID: acct,
		UserIdentity: &event.UserIdentity{Type: event.IdentityAssumedRole, AccountID: callerAcct,
			ARN: "arn:aws:sts::" + callerAcct + ":" + pick(g, genUsers...)},
	}
	switch g.IntN(20) {
	case 0:
		r.UserIdentity = &event.UserIdentity{Type: event.IdentityAWSService, InvokedBy: "ec2.amazonaws.com"}
		r.EventType = event.AwsServiceEvent
	case 1:
		r.SessionCredentialFromConsole = "true"
	}
	ro := g.IntN(3) != 0
	switch g.IntN(20) {
	case 0: // readOnly absent
	default:
		r.ReadOnly = ptr(ro)
	}
	k := g.IntN(100)
	switch {
	case k < 55:
		m := pick(g, genMgmt...)
		r.EventSource, r.EventName = m[0], m[1]
		r.EventCategory, r.ManagementEvent = event.CategoryManagement, ptr(true)
		if m[0] == "sts.amazonaws.com" && g.IntN(2) == 0 {
			r.TLSDetails = &event.TLSDetails{ClientProvidedHostHeader: "sts." + r.AWSRegion + ".amazonaws.com"}
		}
	case k < 90:
		r.EventCategory, r.ManagementEvent = event.CategoryData, ptr(false)
		owner := acct
		if g.IntN(6) == 0 {
			owner = pick(g, genAccounts...)
		}
		if g.IntN(10) == 0 {
			owner = "" // redacted for cross-account callers
		}
		switch g.IntN(7) {
		case 0, 1:
			b := pick(g, genBuckets...)
			r.EventSource, r.EventName = "s3.amazonaws.com", pick(g, "GetObject", "PutObject", "HeadObject")
			r.Resources = []event.Resource{{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::" + b + "/" + pick(g, genKeys...)},
				{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + b, AccountID: owner}}
		case 2:
			b := pick(g, genBuckets...)
			r.EventSource, r.EventName = "s3.amazonaws.com", "ListObjects"
			r.Resources = []event.Resource{{Type: "AWS::S3::Object", ARNPrefix: "arn:aws:s3:::" + b + "/"},
				{Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::" + b, AccountID: owner}}
		case 3:
			r.EventSource, r.EventName = "lambda.amazonaws.com", "Invoke"
			o := owner
			if o == "" {
				o = acctB
			}
			r.Resources = []event.Resource{{Type: "AWS::Lambda::Function", AccountID: owner, ARN: "arn:aws:lambda:" + r.AWSRegion + ":" + o + ":function:" + pick(g, genFns...)}}
		case 4:
			arn := "arn:aws:dynamodb:" + r.AWSRegion + ":" + acct + ":table/" + pick(g, genTables...)
			r.EventSource = "dynamodb.amazonaws.com"
			if g.IntN(3) == 0 {
				r.EventName = "GetRecords"
				r.Resources = []event.Resource{{Type: "AWS::DynamoDB::Stream", ARN: arn + "/stream/2024-01-01T00:00:00.000", AccountID: acct},
					{Type: "AWS::DynamoDB::Table", ARN: arn, AccountID: acct}}
			} else {
				r.EventName = pick(g, "PutItem", "GetItem", "Query")
				r.Resources = []event.Resource{{Type: "AWS::DynamoDB::Table", ARN: arn, AccountID: acct}}
			}
		case 5:
			r.EventSource, r.EventName = "sns.amazonaws.com", "Publish"
			r.Resources = []event.Resource{{Type: "AWS::SNS::Topic", ARN: "arn:aws:sns:" + r.AWSRegion + ":" + acct + ":alerts", AccountID: acct}}
		default:
			r.EventSource, r.EventName = "sqs.amazonaws.com", pick(g, "SendMessage", "ReceiveMessage")
			r.Resources = []event.Resource{{Type: "AWS::SQS::Queue", ARN: "arn:aws:sqs:" + r.AWSRegion + ":" + acct + ":jobs", AccountID: acct}}
		}
		if g.IntN(30) == 0 {
			r.Resources = nil
		}
	case k < 97:
		r.EventCategory, r.EventType, r.ReadOnly = event.CategoryNetworkActivity, event.AwsVpceEvent, nil
		r.EventSource, r.EventName = pick(g, genNetSources...), pick(g, "Decrypt", "GetSecretValue", "PutObject")
		r.VPCEndpointID = pick(g, "vpce-0123456789abcdef0", "vpce-0fedcba9876543210")
		r.VPCEndpointAccountID = acct
		if g.IntN(3) == 0 {
			r.ErrorCode, r.ErrorMessage = "VpceAccessDenied", "The request was denied due to a VPC endpoint policy"
		}
	default:
		insight(r)
	}
	return r
}

// benchSelectors are 5 advanced selectors of 10 field selectors each
// (valid with ValidateOptions.AllowDuplicateFields): four data/network
// selectors first and a management selector last, so management records
// are rejected by four selectors before they match.
func benchSelectors() []AdvancedEventSelector {
	ns := func(f string, v ...string) AdvancedFieldSelector {
		return AdvancedFieldSelector{Field: f, NotStartsWith: v}
	}
	ne := func(f string, v ...string) AdvancedFieldSelector {
		return AdvancedFieldSelector{Field: f, NotEquals: v}
	}
	sw := func(f string, v ...string) AdvancedFieldSelector {
		return AdvancedFieldSelector{Field: f, StartsWith: v}
	}
	nend := func(f string, v ...string) AdvancedFieldSelector {
		return AdvancedFieldSelector{Field: f, NotEndsWith: v}
	}
	return []AdvancedEventSelector{
		{Name: "S3 writes in data buckets", FieldSelectors: []AdvancedFieldSelector{
			eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::S3::Object"), eq(fieldReadOnly, "false"),
			eq(fieldEventSource, "s3.amazonaws.com"), ns(fieldEventName, "Head"), ne(fieldEventType, "AwsServiceEvent"),
			sw(fieldResourcesARN, "arn:aws:s3:::bkt/", "arn:aws:s3:::bk1/"), ns(fieldResourcesARN, "arn:aws:s3:::bkt/scratch/"),
			ns(fieldUserIdentityARN, "arn:aws:sts::"+acctA+":assumed-role/ci-"), nend(fieldUserIdentityARN, "/bot")}},
		{Name: "Lambda invocations", FieldSelectors: []AdvancedFieldSelector{
			eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::Lambda::Function"), eq(fieldEventSource, "lambda.amazonaws.com"),
			eq(fieldEventName, "Invoke", "InvokeAsync"), ne(fieldEventType, "AwsServiceEvent"),
			sw(fieldResourcesARN, "arn:aws:lambda:us-east-1:", "arn:aws:lambda:us-west-2:"), nend(fieldResourcesARN, ":function:f1"),
			ns(fieldUserIdentityARN, "arn:aws:sts::"+acctA+":assumed-role/ci-"), nend(fieldUserIdentityARN, "/bot"), eq(fieldReadOnly, "false")}},
		{Name: "DynamoDB writes on orders", FieldSelectors: []AdvancedFieldSelector{
			eq(fieldEventCategory, "Data"), eq(fieldResourcesType, "AWS::DynamoDB::Table"), eq(fieldEventSource, "dynamodb.amazonaws.com"),
			ne(fieldEventName, "GetRecords", "GetShardIterator", "DescribeStream"), eq(fieldReadOnly, "false"), ne(fieldEventType, "AwsServiceEvent"),
			AdvancedFieldSelector{Field: fieldResourcesARN, EndsWith: []string{":table/orders", ":table/users"}}, ns(fieldResourcesARN, "arn:aws:dynamodb:eu-"),
			ns(fieldUserIdentityARN, "arn:aws:sts::"+acctA+":assumed-role/ci-"), eq(fieldSessionCredentialFromConsole, "true")}},
		{Name: "KMS VPCE denials", FieldSelectors: []AdvancedFieldSelector{
			eq(fieldEventCategory, "NetworkActivity"), eq(fieldEventSource, "kms.amazonaws.com"), eq(fieldErrorCode, "VpceAccessDenied"),
			ne(fieldEventName, "GenerateRandom"), ns(fieldEventName, "List"), sw(fieldVPCEndpointID, "vpce-"),
			ne(fieldVPCEndpointID, "vpce-0fedcba9876543210"), nend(fieldVPCEndpointID, "ffff"),
			ns(fieldUserIdentityARN, "arn:aws:sts::"+acctA+":assumed-role/ci-"), nend(fieldUserIdentityARN, "/bot")}},
		{Name: "Management writes minus KMS and RDS Data", FieldSelectors: []AdvancedFieldSelector{
			eq(fieldEventCategory, "Management"), eq(fieldReadOnly, "false"), ne(fieldEventSource, "kms.amazonaws.com"),
			ne(fieldEventSource, "rdsdata.amazonaws.com"), ne(fieldEventSource, "kms.amazonaws.com", "rdsdata.amazonaws.com"),
			eq(fieldReadOnly, "false"), eq(fieldReadOnly, "false"), ne(fieldEventSource, "rdsdata.amazonaws.com"),
			ne(fieldEventSource, "kms.amazonaws.com"), eq(fieldReadOnly, "false")}},
	}
}
