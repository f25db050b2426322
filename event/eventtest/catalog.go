package eventtest

// This file is the catalogue of activity the generator draws from: real
// CloudTrail event sources and names with their readOnly flag, category,
// identity mix and request/response shapes.

// kind is how a series' records are shaped.
type kind uint8

const (
	kindCall    kind = iota // AwsApiCall, management
	kindData                // AwsApiCall, data event
	kindSignIn              // AwsConsoleSignIn
	kindService             // AwsServiceEvent
)

// mix names a weighted set of identity kinds (see identity.go).
type mix uint8

const (
	mixAPI      mix = iota // people, roles, services, cross-account
	mixData                // mostly workload roles
	mixSignIn              // console sign-ins
	mixSAML                // sts:AssumeRoleWithSAML
	mixWeb                 // sts:AssumeRoleWithWebIdentity
	mixSTS                 // sts:AssumeRole: roles, users and services
	mixKMS                 // kms crypto: workloads and services calling on their behalf
	mixInternal            // service events: {"accountId","invokedBy":"AWS Internal"}
)

// resource describes one element of "resources"; arn may hold the
// placeholders of api.req.
type resource struct {
	typ, arn string
	owner    bool // write accountId (the owner) into the element
}

// api is one kind of call in the catalogue.
type api struct {
	source, name string
	weight       float64 // relative share of the catalogue's rate
	kind         kind
	global       bool // recorded in us-east-1 whatever the configured regions
	version      string
	mix          mix
	// req and resp are raw JSON with placeholders {acct}, {region}, {n}
	// (variant 0–3), {bucket}, {org}; "" means JSON null.
	req, resp string
	add       string // additionalEventData, "" for absent
	details   string // serviceEventDetails, "" for absent
	resources []resource
	// errors: error series of this API, relative to weight.
	errors []apiError
	// invokers: service principals that call this API as AWSService.
	invokers []string
	// agent, if set, is the user agent of every non-service, non-console
	// caller (an API that only one client calls).
	agent string
}

type apiError struct {
	code  string
	share float64 // fraction of the API's weight
}

// errorMessages are real messages for the error codes the catalogue uses.
// "{arn}" becomes the caller's ARN and "{action}" the IAM action.
var errorMessages = map[string]string{
	"AccessDenied":                           "User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action",
	"AccessDeniedException":                  "User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action",
	"Client.UnauthorizedOperation":           "You are not authorized to perform this operation. User: {arn} is not authorized to perform: {action} because no identity-based policy allows the {action} action.",
	"Client.RequestLimitExceeded":            "Request limit exceeded.",
	"Client.InvalidInstanceID.NotFound":      "The instance ID 'i-0a1b2c3d4e5f60789' does not exist",
	"ThrottlingException":                    "Rate exceeded",
	"Throttling":                             "Rate exceeded",
	"NoSuchEntityException":                  "The role with name AppRole-2 cannot be found.",
	"NoSuchKey":                              "The specified key does not exist.",
	"NoSuchBucket":                           "The specified bucket does not exist",
	"ParameterNotFound":                      "Parameter /app/prod/feature-flags not found.",
	"ResourceNotFoundException":              "Secrets Manager can't find the specified secret.",
	"ProvisionedThroughputExceededException": "The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.",
	"ConditionalCheckFailedException":        "The conditional request failed",
	"InvalidCiphertextException":             "",
	"ValidationException":                    "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null",
	"ExpiredTokenException":                  "The security token included in the request is expired",
	"TooManyRequestsException":               "Rate exceeded",
	"ServiceUnavailableException":            "Service Unavailable",
}

// denyCode is the access-denied error code each service writes.
func denyCode(source string) string {
	switch source {
	case "signin.amazonaws.com":
		return "Failed authentication"
	case "ec2.amazonaws.com":
		return "Client.UnauthorizedOperation"
	case "iam.amazonaws.com", "sts.amazonaws.com", "s3.amazonaws.com", "cloudformation.amazonaws.com",
		"autoscaling.amazonaws.com", "rds.amazonaws.com", "sns.amazonaws.com", "sqs.amazonaws.com",
		"elasticloadbalancing.amazonaws.com", "monitoring.amazonaws.com", "route53.amazonaws.com":
		return "AccessDenied"
	}
	return "AccessDeniedException"
}

// signInMessages are the errorMessages of failed console sign-ins.
var signInMessages = map[string]bool{
	"Failed authentication":                 true,
	"No username found in supplied account": true,
}

// iamService is the IAM action prefix of an event source.
func iamService(source string) string {
	switch source {
	case "monitoring.amazonaws.com":
		return "cloudwatch"
	case "elasticloadbalancing.amazonaws.com":
		return "elasticloadbalancing"
	case "bedrock.amazonaws.com":
		return "bedrock"
	}
	for i := 0; i < len(source); i++ {
		if source[i] == '.' {
			return source[:i]
		}
	}
	return source
}

// iamAction is the IAM action of an event name (Lambda appends API versions).
func iamAction(source, name string) string {
	for _, suffix := range []string{"20150331v2", "20150331"} {
		if len(name) > len(suffix) && name[len(name)-len(suffix):] == suffix {
			name = name[:len(name)-len(suffix)]
		}
	}
	return iamService(source) + ":" + name
}

var (
	s3Object = []resource{
		{typ: "AWS::S3::Object", arn: "arn:aws:s3:::{bucket}/data/2024/03/part-0000{n}.parquet"},
		{typ: "AWS::S3::Bucket", arn: "arn:aws:s3:::{bucket}", owner: true},
	}
	s3Bucket   = []resource{{typ: "AWS::S3::Bucket", arn: "arn:aws:s3:::{bucket}", owner: true}}
	kmsKey     = []resource{{typ: "AWS::KMS::Key", arn: "arn:aws:kms:{region}:{acct}:key/0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70", owner: true}}
	lambdaFunc = []resource{{typ: "AWS::Lambda::Function", arn: "arn:aws:lambda:{region}:{acct}:function:orders-api-{n}", owner: true}}
	ddbTable   = []resource{{typ: "AWS::DynamoDB::Table", arn: "arn:aws:dynamodb:{region}:{acct}:table/orders-{n}", owner: true}}
	iamRole    = []resource{{typ: "AWS::IAM::Role", arn: "arn:aws:iam::{acct}:role/AppRole-{n}", owner: true}}
)

const (
	kmsContext  = `{"encryptionContext":{"aws:s3:arn":"arn:aws:s3:::{bucket}/data/part-0000{n}.parquet"},"encryptionAlgorithm":"SYMMETRIC_DEFAULT"}`
	kmsDataKey  = `{"keyId":"arn:aws:kms:{region}:{acct}:key/0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::{bucket}"},"keySpec":"AES_256"}`
	lambdaQuery = `{"functionName":"arn:aws:lambda:{region}:{acct}:function:orders-api-{n}","invocationType":"RequestResponse"}`
)

// catalogue is the activity mix. Weights are relative shares of the
// configured rate; the rule of thumb is that reads outnumber writes about
// ten to one, as in real accounts.
var catalogue = []api{
	// EC2
	{source: "ec2.amazonaws.com", name: "DescribeInstances", weight: 6, req: `{"instancesSet":{},"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"payments-{n}"}]}}]}}`,
		errors: []apiError{{"Client.RequestLimitExceeded", 0.02}}, invokers: []string{"autoscaling.amazonaws.com", "ssm.amazonaws.com"}},
	{source: "ec2.amazonaws.com", name: "DescribeSecurityGroups", weight: 2, req: `{"securityGroupSet":{},"securityGroupIdSet":{"items":[{"groupId":"sg-0a1b2c3d4e5f6000{n}"}]},"filterSet":{}}`},
	{source: "ec2.amazonaws.com", name: "DescribeVolumes", weight: 1.5, req: `{"volumeSet":{},"filterSet":{},"maxResults":500}`},
	{source: "ec2.amazonaws.com", name: "RunInstances", weight: 0.4,
		req:    `{"instancesSet":{"items":[{"imageId":"ami-0c55b159cbfafe1f{n}","minCount":1,"maxCount":1}]},"instanceType":"m7g.large","blockDeviceMapping":{},"monitoring":{"enabled":false},"disableApiTermination":false,"disableApiStop":false,"clientToken":"fleet-{n}-2f6d"}`,
		resp:   `{"requestId":"5b4d2c1e-7a8f-4e3b-9c6d-0e1f2a3b4c5{n}","reservationId":"r-0d1e2f3a4b5c6d7e{n}","ownerId":"{acct}","groupSet":{},"instancesSet":{"items":[{"instanceId":"i-0a1b2c3d4e5f6078{n}","imageId":"ami-0c55b159cbfafe1f{n}","currentInstanceBoundaryState":{"code":0,"name":"pending"},"instanceType":"m7g.large"}]}}`,
		errors: []apiError{{"Client.UnauthorizedOperation", 0.05}}, invokers: []string{"autoscaling.amazonaws.com"}},
	{source: "ec2.amazonaws.com", name: "TerminateInstances", weight: 0.3,
		req:    `{"instancesSet":{"items":[{"instanceId":"i-0a1b2c3d4e5f6078{n}"}]}}`,
		resp:   `{"requestId":"7c6d5e4f-3a2b-4c1d-8e9f-0a1b2c3d4e5{n}","instancesSet":{"items":[{"instanceId":"i-0a1b2c3d4e5f6078{n}","currentState":{"code":32,"name":"shutting-down"},"previousState":{"code":16,"name":"running"}}]}}`,
		errors: []apiError{{"Client.InvalidInstanceID.NotFound", 0.03}}, invokers: []string{"autoscaling.amazonaws.com"}},
	{source: "ec2.amazonaws.com", name: "CreateTags", weight: 0.8,
		req:  `{"resourcesSet":{"items":[{"resourceId":"i-0a1b2c3d4e5f6078{n}"}]},"tagSet":{"items":[{"key":"team","value":"payments"}]}}`,
		resp: `{"requestId":"1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5{n}","_return":true}`},
	{source: "ec2.amazonaws.com", name: "AuthorizeSecurityGroupIngress", weight: 0.3,
		req:  `{"groupId":"sg-0a1b2c3d4e5f6000{n}","ipPermissions":{"items":[{"ipProtocol":"tcp","fromPort":443,"toPort":443,"groups":{},"ipRanges":{"items":[{"cidrIp":"10.{n}.0.0/16"}]},"ipv6Ranges":{},"prefixListIds":{}}]}}`,
		resp: `{"requestId":"2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6{n}","_return":true}`},
	// S3 management
	{source: "s3.amazonaws.com", name: "ListBuckets", weight: 0.5, version: "1.10", req: `{"Host":"s3.{region}.amazonaws.com"}`},
	{source: "s3.amazonaws.com", name: "GetBucketAcl", weight: 1.5, version: "1.10", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","acl":""}`, resources: s3Bucket,
		add:      `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"Jd8vH2kq7dQy0xYbTnq+3H/fXkQ9Vn0bM1tqP2l8S4m0cKs5e3rUu6w7YzA1B2C{n}=","bytesTransferredOut":560}`,
		invokers: []string{"config.amazonaws.com"}},
	{source: "s3.amazonaws.com", name: "PutBucketPolicy", weight: 0.05, version: "1.10", req: `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::{bucket}/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]},"policy":""}`, resources: s3Bucket},
	// S3 data
	{source: "s3.amazonaws.com", name: "GetObject", weight: 9, kind: kindData, version: "1.10", mix: mixData,
		req:       `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","key":"data/2024/03/part-0000{n}.parquet"}`,
		add:       `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"SSEApplied":"SSE_KMS","AuthenticationMethod":"AuthHeader","x-amz-id-2":"q0b7C9Vf1xk2Rj4m6N8p0R2t4V6x8Z0b2D4f6H8j0L2n4P6r8T0v2X4z6B8d0F{n}=","bytesTransferredOut":184032}`,
		resources: s3Object, errors: []apiError{{"AccessDenied", 0.01}, {"NoSuchKey", 0.02}}, invokers: []string{"athena.amazonaws.com"}},
	{source: "s3.amazonaws.com", name: "PutObject", weight: 4, kind: kindData, version: "1.10", mix: mixData,
		req:       `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","key":"data/2024/03/part-0000{n}.parquet","x-amz-server-side-encryption":"aws:kms"}`,
		resp:      `{"x-amz-server-side-encryption-aws-kms-key-id":"arn:aws:kms:{region}:{acct}:key/0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70","x-amz-server-side-encryption":"aws:kms"}`,
		add:       `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":92871,"SSEApplied":"SSE_KMS","AuthenticationMethod":"AuthHeader","x-amz-id-2":"Zx4vB6nM8qW0eR2tY4uI6oP8aS0dF2gH4jK6lZ8xC0vB2nM4qW6eR8tY0uI2oP{n}=","bytesTransferredOut":0}`,
		resources: s3Object, errors: []apiError{{"AccessDenied", 0.01}}, invokers: []string{"firehose.amazonaws.com"}},
	{source: "s3.amazonaws.com", name: "HeadObject", weight: 2, kind: kindData, version: "1.10", mix: mixData,
		req:       `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","key":"data/2024/03/part-0000{n}.parquet"}`,
		add:       `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"Hn3kP5rT7vX9zB1dF3hJ5lN7pR9tV1xZ3bD5fH7jL9nP1rT3vX5zB7dF9hJ1lN{n}=","bytesTransferredOut":0}`,
		resources: s3Object},
	{source: "s3.amazonaws.com", name: "DeleteObject", weight: 0.3, kind: kindData, version: "1.10", mix: mixData,
		req:       `{"bucketName":"{bucket}","Host":"{bucket}.s3.{region}.amazonaws.com","key":"tmp/upload-{n}.json"}`,
		add:       `{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,"AuthenticationMethod":"AuthHeader","x-amz-id-2":"Pq2wE4rT6yU8iO0pA2sD4fG6hJ8kL0zX2cV4bN6mQ8wE0rT2yU4iO6pA8sD0fG{n}=","bytesTransferredOut":0}`,
		resources: s3Object},
	// IAM (global)
	{source: "iam.amazonaws.com", name: "GetRole", weight: 1.5, global: true, req: `{"roleName":"AppRole-{n}"}`, invokers: []string{"cloudformation.amazonaws.com", "access-analyzer.amazonaws.com"}},
	{source: "iam.amazonaws.com", name: "ListRoles", weight: 0.6, global: true, req: `{"maxItems":1000}`},
	{source: "iam.amazonaws.com", name: "GetRolePolicy", weight: 0.8, global: true, req: `{"roleName":"AppRole-{n}","policyName":"inline-s3-access"}`,
		errors: []apiError{{"NoSuchEntityException", 0.1}}},
	{source: "iam.amazonaws.com", name: "GetUser", weight: 0.3, global: true, req: `{"userName":"deploy-bot"}`},
	{source: "iam.amazonaws.com", name: "CreateRole", weight: 0.03, global: true,
		req:  `{"roleName":"AppRole-{n}","assumeRolePolicyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}"}`,
		resp: `{"role":{"path":"/","roleName":"AppRole-{n}","roleId":"AROAEXAMPLEAPPROLE0{n}","arn":"arn:aws:iam::{acct}:role/AppRole-{n}","createDate":"Mar 5, 2024, 9:16:03 AM","assumeRolePolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%7D"}}`},
	{source: "iam.amazonaws.com", name: "AttachRolePolicy", weight: 0.04, global: true, req: `{"roleName":"AppRole-{n}","policyArn":"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"}`},
	{source: "iam.amazonaws.com", name: "PutRolePolicy", weight: 0.03, global: true, req: `{"roleName":"AppRole-{n}","policyName":"inline-s3-access","policyDocument":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}"}`},
	{source: "iam.amazonaws.com", name: "CreateAccessKey", weight: 0.01, global: true, req: `{"userName":"deploy-bot"}`,
		resp: `{"accessKey":{"userName":"deploy-bot","accessKeyId":"AKIAEXAMPLENEWKEY00{n}","status":"Active","createDate":"Mar 5, 2024, 9:16:03 AM"}}`},
	// STS
	{source: "sts.amazonaws.com", name: "AssumeRole", weight: 5, mix: mixSTS,
		req:       `{"roleArn":"arn:aws:iam::{acct}:role/AppRole-{n}","roleSessionName":"app-session-{n}","durationSeconds":3600}`,
		resp:      `{"credentials":{"accessKeyId":"ASIAEXAMPLESESSION0{n}","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLETOKEN{n}","expiration":"Mar 5, 2024, 10:16:03 AM"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLEAPPROLE0{n}:app-session-{n}","arn":"arn:aws:sts::{acct}:assumed-role/AppRole-{n}/app-session-{n}"}}`,
		resources: iamRole, errors: []apiError{{"AccessDenied", 0.01}}, invokers: []string{"lambda.amazonaws.com", "ecs-tasks.amazonaws.com", "ec2.amazonaws.com"}},
	{source: "sts.amazonaws.com", name: "GetCallerIdentity", weight: 2, req: ``},
	{source: "sts.amazonaws.com", name: "AssumeRoleWithWebIdentity", weight: 0.8, mix: mixWeb,
		req:       `{"roleArn":"arn:aws:iam::{acct}:role/eks-pod-role-{n}","roleSessionName":"botocore-session-171{n}","durationSeconds":3600}`,
		resp:      `{"credentials":{"accessKeyId":"ASIAEXAMPLEWEBID000{n}","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLEWEB{n}","expiration":"Mar 5, 2024, 10:16:03 AM"},"subjectFromWebIdentityToken":"system:serviceaccount:payments:api","assumedRoleUser":{"assumedRoleId":"AROAEXAMPLEPODROLE0{n}:botocore-session-171{n}","arn":"arn:aws:sts::{acct}:assumed-role/eks-pod-role-{n}/botocore-session-171{n}"},"provider":"arn:aws:iam::{acct}:oidc-provider/oidc.eks.{region}.amazonaws.com/id/5C2D8F0A9B7E6D4C3B2A1F0E9D8C7B6{n}","audience":"sts.amazonaws.com"}`,
		resources: []resource{{typ: "AWS::IAM::Role", arn: "arn:aws:iam::{acct}:role/eks-pod-role-{n}", owner: true}}, errors: []apiError{{"ExpiredTokenException", 0.01}}},
	{source: "sts.amazonaws.com", name: "AssumeRoleWithSAML", weight: 0.1, global: true, mix: mixSAML,
		req:       `{"sAMLAssertionID":"_c0046ce3-9b7e-4d2a-8f1c-3e5d7b9a1c2{n}","roleSessionName":"jane.doe@example.com","principalArn":"arn:aws:iam::{acct}:saml-provider/CorpIdP","roleArn":"arn:aws:iam::{acct}:role/SAML-Engineers","durationSeconds":3600}`,
		resp:      `{"credentials":{"accessKeyId":"ASIAEXAMPLESAML0000{n}","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLESAML{n}","expiration":"Mar 5, 2024, 10:16:03 AM"},"assumedRoleUser":{"assumedRoleId":"AROAEXAMPLESAMLROLE{n}:jane.doe@example.com","arn":"arn:aws:sts::{acct}:assumed-role/SAML-Engineers/jane.doe@example.com"},"subject":"jane.doe@example.com","subjectType":"persistent","issuer":"https://idp.example.com/saml","audience":"https://signin.aws.amazon.com/saml","nameQualifier":"SbdGOnUkh1i4+EXAMPLExL/jEvs="}`,
		resources: []resource{{typ: "AWS::IAM::Role", arn: "arn:aws:iam::{acct}:role/SAML-Engineers", owner: true}}},
	// KMS
	{source: "kms.amazonaws.com", name: "Decrypt", weight: 6, mix: mixKMS, req: kmsContext, resources: kmsKey,
		errors: []apiError{{"AccessDeniedException", 0.005}, {"ThrottlingException", 0.005}}, invokers: []string{"s3.amazonaws.com", "secretsmanager.amazonaws.com", "ssm.amazonaws.com"}},
	{source: "kms.amazonaws.com", name: "GenerateDataKey", weight: 3, mix: mixKMS, req: kmsDataKey, resources: kmsKey, invokers: []string{"s3.amazonaws.com", "dynamodb.amazonaws.com"}},
	{source: "kms.amazonaws.com", name: "Encrypt", weight: 1, mix: mixKMS, req: kmsDataKey, resources: kmsKey},
	{source: "kms.amazonaws.com", name: "DescribeKey", weight: 0.8, req: `{"keyId":"alias/app-data-{n}"}`, resources: kmsKey},
	{source: "kms.amazonaws.com", name: "CreateKey", weight: 0.01, req: `{"keySpec":"SYMMETRIC_DEFAULT","keyUsage":"ENCRYPT_DECRYPT","description":"app data key {n}"}`,
		resp: `{"keyMetadata":{"aWSAccountId":"{acct}","keyId":"0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70","arn":"arn:aws:kms:{region}:{acct}:key/0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70","creationDate":"Mar 5, 2024, 9:16:03 AM","enabled":true,"keyUsage":"ENCRYPT_DECRYPT","keyState":"Enabled","origin":"AWS_KMS","keyManager":"CUSTOMER","keySpec":"SYMMETRIC_DEFAULT","multiRegion":false}}`},
	{source: "kms.amazonaws.com", name: "ScheduleKeyDeletion", weight: 0.005, req: `{"keyId":"0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70","pendingWindowInDays":30}`, resources: kmsKey},
	{source: "kms.amazonaws.com", name: "RotateKey", weight: 0.005, kind: kindService, mix: mixInternal, resources: kmsKey,
		details: `{"keyId":"0f3c6a9e-51b2-4d8e-9c7a-{n}b5e2d1c4a70"}`},
	// Lambda
	{source: "lambda.amazonaws.com", name: "Invoke", weight: 4, kind: kindData, mix: mixData, req: lambdaQuery, resources: lambdaFunc,
		add: `{"functionVersion":"arn:aws:lambda:{region}:{acct}:function:orders-api-{n}:$LATEST"}`, errors: []apiError{{"TooManyRequestsException", 0.01}},
		invokers: []string{"apigateway.amazonaws.com", "events.amazonaws.com", "sqs.amazonaws.com"}},
	{source: "lambda.amazonaws.com", name: "ListFunctions20150331", weight: 0.4, req: ``},
	{source: "lambda.amazonaws.com", name: "GetFunction20150331v2", weight: 0.4, req: `{"functionName":"orders-api-{n}"}`},
	{source: "lambda.amazonaws.com", name: "UpdateFunctionCode20150331v2", weight: 0.08,
		req:  `{"functionName":"orders-api-{n}","publish":false,"dryRun":false}`,
		resp: `{"functionName":"orders-api-{n}","functionArn":"arn:aws:lambda:{region}:{acct}:function:orders-api-{n}","runtime":"provided.al2023","role":"arn:aws:iam::{acct}:role/AppRole-{n}","handler":"bootstrap","codeSize":8421376,"timeout":30,"memorySize":512,"lastModified":"2024-03-05T09:16:03.000+0000","version":"$LATEST","state":"Pending","lastUpdateStatus":"InProgress"}`},
	// DynamoDB
	{source: "dynamodb.amazonaws.com", name: "GetItem", weight: 5, kind: kindData, version: "1.09", mix: mixData,
		req: `{"tableName":"orders-{n}","key":{"pk":"ORDER#8f2c{n}","sk":"v0"},"consistentRead":false}`, resources: ddbTable,
		errors: []apiError{{"ProvisionedThroughputExceededException", 0.01}}},
	{source: "dynamodb.amazonaws.com", name: "PutItem", weight: 2, kind: kindData, version: "1.09", mix: mixData,
		req: `{"tableName":"orders-{n}","key":{"pk":"ORDER#8f2c{n}","sk":"v0"}}`, resources: ddbTable,
		errors: []apiError{{"ConditionalCheckFailedException", 0.03}}},
	{source: "dynamodb.amazonaws.com", name: "Query", weight: 2, kind: kindData, version: "1.09", mix: mixData,
		req: `{"tableName":"orders-{n}","indexName":"by-customer","limit":50,"consistentRead":false,"scanIndexForward":true,"select":"ALL_ATTRIBUTES"}`, resources: ddbTable},
	{source: "dynamodb.amazonaws.com", name: "DescribeTable", weight: 0.8, version: "1.09", req: `{"tableName":"orders-{n}"}`, resources: ddbTable},
	{source: "dynamodb.amazonaws.com", name: "UpdateTable", weight: 0.02, version: "1.09", req: `{"tableName":"orders-{n}","billingMode":"PAY_PER_REQUEST"}`, resources: ddbTable},
	// CloudTrail
	{source: "cloudtrail.amazonaws.com", name: "LookupEvents", weight: 0.3, req: `{"maxResults":50,"lookupAttributes":[{"attributeKey":"EventName","attributeValue":"ConsoleLogin"}]}`},
	{source: "cloudtrail.amazonaws.com", name: "DescribeTrails", weight: 0.2, req: `{"includeShadowTrails":true}`, invokers: []string{"config.amazonaws.com", "securityhub.amazonaws.com"}},
	{source: "cloudtrail.amazonaws.com", name: "PutEventSelectors", weight: 0.005, req: `{"trailName":"org-trail","eventSelectors":[{"readWriteType":"All","includeManagementEvents":true,"dataResources":[],"excludeManagementEventSources":[]}]}`},
	// CloudWatch Logs and CloudWatch
	{source: "logs.amazonaws.com", name: "CreateLogStream", weight: 1.5, req: `{"logGroupName":"/aws/lambda/orders-api-{n}","logStreamName":"2024/03/05/[$LATEST]7c3e9a1b5d2f4e6a8c0b1d3f5e7a9c{n}"}`, invokers: []string{"lambda.amazonaws.com"}},
	{source: "logs.amazonaws.com", name: "DescribeLogGroups", weight: 0.6, req: `{"logGroupNamePrefix":"/aws/lambda/"}`},
	{source: "logs.amazonaws.com", name: "PutRetentionPolicy", weight: 0.01, req: `{"logGroupName":"/aws/lambda/orders-api-{n}","retentionInDays":30}`},
	{source: "monitoring.amazonaws.com", name: "GetMetricData", weight: 2, req: `{"metricDataQueries":[{"id":"m{n}","metricStat":{"metric":{"namespace":"AWS/Lambda","metricName":"Errors"},"period":60,"stat":"Sum"}}],"startTime":"Mar 5, 2024, 8:16:00 AM","endTime":"Mar 5, 2024, 9:16:00 AM"}`,
		errors: []apiError{{"Throttling", 0.01}}, invokers: []string{"grafana.amazonaws.com"}},
	{source: "monitoring.amazonaws.com", name: "DescribeAlarms", weight: 0.8, req: `{"maxRecords":100}`},
	{source: "monitoring.amazonaws.com", name: "PutMetricAlarm", weight: 0.05, req: `{"alarmName":"orders-api-{n}-errors","metricName":"Errors","namespace":"AWS/Lambda","statistic":"Sum","period":60,"evaluationPeriods":5,"threshold":1.0,"comparisonOperator":"GreaterThanOrEqualToThreshold"}`},
	// SSM
	{source: "ssm.amazonaws.com", name: "GetParameter", weight: 3, req: `{"name":"/app/prod/feature-flags-{n}","withDecryption":true}`, errors: []apiError{{"ParameterNotFound", 0.02}, {"ThrottlingException", 0.01}}},
	{source: "ssm.amazonaws.com", name: "GetParameters", weight: 1, req: `{"names":["/app/prod/db-host","/app/prod/db-port-{n}"],"withDecryption":true}`},
	{source: "ssm.amazonaws.com", name: "PutParameter", weight: 0.15, req: `{"name":"/ci/build-number-{n}","type":"String","overwrite":true}`, resp: `{"version":4{n},"tier":"Standard"}`},
	{source: "ssm.amazonaws.com", name: "UpdateInstanceInformation", weight: 1.5, req: `{"instanceId":"i-0a1b2c3d4e5f6078{n}","agentVersion":"3.3.40.0","agentStatus":"Active","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023","iPAddress":"10.0.{n}.15","computerName":"ip-10-0-{n}-15.ec2.internal","agentName":"amazon-ssm-agent","availabilityZone":"{region}a"}`,
		agent: agentSSMAgent},
	{source: "ssm.amazonaws.com", name: "SendCommand", weight: 0.1, req: `{"instanceIds":["i-0a1b2c3d4e5f6078{n}"],"documentName":"AWS-RunShellScript","parameters":"HIDDEN_DUE_TO_SECURITY_REASONS","interactive":false}`,
		resp: `{"command":{"commandId":"3f6b9c1e-2d4a-4e7b-8c9d-0a1b2c3d4e5{n}","documentName":"AWS-RunShellScript","status":"Pending","targetCount":1}}`},
	// Secrets Manager
	{source: "secretsmanager.amazonaws.com", name: "GetSecretValue", weight: 2.5, req: `{"secretId":"prod/orders/db-{n}"}`, resources: nil,
		errors: []apiError{{"ResourceNotFoundException", 0.01}, {"AccessDeniedException", 0.01}}, invokers: []string{"lambda.amazonaws.com", "rds.amazonaws.com"}},
	{source: "secretsmanager.amazonaws.com", name: "PutSecretValue", weight: 0.05, req: `{"secretId":"prod/orders/db-{n}","clientRequestToken":"7d2e4f6a-8b0c-4d2e-9f1a-3b5c7d9e1f2{n}"}`,
		resp: `{"arn":"arn:aws:secretsmanager:{region}:{acct}:secret:prod/orders/db-{n}-AbCdEf","name":"prod/orders/db-{n}","versionId":"7d2e4f6a-8b0c-4d2e-9f1a-3b5c7d9e1f2{n}","versionStages":["AWSCURRENT"]}`},
	{source: "secretsmanager.amazonaws.com", name: "RotateSecret", weight: 0.01, req: `{"secretId":"prod/orders/db-{n}","rotateImmediately":true}`},
	// SQS and SNS (management)
	{source: "sqs.amazonaws.com", name: "ListQueues", weight: 0.4, req: `{"queueNamePrefix":"orders"}`},
	{source: "sqs.amazonaws.com", name: "GetQueueAttributes", weight: 1, req: `{"queueUrl":"https://sqs.{region}.amazonaws.com/{acct}/orders-{n}","attributeNames":["All"]}`},
	{source: "sqs.amazonaws.com", name: "SetQueueAttributes", weight: 0.03, req: `{"queueUrl":"https://sqs.{region}.amazonaws.com/{acct}/orders-{n}","attributes":{"VisibilityTimeout":"60"}}`},
	{source: "sns.amazonaws.com", name: "ListTopics", weight: 0.3, req: ``},
	{source: "sns.amazonaws.com", name: "Subscribe", weight: 0.03, req: `{"topicArn":"arn:aws:sns:{region}:{acct}:alerts-{n}","protocol":"sqs","endpoint":"arn:aws:sqs:{region}:{acct}:orders-{n}","returnSubscriptionArn":true}`,
		resp: `{"subscriptionArn":"arn:aws:sns:{region}:{acct}:alerts-{n}:4c1e7a9b-3d5f-4b2a-8c6e-0f1a2b3c4d5{n}"}`},
	// RDS, ECS, EKS, ELB, Auto Scaling, CloudFormation, ECR
	{source: "rds.amazonaws.com", name: "DescribeDBInstances", weight: 1, req: `{"dBInstanceIdentifier":"orders-db-{n}"}`, invokers: []string{"monitoring.rds.amazonaws.com"}},
	{source: "rds.amazonaws.com", name: "CreateDBSnapshot", weight: 0.03, req: `{"dBSnapshotIdentifier":"orders-db-{n}-manual-20240305","dBInstanceIdentifier":"orders-db-{n}"}`},
	{source: "ecs.amazonaws.com", name: "DescribeTasks", weight: 1, req: `{"cluster":"prod","tasks":["arn:aws:ecs:{region}:{acct}:task/prod/0f1e2d3c4b5a69788796a5b4c3d2e1f{n}"]}`},
	{source: "ecs.amazonaws.com", name: "RunTask", weight: 0.2, req: `{"cluster":"prod","taskDefinition":"orders-worker:4{n}","count":1,"launchType":"FARGATE"}`, invokers: []string{"events.amazonaws.com"}},
	{source: "ecs.amazonaws.com", name: "UpdateService", weight: 0.05, req: `{"cluster":"prod","service":"orders-api-{n}","desiredCount":6,"forceNewDeployment":true}`},
	{source: "eks.amazonaws.com", name: "DescribeCluster", weight: 0.5, req: `{"name":"prod-{n}"}`},
	{source: "elasticloadbalancing.amazonaws.com", name: "DescribeTargetHealth", weight: 1, req: `{"targetGroupArn":"arn:aws:elasticloadbalancing:{region}:{acct}:targetgroup/orders-{n}/9f8e7d6c5b4a3921"}`},
	{source: "elasticloadbalancing.amazonaws.com", name: "RegisterTargets", weight: 0.15, req: `{"targetGroupArn":"arn:aws:elasticloadbalancing:{region}:{acct}:targetgroup/orders-{n}/9f8e7d6c5b4a3921","targets":[{"id":"10.0.{n}.42","port":8080}]}`, invokers: []string{"ecs.amazonaws.com"}},
	{source: "autoscaling.amazonaws.com", name: "DescribeAutoScalingGroups", weight: 0.8, req: `{"autoScalingGroupNames":["workers-{n}"]}`},
	{source: "autoscaling.amazonaws.com", name: "CompleteLifecycleAction", weight: 0.08, req: `{"lifecycleHookName":"drain-{n}","autoScalingGroupName":"workers-{n}","lifecycleActionResult":"CONTINUE","instanceId":"i-0a1b2c3d4e5f6078{n}"}`},
	{source: "cloudformation.amazonaws.com", name: "DescribeStacks", weight: 0.8, req: `{"stackName":"orders-{n}"}`},
	{source: "cloudformation.amazonaws.com", name: "UpdateStack", weight: 0.02, req: `{"stackName":"orders-{n}","templateURL":"https://s3.{region}.amazonaws.com/{bucket}/templates/orders.yaml","capabilities":["CAPABILITY_IAM"]}`,
		resp: `{"stackId":"arn:aws:cloudformation:{region}:{acct}:stack/orders-{n}/4e5f6a70-daf1-11ee-9b2c-0a1b2c3d4e5{n}"}`},
	{source: "ecr.amazonaws.com", name: "GetAuthorizationToken", weight: 1.5, req: ``, invokers: []string{"ecs-tasks.amazonaws.com"}},
	{source: "ecr.amazonaws.com", name: "PutImage", weight: 0.05, req: `{"repositoryName":"orders-api","imageTag":"git-4f2c9{n}","registryId":"{acct}"}`},
	// Route 53, Organizations (global)
	{source: "route53.amazonaws.com", name: "ListHostedZones", weight: 0.2, global: true, req: ``},
	{source: "route53.amazonaws.com", name: "ChangeResourceRecordSets", weight: 0.03, global: true, req: `{"hostedZoneId":"Z0123456789ABCDEFGH{n}","changeBatch":{"changes":[{"action":"UPSERT","resourceRecordSet":{"name":"api{n}.example.com","type":"A","tTL":60,"resourceRecords":[{"value":"192.0.2.{n}"}]}}]}}`,
		resp: `{"changeInfo":{"id":"/change/C0123456789ABCDEFGH{n}","status":"PENDING","submittedAt":"Mar 5, 2024, 9:16:03 AM"}}`},
	{source: "organizations.amazonaws.com", name: "DescribeOrganization", weight: 0.1, global: true, req: ``,
		resp: `{"organization":{"id":"{org}","arn":"arn:aws:organizations::{acct}:organization/{org}","featureSet":"ALL","masterAccountArn":"arn:aws:organizations::{acct}:account/{org}/{acct}","masterAccountId":"{acct}","masterAccountEmail":"aws-root@example.com","availablePolicyTypes":[{"type":"SERVICE_CONTROL_POLICY","status":"ENABLED"}]}}`},
	// Athena, Bedrock, GuardDuty, Config
	{source: "athena.amazonaws.com", name: "StartQueryExecution", weight: 0.2, req: `{"queryString":"SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1","queryExecutionContext":{"database":"audit"},"workGroup":"primary"}`,
		resp: `{"queryExecutionId":"8c1d3e5f-7a9b-4c2d-8e0f-1a3b5c7d9e0{n}"}`},
	{source: "athena.amazonaws.com", name: "GetQueryExecution", weight: 0.8, req: `{"queryExecutionId":"8c1d3e5f-7a9b-4c2d-8e0f-1a3b5c7d9e0{n}"}`},
	{source: "bedrock.amazonaws.com", name: "InvokeModel", weight: 0.4, req: `{"modelId":"anthropic.claude-3-haiku-20240307-v1:0"}`},
	{source: "guardduty.amazonaws.com", name: "ListDetectors", weight: 0.2, req: `{"maxResults":50}`, invokers: []string{"securityhub.amazonaws.com"}},
	{source: "config.amazonaws.com", name: "PutEvaluations", weight: 0.6, req: `{"evaluations":[{"complianceResourceType":"AWS::S3::Bucket","complianceResourceId":"{bucket}","complianceType":"COMPLIANT","orderingTimestamp":"Mar 5, 2024, 9:00:00 AM"}],"resultToken":"HIDDEN_DUE_TO_SECURITY_REASONS","testMode":false}`, invokers: []string{"config.amazonaws.com"}},
	// Console sign-in (global: signin events of the global endpoint land in us-east-1)
	{source: "signin.amazonaws.com", name: "ConsoleLogin", weight: 0.15, kind: kindSignIn, global: true, mix: mixSignIn},
	// Service event: S3 Batch Operations job status
	{source: "s3.amazonaws.com", name: "JobStatusChanged", weight: 0.003, kind: kindService, version: "1.10", mix: mixInternal,
		details: `{"jobId":"d6e58ec4-897a-4b6d-975f-10d7f0fb63c{n}","jobArn":"arn:aws:s3:{region}:{acct}:job/d6e58ec4-897a-4b6d-975f-10d7f0fb63c{n}","status":"Complete","jobEventId":"b268784cf0a66749f1a05bce259804f{n}","failureCodes":[],"statusChangeReason":[]}`},
}
