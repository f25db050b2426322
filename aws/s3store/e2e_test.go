package s3store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailkit/trailkit/aws/s3store"
	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

// The trail the end-to-end tests simulate: a multi-region trail with a key
// prefix, whose name has the '.' and '_' that make digest names ambiguous.
const (
	e2eAccount = "111122223333"
	e2eTrail   = "org.audit_trail-1"
	e2eHome    = "us-east-1"
	e2ePrefix  = "audit"
	e2eARN     = "arn:aws:cloudtrail:" + e2eHome + ":" + e2eAccount + ":trail/" + e2eTrail
)

var e2eRegions = []string{"us-east-1", "eu-west-1"}

// simClock is the simulated time shared by the Writer, the chains and the
// record builder.
type simClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *simClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// trailRig is a trail writing into a Store: a logfile.Writer feeding one
// digest.Chain per region, on a simulated clock.
type trailRig struct {
	store   logfile.Store
	bucket  string
	start   time.Time
	clock   *simClock
	writer  *logfile.Writer
	chains  map[string]*digest.Chain
	signer  *rsa.PrivateKey
	keys    *digest.KeyRing
	builder event.Builder
	seq     atomic.Int64
	// written holds the eventIDs accepted per region.
	written map[string][]string
	// delivered counts the Writer's deliveries per region.
	mu        sync.Mutex
	delivered map[string]int
}

var (
	signerOnce sync.Once
	signer     *rsa.PrivateKey
	signerErr  error
)

// testSigner returns one RSA signer for the whole run (generating a
// 2048-bit key is slow under -race).
func testSigner(tb testing.TB) *rsa.PrivateKey {
	signerOnce.Do(func() {
		signer, signerErr = rsa.GenerateKey(rand.Reader, 2048)
	})
	if signerErr != nil {
		tb.Fatal(signerErr)
	}
	return signer
}

// publicKey returns k's public half as the digests name it.
func publicKey(tb testing.TB, k *rsa.PrivateKey) *digest.PublicKey {
	tb.Helper()
	pk, err := digest.ParsePublicKey(x509.MarshalPKCS1PublicKey(&k.PublicKey))
	if err != nil {
		tb.Fatal(err)
	}
	return pk
}

func newTrailRig(t *testing.T, store logfile.Store, bucket string) *trailRig {
	t.Helper()
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	r := &trailRig{
		store: store, bucket: bucket, start: start, clock: &simClock{t: start},
		chains: map[string]*digest.Chain{}, signer: testSigner(t), keys: &digest.KeyRing{},
		written: map[string][]string{}, delivered: map[string]int{},
	}
	pk := *publicKey(t, r.signer)
	pk.ValidityStart, pk.ValidityEnd = start.Add(-24*time.Hour), start.Add(30*24*time.Hour)
	r.keys.Add(&pk)
	r.builder = event.Builder{
		Now:   r.clock.Now,
		NewID: func() string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", r.seq.Add(1)) },
	}
	w, err := logfile.NewWriter(store, logfile.WriterOptions{ManualTick: true, Location: logfile.Location{Bucket: bucket, Prefix: e2ePrefix}, Now: r.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	r.writer = w
	w.Subscribe(func(d logfile.Delivery) {
		r.mu.Lock()
		r.delivered[d.Region]++
		r.mu.Unlock()
	})
	for _, region := range e2eRegions {
		c, err := digest.NewChain(digest.ChainOptions{
			DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket, Prefix: e2ePrefix}, Account: e2eAccount, Region: region, Trail: e2eTrail, HomeRegion: e2eHome},
			Signer:      r.signer,
			Store:       store,
			Now:         r.clock.Now,
		})
		if err != nil {
			t.Fatal(err)
		}
		r.chains[region] = c
		w.Subscribe(c.Add)
	}
	return r
}

// write adds n records per region at the current simulated time. Delivery
// errors are returned (the records were accepted all the same).
func (r *trailRig) write(ctx context.Context, t *testing.T, n int) error {
	t.Helper()
	var errs []error
	for _, region := range e2eRegions {
		for i := range n {
			rec := r.builder.APICall(event.Record{
				UserIdentity: &event.UserIdentity{
					Type: event.IdentityIAMUser, PrincipalID: "AIDAEXAMPLE", AccountID: e2eAccount,
					ARN: "arn:aws:iam::" + e2eAccount + ":user/alice", UserName: "alice",
				},
				EventTime:       r.clock.Now().Add(-time.Duration(i) * time.Second),
				EventSource:     "s3.amazonaws.com",
				EventName:       []string{"ListBuckets", "PutObject", "GetBucketAcl"}[i%3],
				AWSRegion:       region,
				SourceIPAddress: "198.51.100.7",
				UserAgent:       "trailkit-e2e",
			})
			err := r.writer.Write(ctx, rec)
			if err != nil && !errors.Is(err, logfile.ErrDeliveryFailed) {
				t.Fatalf("Write: %v", err)
			}
			r.written[region] = append(r.written[region], rec.EventID)
			if err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// advance moves the clock on by d and lets the Writer and the chains act.
func (r *trailRig) advance(ctx context.Context, t *testing.T, d time.Duration) {
	t.Helper()
	r.clock.Advance(d)
	if err := r.writer.Tick(ctx); err != nil {
		t.Fatalf("Writer.Tick at %v: %v", r.clock.Now(), err)
	}
	for region, c := range r.chains {
		if err := c.Tick(ctx); err != nil {
			t.Fatalf("Chain(%s).Tick at %v: %v", region, r.clock.Now(), err)
		}
	}
}

func (r *trailRig) close(ctx context.Context, t *testing.T) {
	t.Helper()
	if err := r.writer.Close(ctx); err != nil {
		t.Fatalf("Writer.Close: %v", err)
	}
	r.clock.Advance(time.Minute)
	for region, c := range r.chains {
		if err := c.Close(ctx); err != nil {
			t.Fatalf("Chain(%s).Close: %v", region, err)
		}
	}
}

// validate runs digest.Validate over region's chain through store.
func (r *trailRig) validate(ctx context.Context, t *testing.T, store logfile.Store, region string) *digest.Report {
	t.Helper()
	rep, err := digest.Validate(ctx, store, digest.ValidateOptions{
		DigestChain:         logfile.DigestChain{Location: logfile.Location{Bucket: r.bucket, Prefix: e2ePrefix}, Region: region},
		TrailARN:            e2eARN,
		Start:               r.start,
		End:                 r.clock.Now(),
		Keys:                r.keys,
		ReportMissingNewest: true,
	})
	if err != nil {
		t.Fatalf("digest.Validate(%s): %v", region, err)
	}
	return rep
}

// checkDelivered checks that the log files rep lists hold every record
// written to region exactly once, and returns the log files in the bucket
// that no digest lists, with the eventIDs they hold.
func (r *trailRig) checkDelivered(ctx context.Context, t *testing.T, store logfile.Store, region string, rep *digest.Report) (orphans map[string][]string) {
	t.Helper()
	count := map[string]int{}
	var listed []string
	for _, lf := range rep.LogFiles {
		listed = append(listed, lf.Key)
		for _, id := range readEventIDs(ctx, t, store, lf.Bucket, lf.Key, region) {
			count[id]++
		}
	}
	for _, id := range r.written[region] {
		switch n := count[id]; n {
		case 1:
		case 0:
			t.Errorf("%s: record %s was lost", region, id)
		default:
			t.Errorf("%s: record %s delivered %d times", region, id, n)
		}
		delete(count, id)
	}
	for id := range count {
		t.Errorf("%s: record %s was never written", region, id)
	}
	var stored []string
	for k, err := range store.List(ctx, r.bucket, e2ePrefix+"/AWSLogs/"+e2eAccount+"/CloudTrail/"+region+"/", "") {
		if err != nil {
			t.Fatal(err)
		}
		stored = append(stored, k)
	}
	r.mu.Lock()
	if len(listed) != r.delivered[region] {
		t.Errorf("%s: %d log files listed in digests, the Writer reported %d deliveries", region, len(listed), r.delivered[region])
	}
	r.mu.Unlock()
	orphans = map[string][]string{}
	for _, k := range stored {
		if !slices.Contains(listed, k) {
			orphans[k] = readEventIDs(ctx, t, store, r.bucket, k, region)
		}
	}
	for _, k := range listed {
		if !slices.Contains(stored, k) {
			t.Errorf("%s: listed log file %s is not in the bucket", region, k)
		}
	}
	return orphans
}

// readEventIDs returns the eventIDs of the records in one log file.
func readEventIDs(ctx context.Context, t *testing.T, store logfile.Store, bucket, key, region string) []string {
	t.Helper()
	obj, err := store.Get(ctx, bucket, key)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	var ids []string
	for rec, err := range logfile.ReadRecords(bytes.NewReader(obj.Body), logfile.ReadOptions{}) {
		if err != nil {
			t.Fatalf("reading %s: %v", key, err)
		}
		if rec.AWSRegion != region {
			t.Errorf("%s holds a record of %s", key, rec.AWSRegion)
		}
		ids = append(ids, rec.EventID)
	}
	return ids
}

// TestEndToEnd writes four simulated hours of a two-region trail into S3
// (moto_server) with a logfile.Writer and digest chains, then validates the
// chains from S3 with digest.Validate and with the unmodified
// `aws cloudtrail validate-logs`, which must agree.
func TestEndToEnd(t *testing.T) {
	t.Parallel() // mostly waits: backoff, aws-cli, moto
	store, bucket := newStore(t, s3store.Options{Encryption: s3store.EncryptionS3})
	ctx := context.Background()
	rig := newTrailRig(t, store, bucket)
	const steps = 4 * 12 // four hours in five-minute steps
	for i := range steps {
		n := 3
		if i >= 14 && i < 26 {
			n = 0 // a quiet hour: its digests list no file
		}
		if err := rig.write(ctx, t, n); err != nil {
			t.Fatal(err)
		}
		rig.advance(ctx, t, 5*time.Minute)
	}
	rig.close(ctx, t)

	reports := map[string]*digest.Report{}
	for _, region := range e2eRegions {
		rep := rig.validate(ctx, t, store, region)
		reports[region] = rep
		if !rep.Strict() {
			var out bytes.Buffer
			awscli.WriteText(&out, &out, rep, awscli.Options{Verbose: true, Strict: true})
			t.Errorf("digest.Validate(%s) through the S3 store is not all valid:\n%s", region, out.String())
		}
		// Four hourly digests and the final one.
		if len(rep.Digests) != 5 {
			t.Errorf("%s: %d digests validated, want 5", region, len(rep.Digests))
		}
		if len(rep.LogFiles) == 0 {
			t.Errorf("%s: no log file validated", region)
		}
		if orphans := rig.checkDelivered(ctx, t, store, region, rep); len(orphans) > 0 {
			t.Errorf("%s: log files no digest lists: %q", region, slices.Collect(maps.Keys(orphans)))
		}
	}
	if t.Failed() {
		return
	}

	awsPath := needTool(t, "aws")
	cloudtrail := newPublicKeyServer(t, rig.keys)
	for _, region := range e2eRegions {
		t.Run("aws-cli/"+region, func(t *testing.T) {
			stdout, stderr, code := runValidateLogs(t, awsPath, cloudtrail, rig, region)
			if code != 0 || stderr != "" {
				t.Fatalf("aws cloudtrail validate-logs exit %d\nstderr:\n%s\nstdout:\n%s", code, stderr, stdout)
			}
			rep := reports[region]
			want := fmt.Sprintf("%d/%d digest files valid\n%d/%d log files valid\n",
				len(rep.Digests), len(rep.Digests), len(rep.LogFiles), len(rep.LogFiles))
			if !strings.HasSuffix(stdout, want) {
				t.Errorf("aws-cli summary does not end with\n%s\nstdout:\n%s", want, stdout)
			}
			// trailkit prints what aws-cli prints, line for line.
			var ours, oursErr bytes.Buffer
			if _, err := awscli.WriteText(&ours, &oursErr, rep, awscli.Options{Verbose: true}); err != nil {
				t.Fatal(err)
			}
			if ours.String() != stdout || oursErr.String() != stderr {
				t.Errorf("awscli.WriteText differs from aws-cli.\naws-cli stdout:\n%s\ntrailkit stdout:\n%s\naws-cli stderr:\n%s\ntrailkit stderr:\n%s",
					stdout, ours.String(), stderr, oursErr.String())
			}
		})
	}
	if n := cloudtrail.calls.Load(); n < int64(len(e2eRegions)) {
		t.Errorf("the local ListPublicKeys handler answered %d calls, want at least %d: aws-cli did not use it", n, len(e2eRegions))
	}
}

// publicKeyServer answers CloudTrail's ListPublicKeys (JSON 1.1 protocol)
// with the test's key ring, standing in for the CloudTrail endpoint that
// aws-cli validate-logs asks for public keys.
type publicKeyServer struct {
	url   string
	calls atomic.Int64
}

func newPublicKeyServer(t *testing.T, keys *digest.KeyRing) *publicKeyServer {
	t.Helper()
	p := &publicKeyServer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		target := r.Header.Get("X-Amz-Target")
		if target != "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.ListPublicKeys" {
			w.Header().Set("Content-Type", "application/x-amz-json-1.1")
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprintf(w, `{"__type":"UnsupportedOperationException","message":"test server answers only ListPublicKeys, not %s"}`, target)
			return
		}
		p.calls.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		// A JSON-protocol blob is the base64 of its bytes, here the DER.
		// aws-cli v1 turns botocore's blob decoding off (its
		// scalarparse.add_scalar_parsers sets blob_parser=identity), so
		// validate-logs receives this base64 text and decodes it once
		// itself. Double encoding, which bare botocore would need, makes
		// aws-cli fail with "Unable to load PKCS #1 key".
		type wireKey struct {
			Value             string
			ValidityStartTime float64
			ValidityEndTime   float64
			Fingerprint       string
		}
		var list struct{ PublicKeyList []wireKey }
		for _, k := range keys.Keys() {
			list.PublicKeyList = append(list.PublicKeyList, wireKey{
				Value:             base64.StdEncoding.EncodeToString(k.Value),
				ValidityStartTime: float64(k.ValidityStart.Unix()),
				ValidityEndTime:   float64(k.ValidityEnd.Unix()),
				Fingerprint:       k.Fingerprint.String(),
			})
		}
		if err := json.NewEncoder(w).Encode(list); err != nil {
			t.Error(err)
		}
	}))
	t.Cleanup(srv.Close)
	p.url = srv.URL
	return p
}

// runValidateLogs runs the unmodified aws-cli validate-logs against moto
// (S3) and the local public key server (CloudTrail). aws-cli v1's
// --endpoint-url would apply to both services, so the endpoints are given
// per service with botocore's AWS_ENDPOINT_URL_<SERVICE> variables.
func runValidateLogs(t *testing.T, awsPath string, ct *publicKeyServer, rig *trailRig, region string) (stdout, stderr string, code int) {
	t.Helper()
	return runAWSValidateLogs(t, awsPath, ct, e2eARN, rig.bucket, e2ePrefix, region, rig.start, rig.clock.Now())
}

// runAWSValidateLogs runs aws cloudtrail validate-logs for the trail arn's
// chain of region in bucket (under prefix) from start to end.
func runAWSValidateLogs(t *testing.T, awsPath string, ct *publicKeyServer, arn, bucket, prefix, region string, start, end time.Time) (stdout, stderr string, code int) {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config")
	if err := os.WriteFile(cfg, []byte("[default]\ns3 =\n    addressing_style = path\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_CONFIG_FILE="+cfg,
		"AWS_SHARED_CREDENTIALS_FILE="+filepath.Join(dir, "credentials"),
		"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_ENDPOINT_URL_S3="+motoURL(t),
		"AWS_ENDPOINT_URL_CLOUDTRAIL="+ct.url,
	)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, awsPath, "cloudtrail", "validate-logs",
		"--trail-arn", arn,
		"--start-time", start.Format(time.RFC3339),
		"--end-time", end.Format(time.RFC3339),
		"--s3-bucket", bucket,
		"--s3-prefix", prefix,
		"--region", region,
		"--verbose")
	if os.Getenv("TK_DEBUG") != "" {
		cmd.Args = append(cmd.Args, "--debug")
	}
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit):
		code = exit.ExitCode()
	default:
		t.Fatalf("running aws: %v", err)
	}
	return out.String(), errb.String(), code
}
