package s3store_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"os"
	"time"

	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailkit/trailkit/aws/s3store"
	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/logfile"
)

// Writing a trail to S3 and validating it from S3. One process writes the
// log files of every account and Region it serves and owns the digest
// chain of each (account, Region) for its trail. The example needs a
// server, so it is compiled but not run; TestEndToEnd runs the same steps
// against moto_server.
func Example() {
	ctx := context.Background()
	client, err := s3store.NewClient(ctx, s3store.Endpoint{
		URL:             "http://127.0.0.1:9000", // an S3-compatible server; empty for AWS
		Region:          "us-east-1",
		PathStyle:       true,
		AccessKeyID:     os.Getenv("S3_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("S3_SECRET_ACCESS_KEY"),
	})
	if err != nil {
		log.Fatal(err)
	}
	store, err := s3store.New(client, s3store.Options{Encryption: s3store.EncryptionS3})
	if err != nil {
		log.Fatal(err)
	}

	const bucket, account, trail = "audit-bucket", "111122223333", "audit-web-1"
	w, err := logfile.NewWriter(store, logfile.WriterOptions{Location: logfile.Location{Bucket: bucket}})
	if err != nil {
		log.Fatal(err)
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048) // in production: a key you keep
	if err != nil {
		log.Fatal(err)
	}
	chain, err := digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket}, Account: account, Region: "us-east-1", Trail: trail, HomeRegion: "us-east-1"},
		Signer:      key, // any crypto.Signer with an RSA key (a KMS key, say)
		Store:       store,
	})
	if err != nil {
		log.Fatal(err)
	}
	// Continue the chain stored before a restart, and digest the log files
	// a crash left out of it.
	if _, err := chain.Resume(ctx, account, "us-east-1"); err != nil {
		log.Fatal(err)
	}
	w.Subscribe(chain.Add)

	// … w.Write(ctx, record) from any goroutine; call chain.Tick every minute …

	start := time.Now()
	if err := w.Close(ctx); err != nil {
		log.Fatal(err) // the batches are kept: retry Close
	}
	if err := chain.Close(ctx); err != nil {
		log.Fatal(err)
	}

	// The public key as the digests name it (fingerprint of the PKCS#1 DER).
	pub, err := digest.ParsePublicKey(x509.MarshalPKCS1PublicKey(&key.PublicKey))
	if err != nil {
		log.Fatal(err)
	}
	keys := &digest.KeyRing{}
	keys.Add(pub)
	report, err := digest.Validate(ctx, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket}},
		TrailARN:    "arn:aws:cloudtrail:us-east-1:" + account + ":trail/" + trail,
		Start:       start.Add(-time.Hour),
		Keys:        keys,
	})
	if err != nil {
		log.Fatal(err)
	}
	awscli.WriteText(os.Stdout, os.Stderr, report, awscli.Options{Verbose: true})
}

// New checks the options before any request: a KMS key only goes with
// SSE-KMS, which a KMSKeyID alone selects.
func ExampleNew() {
	client := awss3.New(awss3.Options{Region: "us-east-1"})
	_, err := s3store.New(client, s3store.Options{Encryption: s3store.EncryptionS3, KMSKeyID: "alias/trail"})
	fmt.Println(errors.Is(err, s3store.ErrOptions))
	_, err = s3store.New(client, s3store.Options{KMSKeyID: "alias/trail"})
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}
