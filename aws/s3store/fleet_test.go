package s3store_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/aws/s3store"
	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/fleetcheck"
	"github.com/trailkit/trailkit/logfile"
)

// The fleet test runs this test binary as writer and digester processes:
// TestMain hands over to fleetChild when fleetRoleEnv is set.
const (
	fleetRoleEnv = "S3STORE_FLEET_ROLE"
	fleetAccount = "111122223333"
	fleetRegion  = "eu-west-1"
	fleetHome    = "us-east-1"
	fleetTrail   = "fleet.audit_trail"
	fleetPrefix  = "fleet"
	fleetWindow  = 10 * time.Second
	fleetARN     = "arn:aws:cloudtrail:" + fleetHome + ":" + fleetAccount + ":trail/" + fleetTrail
)

// fleetChild runs one fleet process against moto_server, configured by
// environment variables, and returns its exit status.
func fleetChild(role string) int {
	getenv := func(k string) string { return os.Getenv("FLEET_" + k) }
	duration, err := time.ParseDuration(getenv("DURATION"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	client, err := s3store.NewClient(ctx, endpoint(getenv("URL")))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	store, err := s3store.New(client, s3store.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	bucket := getenv("BUCKET")
	switch role {
	case "emit":
		err = fleetEmit(ctx, store, bucket, getenv("SPOOL"), getenv("ACKS"))
	case "digest":
		err = fleetDigest(ctx, store, bucket, getenv("KEY"))
	default:
		err = fmt.Errorf("unknown role %q", role)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", role, err)
		return 1
	}
	return 0
}

// fleetEmit writes 25 records a second through a Writer with a spool, and
// appends each acknowledged eventID to acks, until ctx ends.
func fleetEmit(ctx context.Context, store logfile.Store, bucket, spoolDir, acks string) error {
	ackFile, err := os.OpenFile(acks, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return err
	}
	defer ackFile.Close()
	w, err := logfile.NewWriter(store, logfile.WriterOptions{
		Location: logfile.Location{Bucket: bucket, Prefix: fleetPrefix},
		MaxAge:   2 * time.Second,
		SpoolDir: spoolDir,
		OnError:  func(err error) { fmt.Fprintln(os.Stderr, err) },
	})
	if err != nil {
		return err
	}
	n, err := w.Replay(context.Background())
	if err != nil {
		fmt.Fprintf(os.Stderr, "replay: %v\n", err)
	}
	fmt.Fprintf(os.Stderr, "replayed %d records; ", n)
	tick := time.NewTicker(40 * time.Millisecond)
	defer tick.Stop()
	acked := 0
	for ctx.Err() == nil {
		select {
		case <-ctx.Done():
			continue
		case <-tick.C:
		}
		rec := event.Builder{}.APICall(event.Record{EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: fleetRegion,
			RecipientAccountID: fleetAccount, SourceIPAddress: "198.51.100.7", UserAgent: "trailkit-fleet-test"})
		err := w.Write(context.Background(), rec)
		if err != nil && !errors.Is(err, logfile.ErrDeliveryFailed) {
			return err
		}
		if _, err := ackFile.WriteString(rec.EventID + "\n"); err != nil {
			return err
		}
		acked++
	}
	fmt.Fprintf(os.Stderr, "%d records acknowledged", acked)
	return w.Close(context.Background())
}

// fleetDigest ticks a Digester just after every window until ctx ends,
// then writes the final digest.
func fleetDigest(ctx context.Context, store logfile.Store, bucket, keyFile string) error {
	b, err := os.ReadFile(keyFile)
	if err != nil {
		return err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return errors.New("no PEM block")
	}
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return err
	}
	signer := key
	d, err := digest.NewDigester(digest.DigesterOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket, Prefix: fleetPrefix}, Account: fleetAccount, Region: fleetRegion, Trail: fleetTrail, HomeRegion: fleetHome},
		Signer:      signer,
		Store:       store,
		Interval:    fleetWindow,
		Lookback:    2 * time.Minute,
	})
	if err != nil {
		return err
	}
	for ctx.Err() == nil {
		if err := d.Tick(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(os.Stderr, "tick: %v\n", err)
		}
		next := d.Stats().Next
		wait := max(time.Until(next.Truncate(fleetWindow).Add(fleetWindow).Add(300*time.Millisecond)), time.Second)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
	final, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = d.Close(final)
	s := d.Stats()
	fmt.Fprintf(os.Stderr, "%d digests written, %d adopted, %d files listed (%d late)", s.Written, s.Adopted, s.Files, s.Late)
	return err
}

type fleetProc struct {
	name   string
	cmd    *exec.Cmd
	stderr lockedBuffer
	done   chan error
}

func startFleetProc(t *testing.T, name string, env ...string) *fleetProc {
	t.Helper()
	p := &fleetProc{name: name, cmd: exec.Command(os.Args[0], "-test.run=^$"), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// TestFleet is the fleet on S3 (moto_server): 4 writer processes and 2
// digester processes on one bucket, 10 s windows; at 12 s one writer and
// one digester are killed with SIGKILL and restarted 2 s later. Afterwards
// every acknowledged record is stored exactly once, no log file is
// unlisted or listed twice, every window has its digest, and both the
// unmodified aws-cli validate-logs and 'trailkit validate --strict' (on a
// copy of the bucket) accept the chain.
func TestFleet(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 50 s")
	}
	url := motoURL(t)
	awsPath := needTool(t, "aws")
	client := newClient(t, endpoint(url))
	bucket := newBucket(t, client)
	dir := t.TempDir()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.pem")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		t.Fatal(err)
	}
	signer := key
	start := time.Now().UTC()
	common := []string{"FLEET_URL=" + url, "FLEET_BUCKET=" + bucket, "FLEET_KEY=" + keyFile}
	const writers, writeFor, digestFor = 4, 36 * time.Second, 44 * time.Second
	emit := func(i int, d time.Duration) *fleetProc {
		return startFleetProc(t, fmt.Sprintf("writer-%d", i), append(common, fleetRoleEnv+"=emit", "FLEET_DURATION="+d.String(),
			"FLEET_SPOOL="+filepath.Join(dir, fmt.Sprintf("spool-%d", i)), "FLEET_ACKS="+filepath.Join(dir, fmt.Sprintf("acks-%d", i)))...)
	}
	digester := func(i int, d time.Duration) *fleetProc {
		return startFleetProc(t, fmt.Sprintf("digester-%d", i), append(common, fleetRoleEnv+"=digest", "FLEET_DURATION="+d.String())...)
	}
	var procs []*fleetProc
	for i := range writers {
		procs = append(procs, emit(i, writeFor))
	}
	procs = append(procs, digester(0, digestFor), digester(1, digestFor))
	time.Sleep(12 * time.Second)
	for _, victim := range []*fleetProc{procs[0], procs[writers]} {
		if err := victim.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		if err := <-victim.done; err == nil {
			t.Fatalf("%s exited cleanly before SIGKILL", victim.name)
		}
		t.Logf("%s killed; its stderr: %s", victim.name, victim.stderr.String())
	}
	time.Sleep(2 * time.Second)
	elapsed := time.Since(start)
	procs[0], procs[writers] = emit(0, writeFor-elapsed), digester(0, digestFor-elapsed)
	var wg sync.WaitGroup
	for _, p := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case err := <-p.done:
				if err != nil {
					t.Errorf("%s: %v\n%s", p.name, err, p.stderr.String())
				} else {
					t.Logf("%s: %s", p.name, p.stderr.String())
				}
			case <-time.After(2 * time.Minute):
				p.cmd.Process.Kill()
				t.Errorf("%s did not stop", p.name)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	end := time.Now().UTC().Add(time.Minute)

	var acks []string
	for i := range writers {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("acks-%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			acks = append(acks, sc.Text())
		}
	}
	ctx := context.Background()
	store, err := s3store.New(client, s3store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := fleetcheck.Check(ctx, store, fleetcheck.Chain{DigestChain: logfile.DigestChain{
		Location: logfile.Location{Bucket: bucket, Prefix: fleetPrefix}, Account: fleetAccount, Region: fleetRegion,
		Trail: fleetTrail, HomeRegion: fleetHome}, Interval: fleetWindow}, acks)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	t.Logf("%d acknowledged records; stored: %d records in %d log files, %d digests over %d windows",
		len(acks), res.Records, res.LogFiles, res.Digests, res.Windows)
	if len(acks) < 500 || res.Digests < 4 || res.Digests != res.Windows {
		t.Errorf("%d acks, %d digests for %d windows: want at least 500 acks and 4 windows, one digest each", len(acks), res.Digests, res.Windows)
	}
	want := fmt.Sprintf("%d/%d digest files valid\n%d/%d log files valid\n", res.Digests, res.Digests, res.LogFiles, res.LogFiles)

	// The unmodified aws-cli, against moto and a local ListPublicKeys.
	keys := &digest.KeyRing{}
	pk := *publicKey(t, signer)
	pk.ValidityStart, pk.ValidityEnd = start.Add(-24*time.Hour), start.Add(30*24*time.Hour)
	keys.Add(&pk)
	stdout, stderr, code := runAWSValidateLogs(t, awsPath, newPublicKeyServer(t, keys), fleetARN, bucket, fleetPrefix, fleetRegion, start.Add(-time.Minute), end)
	if code != 0 || stderr != "" || !strings.HasSuffix(stdout, want) {
		t.Errorf("aws cloudtrail validate-logs: exit %d, want 0 and a summary ending\n%s\nstdout:\n%s\nstderr:\n%s", code, want, stdout, stderr)
	}

	// trailkit validate --strict, on a copy of the bucket in a directory.
	root := filepath.Join(dir, "copy")
	os.Mkdir(root, 0o755)
	local, err := logfile.NewDirStore(root, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for k, err := range store.List(ctx, bucket, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		obj, err := store.Get(ctx, bucket, k)
		if err != nil {
			t.Fatal(err)
		}
		if err := local.Put(ctx, obj); err != nil {
			t.Fatal(err)
		}
	}
	pubFile := filepath.Join(dir, "public-keys.json")
	var kb bytes.Buffer
	if err := keys.WritePublicKeys(&kb); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(pubFile, kb.Bytes(), 0o644)
	bin := filepath.Join(dir, "trailkit")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/trailkit/trailkit/examples/trailkit").CombinedOutput(); err != nil {
		t.Fatalf("building trailkit: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "validate", "--dir", root, "--s3-bucket", bucket, "--s3-prefix", fleetPrefix, "--trail-arn", fleetARN,
		"--region", fleetRegion, "--start-time", start.Add(-time.Minute).Format(time.RFC3339), "--end-time", end.Format(time.RFC3339),
		"--public-keys", pubFile, "--strict")
	var so, se bytes.Buffer
	cmd.Stdout, cmd.Stderr = &so, &se
	if err := cmd.Run(); err != nil || !strings.HasSuffix(so.String(), want) {
		t.Errorf("trailkit validate --strict: %v, want success and a summary ending\n%s\nstdout:\n%s\nstderr:\n%s", err, want, so.String(), se.String())
	}
}
