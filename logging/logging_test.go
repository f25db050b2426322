package logging_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logging"
)

func record(i int) *event.Record {
	var b event.Builder
	return b.APICall(event.Record{
		UserIdentity: &event.UserIdentity{Type: event.IdentityIAMUser, UserName: "alice", AccountID: "111122223333"},
		EventSource:  "notes.example.com", EventName: "PutNote", AWSRegion: "eu-west-1", SourceIPAddress: "192.0.2.1",
		RequestID: fmt.Sprintf("req-%d", i), RecipientAccountID: "111122223333",
	})
}

// TestStartStopRestart: two runs of a trail (Start, writes, Stop) leave
// every record in a log file and a chain that passes the strict checks,
// with no file outside a digest and none listed twice.
func TestStartStopRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := logfile.NewDirStore(dir, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile("../digest/testdata/testkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	cfg := logging.Options{Store: store, DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "audit-bucket"}, Trail: "notes", Account: "111122223333", Region: "eu-west-1"},
		SigningKeyPEM: key, SpoolDir: t.TempDir(), Sync: logfile.SyncInterval, SyncInterval: time.Millisecond,
		DigestInterval: time.Second, MaxAge: 100 * time.Millisecond}
	start := time.Now().Add(-time.Minute)
	n := 0
	for run := range 2 {
		tr, err := logging.Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		for range 50 {
			if err := tr.Write(ctx, record(n)); err != nil {
				t.Fatal(err)
			}
			n++
			if n%10 == 0 {
				time.Sleep(60 * time.Millisecond)
			}
		}
		if err := tr.Stop(ctx); err != nil {
			t.Fatalf("run %d: Stop: %v", run, err)
		}
		time.Sleep(1100 * time.Millisecond) // a new digest second
	}
	pk, err := logging.PublicKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var ring digest.KeyRing
	ring.Add(pk)
	rep, err := digest.Validate(ctx, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "audit-bucket"}, Account: "111122223333", Trail: "notes", HomeRegion: "eu-west-1"},
		Start:       start,
		End:         time.Now().Add(time.Minute),
		Keys:        &ring,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code, _ := awscli.WriteText(&out, &errs, rep, awscli.Options{Strict: true}); code != 0 {
		t.Fatalf("strict validation: exit %d\n%s%s", code, out.String(), errs.String())
	}
	recs := 0
	for _, l := range rep.LogFiles {
		o, _ := store.Get(ctx, l.Bucket, l.Key)
		for _, err := range logfile.ReadRecords(bytes.NewReader(o.Body), logfile.ReadOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			recs++
		}
	}
	if recs != n {
		t.Errorf("%d records in validated log files, wrote %d", recs, n)
	}
}

// TestStartBadKey: a signing key that is not a PEM RSA private key is
// refused with ErrBadKey before anything is opened or written.
func TestStartBadKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := logfile.NewDirStore(dir, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ec, err := os.ReadFile("../digest/testdata/testkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	for name, key := range map[string][]byte{
		"garbage":   []byte("nope"),
		"truncated": ec[:len(ec)/2],
		"other PEM": []byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
	} {
		tr, err := logging.Start(ctx, logging.Options{Store: store, DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Trail: "t",
			Account: "111122223333", Region: "eu-west-1"}, SigningKeyPEM: key, SpoolDir: t.TempDir()})
		if !errors.Is(err, logging.ErrBadKey) {
			t.Errorf("%s: Start = %v, %v; want ErrBadKey", name, tr, err)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("Start with a bad key wrote %d entries into the store", len(entries))
	}
}
