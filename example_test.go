package trailkit_test

import (
	"context"
	crand "crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"fmt"
	"math/rand/v2"
	"os"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

// The whole path: a service builds an event, a Writer stores it as a gzip log
// file under CloudTrail's key, a Chain signs an hourly digest over the
// delivered file, and Validate walks the chain as aws cloudtrail
// validate-logs does. The clock and the random sources are fixed so the
// output is stable; a service would leave them unset.
func Example() {
	ctx := context.Background()
	now := time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	store := logfile.NewMemStore()

	// An event, as a service emits it: the builder fills eventVersion,
	// eventID, eventTime, eventType, eventCategory, managementEvent,
	// recipientAccountId and readOnly (PutParameter is a write).
	b := event.Builder{Now: clock, NewID: func() string { return "6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65" }}
	rec := b.APICall(event.Record{
		UserIdentity: &event.UserIdentity{
			Type: event.IdentityIAMUser, PrincipalID: "AIDAEXAMPLEUSER00001",
			ARN: "arn:aws:iam::111122223333:user/ci", AccountID: "111122223333", UserName: "ci",
		},
		EventSource: "ssm.amazonaws.com", EventName: "PutParameter", AWSRegion: "eu-west-1",
		SourceIPAddress: "198.51.100.23", UserAgent: "aws-cli/2.15.0",
		RequestParameters: []byte(`{"name":"/ci/build-number","type":"String"}`),
	})
	line, _ := rec.MarshalJSON()
	fmt.Println(string(line))

	// A digest chain for (account, Region, trail), subscribed to the writer.
	key, _ := rsa.GenerateKey(crand.Reader, 2048) // in production: a key you keep
	chain, _ := digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "audit-bucket"}, Account: "111122223333", Region: "eu-west-1", Trail: "audit", HomeRegion: "eu-west-1"},
		Signer:      key, // any crypto.Signer with an RSA key
		Store:       store,
		Now:         clock,
	})
	w, _ := logfile.NewWriter(store, logfile.WriterOptions{ManualTick: true,
		Location: logfile.Location{Bucket: "audit-bucket"},
		Now:      clock,
		Rand:     rand.NewChaCha8([32]byte{1}),
	})
	w.Subscribe(chain.Add)
	start := now
	_ = w.Write(ctx, rec)
	now = now.Add(5 * time.Minute)
	_ = w.Flush(ctx) // delivers the log file at 09:05
	now = now.Add(time.Hour)
	_ = chain.Tick(ctx) // the hourly digest covering it
	_ = w.Close(ctx)
	_ = chain.Close(ctx) // the final digest

	// Validate the chain from the store, offline.
	// Its public key, fingerprinted as the digests name it (PKCS#1 DER).
	pub, _ := digest.ParsePublicKey(x509.MarshalPKCS1PublicKey(&key.PublicKey))
	var keys digest.KeyRing
	keys.Add(pub)
	report, err := digest.Validate(ctx, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "audit-bucket"}},
		TrailARN:    "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit",
		Start:       start,
		End:         now,
		Keys:        &keys,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = awscli.WriteText(os.Stdout, os.Stdout, report, awscli.Options{Verbose: true})
	fmt.Println("valid:", report.OK())
	// Output:
	// {"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDAEXAMPLEUSER00001","arn":"arn:aws:iam::111122223333:user/ci","accountId":"111122223333","userName":"ci"},"eventTime":"2024-03-05T09:00:00Z","eventSource":"ssm.amazonaws.com","eventName":"PutParameter","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.23","userAgent":"aws-cli/2.15.0","requestParameters":{"name":"/ci/build-number","type":"String"},"responseElements":null,"eventID":"6c2d9b7e-1f3a-4e58-8c21-9b0e7d4a3f65","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"111122223333","eventCategory":"Management"}
	// Validating log files for trail arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit between 2024-03-05T09:00:00Z and 2024-03-05T10:05:00Z
	//
	// Digest file	s3://audit-bucket/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/03/05/111122223333_CloudTrail-Digest_eu-west-1_audit_eu-west-1_20240305T100500Z.json.gz	valid
	// Digest file	s3://audit-bucket/AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/03/05/111122223333_CloudTrail-Digest_eu-west-1_audit_eu-west-1_20240305T100000Z.json.gz	valid
	// Log file	s3://audit-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/111122223333_CloudTrail_eu-west-1_20240305T0905Z_ss6BRDvbw8P1oSYJ.json.gz	valid
	//
	// Results requested for 2024-03-05T09:00:00Z to 2024-03-05T10:05:00Z
	// Results found for 2024-03-05T09:00:00Z to 2024-03-05T10:05:00Z:
	//
	// 2/2 digest files valid
	// 1/1 log files valid
	// valid: true
}
