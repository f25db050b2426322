package event

import (
	"encoding/json"
	"time"
)

// Hand-built records for the golden files, the benchmarks and the property
// tests. Account ids, keys and GUIDs are made up.

func codecBool(b bool) *bool            { return &b }
func codecInt(n int64) *int64           { return &n }
func codecRaw(s string) json.RawMessage { return json.RawMessage(s) }

// codecTypicalRecord is a typical management event of about 1.2 KB: an
// assumed-role API call that failed, with TLS details and a resource.
func codecTypicalRecord() *Record {
	return &Record{
		EventVersion: "1.11",
		UserIdentity: &UserIdentity{
			Type:        IdentityAssumedRole,
			PrincipalID: "AROAEXAMPLEROLE00001:ci-runner-42",
			ARN:         "arn:aws:sts::444455556666:assumed-role/CiDeployRole/ci-runner-42",
			AccountID:   "444455556666",
			AccessKeyID: "ASIAEXAMPLEKEY000042",
			SessionContext: &SessionContext{
				SessionIssuer: &SessionIssuer{
					Type:        "Role",
					PrincipalID: "AROAEXAMPLEROLE00001",
					ARN:         "arn:aws:iam::444455556666:role/CiDeployRole",
					AccountID:   "444455556666",
					UserName:    "CiDeployRole",
				},
				WebIDFederationData: &WebIDFederationData{},
				Attributes:          &SessionAttributes{CreationDate: "2024-03-05T09:02:11Z", MFAAuthenticated: "false"},
			},
		},
		EventTime:          time.Date(2024, 3, 5, 9, 16, 3, 0, time.UTC),
		EventSource:        "ssm.amazonaws.com",
		EventName:          "PutParameter",
		AWSRegion:          "eu-west-1",
		SourceIPAddress:    "198.51.100.23",
		UserAgent:          "aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0 ssm.put-parameter",
		ErrorCode:          "AccessDenied",
		ErrorMessage:       "User is not authorized to perform: ssm:PutParameter",
		RequestParameters:  codecRaw(`{"name":"/ci/build-number","type":"String","overwrite":true,"tier":"Standard"}`),
		ResponseElements:   codecRaw(`null`),
		RequestID:          "0f6e2c1a-5b7d-4c33-9a60-2d1b8e4f7a10",
		EventID:            "6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65",
		ReadOnly:           codecBool(false),
		Resources:          []Resource{{AccountID: "444455556666", Type: "AWS::SSM::Parameter", ARN: "arn:aws:ssm:eu-west-1:444455556666:parameter/ci/build-number"}},
		EventType:          AwsAPICall,
		ManagementEvent:    codecBool(true),
		RecipientAccountID: "444455556666",
		EventCategory:      CategoryManagement,
		TLSDetails: &TLSDetails{
			TLSVersion:               "TLSv1.3",
			CipherSuite:              "TLS_AES_128_GCM_SHA256",
			ClientProvidedHostHeader: "ssm.eu-west-1.amazonaws.com",
			KeyExchange:              "X25519MLKEM768",
		},
	}
}

func codecConsoleSignIn() *Record {
	return &Record{
		EventVersion: "1.09",
		UserIdentity: &UserIdentity{
			Type:        IdentityIAMUser,
			PrincipalID: "AIDAEXAMPLEUSER00007",
			ARN:         "arn:aws:iam::111122223333:user/alice",
			AccountID:   "111122223333",
			UserName:    "alice",
		},
		EventTime:           time.Date(2025, 10, 27, 0, 0, 52, 0, time.UTC),
		EventSource:         "signin.amazonaws.com",
		EventName:           "ConsoleLogin",
		AWSRegion:           "us-east-1",
		SourceIPAddress:     "203.0.113.77",
		UserAgent:           "Mozilla/5.0 (X11; Linux x86_64; rv:131.0) Gecko/20100101 Firefox/131.0",
		RequestParameters:   codecRaw(`null`),
		ResponseElements:    codecRaw(`{"ConsoleLogin":"Success"}`),
		AdditionalEventData: codecRaw(`{"LoginTo":"https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true","MobileVersion":"No","MFAIdentifier":"arn:aws:iam::111122223333:mfa/alice","MFAUsed":"Yes"}`),
		EventID:             "3d1c7b9a-0e4f-4a2b-9c8d-7e6f5a4b3c2d",
		ReadOnly:            codecBool(false),
		EventType:           AwsConsoleSignIn,
		ManagementEvent:     codecBool(true),
		RecipientAccountID:  "111122223333",
		EventCategory:       CategoryManagement,
		TLSDetails: &TLSDetails{
			TLSVersion:               "TLSv1.3",
			CipherSuite:              "TLS_AES_128_GCM_SHA256",
			ClientProvidedHostHeader: "signin.aws.amazon.com",
		},
	}
}

func codecServiceEvent() *Record {
	return &Record{
		EventVersion:        "1.11",
		UserIdentity:        &UserIdentity{AccountID: "111122223333", InvokedBy: "kms.amazonaws.com"},
		EventTime:           time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		EventSource:         "kms.amazonaws.com",
		EventName:           "RotateKey",
		AWSRegion:           "eu-central-1",
		SourceIPAddress:     "kms.amazonaws.com",
		UserAgent:           "kms.amazonaws.com",
		RequestParameters:   codecRaw(`null`),
		ResponseElements:    codecRaw(`null`),
		AdditionalEventData: codecRaw(`{"keyId":"arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}`),
		EventID:             "a1b2c3d4-0000-4000-8000-000000000001",
		ReadOnly:            codecBool(false),
		Resources:           []Resource{{AccountID: "111122223333", Type: "AWS::KMS::Key", ARN: "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"}},
		EventType:           AwsServiceEvent,
		ManagementEvent:     codecBool(true),
		RecipientAccountID:  "111122223333",
		ServiceEventDetails: codecRaw(`{"rotationType":"Automatic"}`),
		EventCategory:       CategoryManagement,
	}
}

func codecDataEvent() *Record {
	return &Record{
		EventVersion: "1.10",
		UserIdentity: &UserIdentity{
			Type:        IdentityIAMUser,
			PrincipalID: "AIDAEXAMPLEUSER00008",
			ARN:         "arn:aws:iam::111122223333:user/bob",
			AccountID:   "111122223333",
			AccessKeyID: "AKIAEXAMPLEKEY000008",
			UserName:    "bob",
		},
		EventTime:           time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC),
		EventSource:         "s3.amazonaws.com",
		EventName:           "GetObject",
		AWSRegion:           "us-west-2",
		SourceIPAddress:     "2001:db8::1",
		UserAgent:           "[aws-sdk-go-v2/1.30.0 os/linux lang/go#1.23.0 md/GOOS#linux md/GOARCH#amd64 api/s3#1.58.0]",
		RequestParameters:   codecRaw(`{"bucketName":"example-bucket","Host":"example-bucket.s3.us-west-2.amazonaws.com","key":"reports/2024/q4.csv"}`),
		ResponseElements:    codecRaw(`null`),
		AdditionalEventData: codecRaw(`{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"EXAMPLEid2+abc/def=","bytesTransferredOut":1048576}`),
		RequestID:           "EXAMPLE0REQUEST1",
		EventID:             "b2c3d4e5-0000-4000-8000-000000000002",
		ReadOnly:            codecBool(true),
		Resources: []Resource{
			{Type: "AWS::S3::Object", ARN: "arn:aws:s3:::example-bucket/reports/2024/q4.csv"},
			{AccountID: "111122223333", Type: "AWS::S3::Bucket", ARN: "arn:aws:s3:::example-bucket"},
			{Type: "AWS::S3::Object", ARNPrefix: "arn:aws:s3:::example-bucket/reports/"},
		},
		EventType:            AwsAPICall,
		ManagementEvent:      codecBool(false),
		RecipientAccountID:   "111122223333",
		VPCEndpointID:        "vpce-0abcdef1234567890",
		VPCEndpointAccountID: "111122223333",
		EventCategory:        CategoryData,
		TLSDetails: &TLSDetails{
			TLSVersion:               "TLSv1.2",
			CipherSuite:              "ECDHE-RSA-AES128-GCM-SHA256",
			ClientProvidedHostHeader: "example-bucket.s3.us-west-2.amazonaws.com",
		},
	}
}

func codecInsightStart() *Record {
	return &Record{
		EventVersion:       "1.08",
		EventTime:          time.Date(2024, 6, 11, 14, 20, 0, 0, time.UTC),
		AWSRegion:          "eu-central-1",
		EventID:            "9a1f3c52-7d4e-4b0a-8e21-5c6d7e8f9012",
		EventType:          AwsCloudTrailInsight,
		RecipientAccountID: "777788889999",
		SharedEventID:      "3e5b7d90-2a4c-4f61-9b83-0d1e2f3a4b5c",
		InsightDetails: &InsightDetails{
			State:       InsightStart,
			EventSource: "secretsmanager.amazonaws.com",
			EventName:   "GetSecretValue",
			InsightType: APIErrorRateInsight,
			ErrorCode:   "AccessDeniedException",
			InsightContext: &InsightContext{
				Statistics: &InsightStatistics{
					Baseline:         &Average{Average: 0.0000882145},
					Insight:          &Average{Average: 4.5},
					InsightDuration:  codecInt(1),
					BaselineDuration: codecInt(10080),
				},
				Attributions: []Attribution{
					{
						Attribute: "userIdentityArn",
						Insight:   []AttributionValue{{Value: "arn:aws:sts::777788889999:assumed-role/BatchJobRole/job-17", Average: 4.5}},
						Baseline:  []AttributionValue{{Value: "arn:aws:sts::777788889999:assumed-role/BatchJobRole/job-03", Average: 0.0123456789}},
					},
					{
						Attribute: "errorCode",
						Insight:   []AttributionValue{{Value: "AccessDeniedException", Average: 4.5}},
						Baseline:  []AttributionValue{{Value: "null", Average: 1e-10}, {Value: "AccessDeniedException", Average: 0}},
					},
				},
			},
		},
		EventCategory: CategoryInsight,
	}
}

// codecEverything sets every field of every type, with Unknown members at
// every level and strings that need escaping.
func codecEverything() *Record {
	u := Members{{Key: "zExtra", Value: codecRaw(`{"n":[1,2.5e3,-0,true,null]}`)}, {Key: "accountid", Value: codecRaw(`"lower-case key"`)}}
	return &Record{
		EventVersion: "1.11",
		UserIdentity: &UserIdentity{
			Type:        IdentityIdentityCenterUser,
			PrincipalID: "p",
			ARN:         "arn:aws:sts::111122223333:assumed-role/x/y",
			AccountID:   "111122223333",
			AccessKeyID: "ASIAX",
			UserName:    "Ünïcödé 名前 \U0001F600",
			SessionContext: &SessionContext{
				SessionIssuer:       &SessionIssuer{Type: "Role", PrincipalID: "AROA", ARN: "arn:aws:iam::111122223333:role/x", AccountID: "111122223333", UserName: "x", Unknown: u},
				WebIDFederationData: &WebIDFederationData{FederatedProvider: "accounts.google.com", Attributes: codecRaw(`{"accounts.google.com:aud":"123.apps.googleusercontent.com"}`), Unknown: u},
				Attributes:          &SessionAttributes{CreationDate: "20131102T010628Z", MFAAuthenticated: "true", Unknown: u},
				SourceIdentity:      "src",
				EC2RoleDelivery:     "2.0",
				EC2IssuedInVPC:      "vpc-1",
				AssumedRoot:         "true",
				SignInSessionARN:    "arn:aws:signin:us-east-1:111122223333:session/abc",
				Unknown:             u,
			},
			InvokedBy:         "AWS Internal",
			InvokedByDelegate: &InvokedByDelegate{AccountID: "999988887777", Unknown: u},
			IdentityProvider:  "accounts.google.com",
			CredentialID:      "cred-1",
			OnBehalfOf:        &OnBehalfOf{UserID: "u-1", IdentityStoreARN: "arn:aws:identitystore::111122223333:identitystore/d-1", Unknown: u},
			InScopeOf:         &InScopeOf{SourceARN: "arn:aws:lambda:us-east-1:111122223333:function:f", SourceAccount: "111122223333", IssuerType: "AWS::Lambda::Function", CredentialsIssuedTo: "arn:aws:iam::111122223333:role/r", Unknown: u},
			Unknown:           u,
		},
		EventTime:                    time.Date(2025, 2, 28, 23, 0, 1, 0, time.UTC),
		EventSource:                  "example.amazonaws.com",
		EventName:                    "Do<Something>&More",
		AWSRegion:                    "us-gov-west-1",
		SourceIPAddress:              "81.2.69.142, 192.168.10.10",
		UserAgent:                    "quote \" backslash \\ slash / tab \t newline \n cr \r bs \b ff \f nul \x00 us \x1f del \x7f ls \u2028 ps \u2029",
		ErrorCode:                    "200",
		ErrorMessage:                 "<html> & </html>",
		RequestParameters:            codecRaw(`{"a":{"b":[null,{}],"c":""},"n":12345678901234567890}`),
		ResponseElements:             codecRaw(`null`),
		AdditionalEventData:          codecRaw(`"a string"`),
		RequestID:                    "req",
		EventID:                      "evt",
		ReadOnly:                     codecBool(true),
		Resources:                    []Resource{{AccountID: "111122223333", Type: "AWS::X::Y", ARN: "arn:x", Unknown: u}, {}},
		EventType:                    AwsAPICall,
		APIVersion:                   "2015-03-31",
		ManagementEvent:              codecBool(false),
		RecipientAccountID:           "111122223333",
		SharedEventID:                "shared",
		VPCEndpointID:                "vpce-1",
		VPCEndpointAccountID:         "222233334444",
		ServiceEventDetails:          codecRaw(`[]`),
		EventCategory:                CategoryNetworkActivity,
		Addendum:                     &Addendum{Reason: ReasonUpdatedData, UpdatedFields: codecRaw(`"eventTime,requestParameters"`), OriginalRequestID: "oreq", OriginalEventID: "oevt", Unknown: u},
		TLSDetails:                   &TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_256_GCM_SHA384", ClientProvidedHostHeader: "h", KeyExchange: "x25519", Unknown: u},
		SessionCredentialFromConsole: "true",
		EdgeDeviceDetails:            codecRaw(`{"type":"outposts","deviceId":"op-1"}`),
		EventContext:                 codecRaw(`{"requestContext":{},"tagContext":{}}`),
		Annotation:                   "note",
		Unknown:                      u,
	}
}

// codecInsightEverything is an Insights record with every Insights field,
// Unknown members inside each Insights object, and members that are unusual
// in an Insights record (userIdentity, addendum) to pin where they go.
func codecInsightEverything() *Record {
	u := Members{{Key: "extra", Value: codecRaw(`1`)}}
	r := codecInsightStart()
	r.UserIdentity = &UserIdentity{Type: IdentityAWSService, InvokedBy: "cloudtrail.amazonaws.com"}
	r.Addendum = &Addendum{Reason: ReasonDeliveryDelay}
	r.Unknown = u
	d := r.InsightDetails
	d.Unknown = u
	d.InsightContext.Unknown = u
	d.InsightContext.Statistics.Unknown = u
	d.InsightContext.Statistics.Baseline.Unknown = u
	d.InsightContext.Attributions[0].Unknown = u
	d.InsightContext.Attributions[0].Insight[0].Unknown = u
	d.InsightContext.Attributions = append(d.InsightContext.Attributions, Attribution{Attribute: "userAgent", Insight: []AttributionValue{}})
	return r
}

// codecGoldenRecords names the records of the golden files in testdata/.
var codecGoldenRecords = []struct {
	name string
	rec  func() *Record
}{
	{"api-call", codecTypicalRecord},
	{"console-signin", codecConsoleSignIn},
	{"service-event", codecServiceEvent},
	{"data-event", codecDataEvent},
	{"insight-start", codecInsightStart},
	{"everything", codecEverything},
	{"insight-everything", codecInsightEverything},
	{"minimal", func() *Record { return &Record{EventVersion: "1.0", UserIdentity: &UserIdentity{}} }},
	{"empty", func() *Record { return &Record{} }},
}
