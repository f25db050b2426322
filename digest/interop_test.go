package digest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

// needPython returns python3 with awscli and moto, or skips (fails when
// TRAILKIT_REQUIRE_INTEROP=1).
func needPython(t *testing.T) string { return testenv.Python(t) }

// copyStore returns a store holding every object of src's bucket.
func copyStore(t *testing.T, src logfile.Store, bucket string) *fixture.Store {
	ctx := context.Background()
	dst := fixture.NewStore()
	for k, err := range src.List(ctx, bucket, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		o, _ := src.Get(ctx, bucket, k)
		dst.Put(ctx, o)
	}
	return dst
}

// export writes every object of bucket and a manifest into dir.
func export(t *testing.T, s logfile.Store, bucket, dir string) {
	ctx := context.Background()
	type entry struct {
		Key      string            `json:"key"`
		File     string            `json:"file"`
		Metadata map[string]string `json:"metadata"`
	}
	var man []entry
	for k, err := range s.List(ctx, bucket, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		o, _ := s.Get(ctx, bucket, k)
		f := fmt.Sprintf("o%05d", len(man))
		if err := os.WriteFile(filepath.Join(dir, f), o.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		man = append(man, entry{k, f, o.Metadata})
	}
	b, _ := json.Marshal(man)
	os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644)
}

type tamper struct {
	name string
	// apply modifies the store and returns the object expected to be
	// flagged and the expected status.
	apply func(t *testing.T, s *fixture.Store, res *fixture.Result) (key string, want digest.Status)
}

func reencode(t *testing.T, s *fixture.Store, key string, edit func(*digest.Digest), signer fixture.StringSigner) {
	ctx := context.Background()
	o, err := s.Get(ctx, fixture.Bucket, key)
	if err != nil {
		t.Fatal(err)
	}
	d, err := digest.Parse(gunzip(t, o.Body))
	if err != nil {
		t.Fatal(err)
	}
	edit(d)
	o.Body, o.Metadata, err = fixture.Encode(d, signer)
	if err != nil {
		t.Fatal(err)
	}
	s.Put(ctx, o)
}

var interopTampers = []tamper{
	{"untouched", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) { return "", "" }},
	{"modify-log", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		k := r.Logs["eu-west-1"][5]
		o, _ := s.Get(context.Background(), r.Bucket, k)
		raw := gunzip(t, o.Body)
		raw = bytes.Replace(raw, []byte(`"GetObject"`), []byte(`"PutObject"`), 1)
		o.Body = gz(t, raw)
		s.Put(context.Background(), o)
		return k, digest.StatusHashMismatch
	}},
	{"delete-log", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		k := r.Logs["eu-west-1"][2]
		s.Delete(r.Bucket, k)
		return k, digest.StatusNotFound
	}},
	{"delete-digest", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		k := r.Digests["eu-west-1"][1]
		s.Delete(r.Bucket, k)
		return k, digest.StatusNotFound
	}},
	{"move-digest", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		k := r.Digests["eu-west-1"][2]
		o, _ := s.Get(context.Background(), r.Bucket, k)
		s.Delete(r.Bucket, k)
		o.Key = strings.Replace(k, "/2024/03/05/", "/2024/03/06/", 1) // still listed, in a wrong folder
		s.Put(context.Background(), o)
		return o.Key, digest.StatusMoved
	}},
	{"resign-other-key", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		k := r.Digests["eu-west-1"][1]
		other := otherSigner(t)
		reencode(t, s, k, func(d *digest.Digest) { d.DigestPublicKeyFingerprint = other.Fingerprint().String() }, other)
		return k, digest.StatusPublicKeyNotFound
	}},
	{"backfill-digest", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		// A starting backfill digest listing one log file of the first hour again.
		id := logfile.DigestChain{Account: fixture.Account, Region: "eu-west-1", Trail: fixture.Trail, HomeRegion: fixture.HomeRegion, Location: logfile.Location{Prefix: r.Prefix}}
		end := r.Start.Add(90 * time.Minute)
		o, _ := s.Get(context.Background(), r.Bucket, r.Digests["eu-west-1"][0])
		src, _ := digest.Parse(gunzip(t, o.Body))
		key := id.Key(end, true).String()
		d := &digest.Digest{AWSAccountID: fixture.Account, DigestStartTime: r.Start.Add(30 * time.Minute).Format(digest.TimeFormat), DigestEndTime: end.Format(digest.TimeFormat),
			DigestS3Bucket: r.Bucket, DigestS3Object: key, DigestPublicKeyFingerprint: testSigner(t).Fingerprint().String(), DigestSignatureAlgorithm: digest.SignatureAlgorithm,
			NewestEventTime: src.NewestEventTime, OldestEventTime: src.OldestEventTime, LogFiles: src.LogFiles[:1]}
		body, meta, err := fixture.Encode(d, testSigner(t))
		if err != nil {
			t.Fatal(err)
		}
		meta[digest.MetaBackfillGeneratedAt] = end.Add(3 * time.Hour).Format(digest.TimeFormat)
		s.Put(context.Background(), logfile.Object{Bucket: r.Bucket, Key: key, Body: body, Metadata: meta})
		return "", ""
	}},
	{"resign-same-fingerprint", func(t *testing.T, s *fixture.Store, r *fixture.Result) (string, digest.Status) {
		k := r.Digests["eu-west-1"][0]
		reencode(t, s, k, func(d *digest.Digest) {}, otherSigner(t))
		return k, digest.StatusSignatureFailed
	}},
}

// TestAWSCLIInterop runs aws-cli's validate-logs (in moto's S3) and
// Validate over the same objects, untouched and after each tampering, and
// requires the same exit status and byte-identical stdout and stderr.
func TestAWSCLIInterop(t *testing.T) {
	t.Parallel()
	py := needPython(t)
	base := logfile.NewMemStore()
	res := build(t, base, fixture.Options{Prefix: "audit", Hours: 3, QuietHour: 2})
	keys := ring(testSigner(t))
	tmp := t.TempDir()
	keysFile := filepath.Join(tmp, "public-keys.json")
	var kb bytes.Buffer
	if err := keys.WritePublicKeys(&kb); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(keysFile, kb.Bytes(), 0o644)

	type run struct {
		tamper string
		region string
		key    string
		want   digest.Status
		rep    *digest.Report
	}
	var runs []run
	var specs []map[string]string
	start, end := res.Start.Add(-30*time.Minute), res.End.Add(30*time.Minute)
	for _, tp := range interopTampers {
		s := copyStore(t, base, res.Bucket)
		key, want := tp.apply(t, s, res)
		dir := filepath.Join(tmp, tp.name)
		os.Mkdir(dir, 0o755)
		export(t, s, res.Bucket, dir)
		for _, region := range res.Regions {
			if key != "" && region != "eu-west-1" {
				continue // tampering touches eu-west-1 only; the other chain ran untouched
			}
			opts := res.ValidateOptions(region, keys)
			opts.Start, opts.End = start, end
			runs = append(runs, run{tp.name, region, key, want, validate(t, s, opts)})
			specs = append(specs, map[string]string{"objects": dir, "bucket": res.Bucket, "trail_arn": fixture.TrailARN(),
				"start": start.Format(digest.TimeFormat), "end": end.Format(digest.TimeFormat), "region": region,
				"prefix": res.Prefix, "public_keys": keysFile})
		}
	}
	results := testenv.ValidateLogs(t, py, specs)
	if len(results) != len(runs) {
		t.Fatalf("%d results for %d runs", len(results), len(runs))
	}
	for i, r := range runs {
		aws := results[i]
		var so, se bytes.Buffer
		code, _ := awscli.WriteText(&so, &se, r.rep, awscli.Options{Verbose: true})
		name := r.tamper + "/" + r.region
		if code != aws.RC || so.String() != aws.Stdout || se.String() != aws.Stderr {
			t.Errorf("%s: trailkit and aws-cli differ\n--- trailkit (exit %d)\n%s%s--- aws-cli (exit %d)\n%s%s", name, code, so.String(), se.String(), aws.RC, aws.Stdout, aws.Stderr)
			continue
		}
		if r.key == "" || r.region != "eu-west-1" {
			if aws.RC != 0 || !strings.Contains(aws.Stdout, "\n4/4 digest files valid") {
				t.Errorf("%s: aws-cli did not accept the untouched chain: exit %d\n%s%s", name, aws.RC, aws.Stdout, aws.Stderr)
			}
			if r.tamper == "backfill-digest" && r.region == "eu-west-1" && !strings.Contains(aws.Stdout, "\n1/1 backfill digest files valid") {
				t.Errorf("%s: backfill digest not validated:\n%s", name, aws.Stdout)
			}
			continue
		}
		// The tampered object is flagged by both with the expected reason.
		line := "s3://" + res.Bucket + "/" + r.key + "\tINVALID: " + string(r.want)
		if aws.RC != 1 || !strings.Contains(aws.Stderr, line) {
			t.Errorf("%s: aws-cli stderr lacks %q:\n%s", name, line, aws.Stderr)
		}
		t.Logf("%s: both report %s", name, strings.TrimSpace(aws.Stderr))
	}
}
