package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/fleetcheck"
	"github.com/trailkit/trailkit/logfile"
)

// emitTrailRun is one 'trailkit emit --trail' setup: a bucket root, a spool
// and an ack file in a temporary directory.
type emitTrailRun struct {
	dir, root, spool, acks, pub string
	start                       time.Time
}

const (
	emitTrailBucket  = "emit-trail-bucket"
	emitTrailAccount = "111122223333"
	emitTrailRegion  = "eu-west-1"
	emitTrailName    = "emit-trail"
)

func newEmitTrailRun(t *testing.T) *emitTrailRun {
	dir := t.TempDir()
	return &emitTrailRun{dir: dir, root: filepath.Join(dir, "bucket-root"), spool: filepath.Join(dir, "spool"),
		acks: filepath.Join(dir, "acks"), pub: filepath.Join(dir, "public-keys.json"), start: time.Now().UTC()}
}

func (r *emitTrailRun) args(d time.Duration) []string {
	return []string{"emit", "--dir", r.root, "--s3-bucket", emitTrailBucket, "--s3-prefix", "audit",
		"--account-id", emitTrailAccount, "--region", emitTrailRegion,
		"--trail", emitTrailName, "--signing-key", filepath.Join("testdata", "signing-key.pem"), "--public-keys", r.pub,
		"--duration", d.String(), "--rate", "50", "--max-age", "1s", "--digest-interval", "10s",
		"--spool", r.spool, "--acks", r.acks}
}

// check asserts that every acknowledged record is stored exactly once,
// every log file is in exactly one digest of a linked chain, and
// 'trailkit validate --strict' accepts the trail.
func (r *emitTrailRun) check(t *testing.T) {
	t.Helper()
	acks := readAcks(t, r.acks)
	store, err := logfile.NewDirStore(r.root, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := fleetcheck.Check(context.Background(), store, fleetcheck.Chain{DigestChain: logfile.DigestChain{
		Location: logfile.Location{Bucket: emitTrailBucket, Prefix: "audit"},
		Account:  emitTrailAccount, Region: emitTrailRegion, Trail: emitTrailName, HomeRegion: emitTrailRegion}}, acks)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	t.Logf("%d acknowledged records; stored: %d records in %d log files, %d digests", len(acks), res.Records, res.LogFiles, res.Digests)
	if len(acks) < 50 || res.Digests < 1 || res.LogFiles < 1 {
		t.Errorf("%d acks, %d log files, %d digests: want at least 50 acks, a log file and a digest", len(acks), res.LogFiles, res.Digests)
	}
	arn := "arn:aws:cloudtrail:" + emitTrailRegion + ":" + emitTrailAccount + ":trail/" + emitTrailName
	from, to := r.start.Add(-time.Minute).Format(time.RFC3339), time.Now().UTC().Add(time.Minute).Format(time.RFC3339)
	var stdout, stderr bytes.Buffer
	code := run([]string{"validate", "--dir", r.root, "--s3-bucket", emitTrailBucket, "--s3-prefix", "audit", "--trail-arn", arn,
		"--region", emitTrailRegion, "--start-time", from, "--end-time", to, "--public-keys", r.pub, "--strict"}, nil, &stdout, &stderr)
	want := fmt.Sprintf("%d/%d digest files valid\n%d/%d log files valid\n", res.Digests, res.Digests, res.LogFiles, res.LogFiles)
	if code != 0 || !strings.HasSuffix(stdout.String(), want) {
		t.Errorf("trailkit validate --strict: exit %d, want 0 and a summary ending\n%s\nstdout:\n%s\nstderr:\n%s", code, want, stdout.String(), stderr.String())
	}
}

// TestEmitTrail runs 'trailkit emit --trail … --signing-key …' for 3 s at
// 50 records per second: one process writes log files and their digest
// chain through logging.Start, and 'trailkit validate --strict' accepts
// the result, with every acknowledged record stored exactly once.
func TestEmitTrail(t *testing.T) {
	r := newEmitTrailRun(t)
	var stdout, stderr bytes.Buffer
	if code := run(r.args(3*time.Second), nil, &stdout, &stderr); code != 0 {
		t.Fatalf("trailkit emit: exit %d\n%s", code, stderr.String())
	}
	t.Logf("trailkit emit: %s", strings.TrimSpace(stderr.String()))
	r.check(t)
}

// TestEmitTrailKilled kills 'trailkit emit --trail' with SIGKILL mid-run,
// restarts it with the same --spool, and checks that nothing acknowledged
// is lost or stored twice and that the chain validates with --strict.
func TestEmitTrailKilled(t *testing.T) {
	r := newEmitTrailRun(t)
	p := startTrailkit(t, "emit", r.args(time.Minute)...)
	time.Sleep(2500 * time.Millisecond)
	p.cmd.Process.Signal(syscall.SIGKILL)
	if err := <-p.done; err == nil {
		t.Fatalf("emit exited cleanly before SIGKILL\n%s", p.stderr.String())
	}
	t.Logf("emit killed; its stderr:\n%s", p.stderr.String())
	if len(readAcks(t, r.acks)) == 0 {
		t.Fatal("nothing acknowledged before the kill")
	}
	p = startTrailkit(t, "emit-restarted", r.args(3*time.Second)...)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("restarted emit: %v\n%s", err, p.stderr.String())
		}
	case <-time.After(time.Minute):
		p.cmd.Process.Kill()
		t.Fatalf("restarted emit did not stop\n%s", p.stderr.String())
	}
	t.Logf("restarted emit: %s", strings.TrimSpace(p.stderr.String()))
	r.check(t)
}
