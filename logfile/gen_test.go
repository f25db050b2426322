package logfile

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Test records come from this small generator rather than event/eventtest,
// so that logfile's tests do not depend on the generator's evolution. The
// records look like typical management events: about 1 KB of JSON each.

var (
	genAccounts = []string{"111122223333", "444455556666"}
	genRegions  = []string{"us-east-1", "eu-west-1", "ap-southeast-2"}
	genAPIs     = []struct{ source, name string }{
		{"ec2.amazonaws.com", "DescribeInstances"}, {"s3.amazonaws.com", "GetBucketAcl"},
		{"iam.amazonaws.com", "CreateRole"}, {"sts.amazonaws.com", "AssumeRole"},
		{"lambda.amazonaws.com", "Invoke"}, {"kms.amazonaws.com", "Decrypt"},
		{"dynamodb.amazonaws.com", "PutItem"}, {"logs.amazonaws.com", "PutLogEvents"},
	}
	genAgents = []string{
		"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.0 exe/x86_64.ubuntu.22 prompt/off command/ec2.describe-instances",
		"Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.12.2 cfg/retry-mode#legacy Botocore/1.34.69",
		"aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/s3#1.53.1",
		"console.amazonaws.com",
	}
)

// genRecord returns record number i: deterministic for (seed, i).
func genRecord(seed uint64, i int, account, region string, t time.Time) *event.Record {
	rng := rand.New(rand.NewPCG(seed, uint64(i)))
	api := genAPIs[rng.IntN(len(genAPIs))]
	ro := api.name[:3] == "Get" || api.name[:3] == "Des"
	mgmt := true
	user := fmt.Sprintf("user-%03d", rng.IntN(200))
	r := &event.Record{
		EventVersion: "1.09",
		UserIdentity: &event.UserIdentity{
			Type: event.IdentityType("AssumedRole"), PrincipalID: "AROAEXAMPLEID:" + user,
			ARN:       "arn:aws:sts::" + account + ":assumed-role/Admin/" + user,
			AccountID: account, AccessKeyID: fmt.Sprintf("ASIA%016d", rng.Uint64()%1e16),
			SessionContext: &event.SessionContext{
				SessionIssuer: &event.SessionIssuer{Type: "Role", PrincipalID: "AROAEXAMPLEID",
					ARN: "arn:aws:iam::" + account + ":role/Admin", AccountID: account, UserName: "Admin"},
				WebIDFederationData: &event.WebIDFederationData{},
				Attributes: &event.SessionAttributes{CreationDate: t.Add(-time.Hour).UTC().Format("2006-01-02T15:04:05Z"),
					MFAAuthenticated: "false"},
			},
		},
		EventTime:          t.UTC().Truncate(time.Second),
		EventSource:        api.source,
		EventName:          api.name,
		AWSRegion:          region,
		SourceIPAddress:    fmt.Sprintf("198.51.100.%d", rng.IntN(255)),
		UserAgent:          genAgents[rng.IntN(len(genAgents))],
		RequestParameters:  json.RawMessage(fmt.Sprintf(`{"maxResults":%d,"filterSet":{"items":[{"name":"tag:team","valueSet":{"items":[{"value":"team-%d"}]}}]}}`, rng.IntN(1000), rng.IntN(50))),
		ResponseElements:   json.RawMessage("null"),
		RequestID:          fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", rng.Uint32(), rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint32()&0xffff, rng.Uint64()&0xffffffffffff),
		EventID:            fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012d", seed&0xffffffff, (i>>16)&0xffff, i&0xfff, (i>>12)&0xf, i),
		ReadOnly:           &ro,
		EventType:          event.AwsAPICall,
		ManagementEvent:    &mgmt,
		RecipientAccountID: account,
		EventCategory:      event.CategoryManagement,
		TLSDetails: &event.TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256",
			ClientProvidedHostHeader: api.source[:len(api.source)-len(".amazonaws.com")] + "." + region + ".amazonaws.com"},
	}
	return r
}

// genStream returns n records spread over the test accounts and Regions, with
// eventTimes from t0 on, one per 10 ms.
func genStream(seed uint64, n int, t0 time.Time) []*event.Record {
	out := make([]*event.Record, n)
	for i := range out {
		acct := genAccounts[i%len(genAccounts)]
		reg := genRegions[(i/len(genAccounts))%len(genRegions)]
		out[i] = genRecord(seed, i, acct, reg, t0.Add(time.Duration(i)*10*time.Millisecond))
	}
	return out
}
