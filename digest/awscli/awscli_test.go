package awscli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

func setup(t *testing.T) (*fixture.Store, *fixture.Result, *digest.KeyRing) {
	t.Helper()
	store := fixture.NewStore()
	signer, err := fixture.LoadKey("../testdata/testkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	res, err := fixture.Build(context.Background(), store, fixture.Options{Hours: 3, Regions: []string{"us-east-1"}, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	keys := &digest.KeyRing{}
	keys.Add(signer.PublicKey())
	return store, res, keys
}

func run(t *testing.T, store logfile.Store, opts digest.ValidateOptions, strict bool) (code int, stdout, stderr string) {
	t.Helper()
	rep, err := digest.Validate(context.Background(), store, opts)
	if err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	code, err = awscli.WriteText(&so, &se, rep, awscli.Options{Strict: strict})
	if err != nil {
		t.Fatal(err)
	}
	return code, so.String(), se.String()
}

// TestUnlistedForgedFile: a log file of forged events dropped into the
// trail's folder (a valid gzip log file, listed by no digest) is reported
// on stderr with and without --strict, and fails --strict, whose summary
// then says so. Before, both passed silently with exit status 0.
func TestUnlistedForgedFile(t *testing.T) {
	store, res, keys := setup(t)
	ctx := context.Background()
	// A real log file's body under a new key in the middle of the range.
	body, err := store.Get(ctx, res.Bucket, res.Logs["us-east-1"][1])
	if err != nil {
		t.Fatal(err)
	}
	k, _ := logfile.ParseKey(res.Logs["us-east-1"][1])
	k.Unique = "F0rgedF0rgedF0rg"
	forged := k.String()
	store.Put(ctx, logfile.Object{Bucket: res.Bucket, Key: forged, Body: body.Body})
	opts := res.ValidateOptions("us-east-1", keys)

	code, so, se := run(t, store, opts, false)
	line := "Log file\ts3://" + res.Bucket + "/" + forged + "\tINVALID: log file listed in no digest ("
	if code != 0 || !strings.Contains(se, line) || !strings.Contains(so, "\n1 log file listed in no digest\n") {
		t.Errorf("default: exit %d\n%s%s", code, so, se)
	}
	code, so, se = run(t, store, opts, true)
	if code != 1 || !strings.Contains(se, line) || !strings.HasSuffix(so, "\n1 log file listed in no digest\n1 strict check failed\n") {
		t.Errorf("strict: exit %d\n%s%s", code, so, se)
	}
	// Untouched: nothing reported, exit 0 both ways, aws-cli's summary.
	store.Delete(res.Bucket, forged)
	for _, strict := range []bool{false, true} {
		code, so, se = run(t, store, opts, strict)
		if code != 0 || se != "" || strings.Contains(so, "no digest") || strings.Contains(so, "strict") {
			t.Errorf("clean, strict=%v: exit %d\n%s%s", strict, code, so, se)
		}
	}
}

// TestNothingValidated: a wrong prefix, bucket or Region finds no digest.
// aws-cli prints "No digests found" and exits 0; the stdout stays, the exit
// status is 1 and stderr says why. Before, the exit status was 0.
func TestNothingValidated(t *testing.T) {
	store, res, keys := setup(t)
	for name, mut := range map[string]func(*digest.ValidateOptions){
		"prefix": func(o *digest.ValidateOptions) { o.Prefix = "wrong" },
		"bucket": func(o *digest.ValidateOptions) { o.Bucket = "other-bucket" },
		"region": func(o *digest.ValidateOptions) { o.Region = "eu-central-1" },
	} {
		opts := res.ValidateOptions("us-east-1", keys)
		mut(&opts)
		for _, strict := range []bool{false, true} {
			code, so, se := run(t, store, opts, strict)
			if code != 1 || !strings.HasSuffix(so, "\nNo digests found\n") || !strings.Contains(se, "No digest was validated") {
				t.Errorf("%s strict=%v: exit %d\n%s%s", name, strict, code, so, se)
			}
		}
	}
}

// TestStrictSummaryMatchesExit: with --strict and a strict-only problem
// (a log file listed twice), the summary no longer reads "n/n log files
// valid" alone while the exit status is 1.
func TestStrictSummaryMatchesExit(t *testing.T) {
	store, res, keys := setup(t)
	opts := res.ValidateOptions("us-east-1", keys)
	opts.ReportMissingNewest = true
	opts.End = res.End.Add(3 * 3600e9) // digests missing at the newest end
	code, so, _ := run(t, store, opts, true)
	if code != 1 || !strings.Contains(so, "strict check failed") && !strings.Contains(so, "strict checks failed") {
		t.Errorf("exit %d with summary\n%s", code, so)
	}
	code, so, _ = run(t, store, opts, false)
	if code != 0 || strings.Contains(so, "strict") {
		t.Errorf("default: exit %d\n%s", code, so)
	}
}

// TestControlCharactersEscaped: a key carrying terminal escape sequences
// (from a hostile listing or digest) is printed escaped, not obeyed.
func TestControlCharactersEscaped(t *testing.T) {
	rep := &digest.Report{
		Digests:  []digest.DigestResult{{Status: digest.StatusValid}},
		Findings: []digest.Finding{{Kind: digest.FindingUnlisted, Bucket: "b", Key: "AWSLogs/x\x1b[2J\x07\u009b.json.gz", Detail: "d\r"}},
	}
	var so, se bytes.Buffer
	awscli.WriteText(&so, &se, rep, awscli.Options{Strict: true})
	out := so.String() + se.String()
	if strings.ContainsAny(out, "\x1b\x07\r\u009b") || !strings.Contains(se.String(), `AWSLogs/x\x1b[2J\x07\u009b.json.gz`) || !strings.Contains(se.String(), `(d\x0d)`) {
		t.Errorf("not escaped: %q", se.String())
	}
}
