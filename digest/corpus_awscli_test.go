package digest_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

// TestCorpusAgainstAWSCLI runs aws-cli's validate-logs over every case of
// the corruption corpus and requires Validate's text output to be
// byte-identical, except for the one documented deviation: a truncated log
// file is "invalid format" here, while aws-cli's zlib.decompressobj
// accepts the truncated stream and reports "hash value doesn't match".
// It takes about a minute of python, so it runs only with
// TRAILKIT_CORPUS_AWSCLI=1 (the default interop test covers the tamperings
// the issue names).
func TestCorpusAgainstAWSCLI(t *testing.T) {
	if os.Getenv("TRAILKIT_CORPUS_AWSCLI") != "1" {
		t.Skip("set TRAILKIT_CORPUS_AWSCLI=1 to compare the whole corpus with aws-cli (about a minute)")
	}
	py := needPython(t)
	cases, res, err := fixture.Corpus(testSigner(t), otherSigner(t))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	keysFile := filepath.Join(tmp, "public-keys.json")
	var kb bytes.Buffer
	ring(testSigner(t)).WritePublicKeys(&kb)
	os.WriteFile(keysFile, kb.Bytes(), 0o644)
	var specs []map[string]string
	var reps []*digest.Report
	for _, c := range cases {
		s := logfile.NewMemStore()
		for _, o := range c.Objects {
			s.Put(context.Background(), logfile.Object{Bucket: res.Bucket, Key: o.Key, Body: o.Body, Metadata: o.Metadata})
		}
		dir := filepath.Join(tmp, c.Name)
		os.Mkdir(dir, 0o755)
		export(t, s, res.Bucket, dir)
		reps = append(reps, validate(t, s, res.ValidateOptions(fixture.CorpusRegion, ring(testSigner(t)))))
		specs = append(specs, map[string]string{"objects": dir, "bucket": res.Bucket, "trail_arn": fixture.TrailARN(),
			"start": res.Start.Format(digest.TimeFormat), "end": res.End.Format(digest.TimeFormat), "region": fixture.CorpusRegion, "public_keys": keysFile})
	}
	results := testenv.ValidateLogs(t, py, specs)
	if len(results) != len(cases) {
		t.Fatalf("%d results for %d cases", len(results), len(cases))
	}
	for i, c := range cases {
		var so, se bytes.Buffer
		code, _ := awscli.WriteText(&so, &se, reps[i], awscli.Options{Verbose: true})
		ours, theirs := se.String(), results[i].Stderr
		if c.Name == "log-truncated" {
			ours = string(bytes.ReplaceAll([]byte(ours), []byte("INVALID: invalid format"), []byte("INVALID: hash value doesn't match")))
		}
		if code != results[i].RC || so.String() != results[i].Stdout || ours != theirs {
			t.Errorf("%s: trailkit and aws-cli differ\n--- trailkit (exit %d)\n%s%s--- aws-cli (exit %d)\n%s%s", c.Name, code, so.String(), se.String(), results[i].RC, results[i].Stdout, results[i].Stderr)
		}
	}
}
