package digest_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/logfile"
)

func ExampleChain() {
	ctx := context.Background()
	store := logfile.NewMemStore()
	key, _ := rsa.GenerateKey(rand.Reader, 2048) // any crypto.Signer: a KMS or HSM key too
	now := time.Date(2024, 3, 5, 9, 17, 42, 0, time.UTC)
	chain, _ := digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "example-trail-bucket"}, Account: "444455556666", Region: "eu-west-1", Trail: "org-audit", HomeRegion: "us-east-1"},
		Signer:      key,
		Store:       store,
		Now:         func() time.Time { return now },
	})
	now = now.Add(25 * time.Minute)
	chain.Add(logfile.Delivery{Bucket: "example-trail-bucket", Kind: logfile.KindLog, Account: "444455556666", Region: "eu-west-1",
		Key:         "AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/05/444455556666_CloudTrail_eu-west-1_20240305T0942Z_Q3xv9LmA0bTz7KpE.json.gz",
		DeliveredAt: now, OldestEventTime: now.Add(-4 * time.Minute), NewestEventTime: now.Add(-time.Minute)})
	now = now.Add(2 * time.Hour) // the first hour has a file, the second is quiet
	if err := chain.Tick(ctx); err != nil {
		fmt.Println(err)
	}
	for key := range store.List(ctx, "example-trail-bucket", "", "") {
		fmt.Println(key)
	}
	// Output:
	// AWSLogs/444455556666/CloudTrail-Digest/eu-west-1/2024/03/05/444455556666_CloudTrail-Digest_eu-west-1_org-audit_us-east-1_20240305T101742Z.json.gz
	// AWSLogs/444455556666/CloudTrail-Digest/eu-west-1/2024/03/05/444455556666_CloudTrail-Digest_eu-west-1_org-audit_us-east-1_20240305T111742Z.json.gz
}
