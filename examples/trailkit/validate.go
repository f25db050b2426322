package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/trail"
)

const validateAbout = `Usage: trailkit validate --dir DIR --s3-bucket B --trail-arn ARN --start-time T --public-keys FILE [flags]

Validates a trail's digest chain in a local bucket exactly as
'aws cloudtrail validate-logs' does, and takes its flag names (--s3-bucket,
--s3-prefix, --start-time, --end-time, --account-id, --verbose) and time
formats (20160129T19:00:00Z, RFC 3339, epoch seconds). It lists the
digests of one account and delivering Region from --start-time to
--end-time (+1h), walks them newest to oldest, checks each digest's location, public key and signature
and the SHA-256 of every log file it lists, follows the chain and reports
gaps. The output is validate-logs' own: header and summary (and with
--verbose a line per valid file) on stdout, one line per invalid or missing
file and per gap on stderr; or, with --json, one JSON object on stdout.

The public keys come from --public-keys, the JSON 'aws cloudtrail
list-public-keys' prints (gen and demo write it). The delivering Region is
--region, by default the trail's home Region (the ARN's); the account is
--account-id, by default the ARN's (set it to a member account for an
organization trail, with --org-id).

Beyond aws-cli, log files of the trail's folder that no digest lists
(dropped in, or never digested) are reported on stderr when aws-cli's own
checks pass; --strict also checks the previousDigestHashValue and
previousDigestSignature links, trailing bytes after gzip data, duplicate
listings and digests missing at the newest end of the range, and counts
all of them as problems (the summary then ends "N strict checks failed").
With --json, strictOK is printed only with --strict.

Exit status: 0 when every digest and log file is valid, 1 when any is
invalid or missing or when no digest was validated at all (aws-cli exits
0 on "No digests found": a wrong bucket, prefix, account or Region), 2 for
usage errors and when validation cannot run.`

func runValidate(e *env, args []string) int {
	fs := newFlags("validate", validateAbout)
	loc := fs.bucketFlags("")
	arn := fs.String("trail-arn", "", "trail `ARN`, arn:aws:cloudtrail:REGION:ACCOUNT:trail/NAME (required)")
	start, end := fs.timeRange("start of the range (required)", "end of the range (default now)")
	pubPath := fs.String("public-keys", "", "list-public-keys JSON `file` (required)")
	account := fs.account("", "account `id` whose logs to validate (default the ARN's)")
	region := fs.region("delivering `Region` whose digests to validate (default the trail's home Region)")
	verbose := fs.Bool("verbose", false, "print a line for every valid digest and log file")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	strict := fs.Bool("strict", false, "also check the chain links aws-cli does not check, and fail on them")
	quiet := fs.quiet()
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "" || *arn == "" || start.t.IsZero() || *pubPath == "":
		return usageError(e, fs, "--dir, --s3-bucket, --trail-arn, --start-time and --public-keys are required")
	}
	if _, _, _, ok := trail.ParseTrailARN(*arn); !ok {
		return usageError(e, fs, "--trail-arn %q is not arn:<partition>:cloudtrail:<region>:<account>:trail/<name>", *arn)
	}
	endT := end.t
	if endT.IsZero() {
		endT = time.Now().UTC().Truncate(time.Second)
	}
	if start.t.After(endT) {
		fmt.Fprintln(e.stderr, "Invalid time range specified: start-time must occur before end-time")
		return exitUsage
	}
	if st, err := os.Stat(loc.dir); err != nil || !st.IsDir() {
		return ioError(e, "validate", fmt.Errorf("--dir %s is not a directory", loc.dir))
	}
	var ring digest.KeyRing
	f, err := os.Open(*pubPath)
	if err != nil {
		return ioError(e, "validate", err)
	}
	err = ring.LoadPublicKeys(f)
	f.Close()
	if err != nil {
		return ioError(e, "validate", fmt.Errorf("%s: %w", *pubPath, err))
	}
	store, err := logfile.NewDirStore(loc.dir, logfile.DirStoreOptions{})
	if err != nil {
		return ioError(e, "validate", err)
	}
	prog := newProgress(e.stderr, *quiet)
	rep, err := digest.Validate(context.Background(), store, digest.ValidateOptions{
		DigestChain:         loc.chain(*account, *region),
		TrailARN:            *arn,
		Start:               start.t,
		End:                 endT,
		Keys:                &ring,
		ReportMissingNewest: *strict,
		Progress:            func(done, queued int) { prog.update("validated %d of %d log files", done, queued) },
	})
	prog.done()
	if err != nil {
		return ioError(e, "validate", err)
	}
	if *asJSON {
		b, err := json.MarshalIndent(reportJSON(rep, *strict), "", "  ")
		if err != nil {
			return ioError(e, "validate", err)
		}
		e.stdout.Write(append(b, '\n'))
		return awscli.ExitStatus(rep, *strict)
	}
	code, err := awscli.WriteText(e.stdout, e.stderr, rep, awscli.Options{Verbose: *verbose, Strict: *strict})
	if err != nil {
		return ioError(e, "validate", err)
	}
	return code
}

type resultJSON struct {
	Bucket   string        `json:"bucket"`
	Key      string        `json:"key"`
	Digest   string        `json:"digest,omitempty"`
	Backfill bool          `json:"backfill,omitempty"`
	Status   digest.Status `json:"status"`
	Valid    bool          `json:"valid"`
	Error    string        `json:"error,omitempty"`
}

type gapJSON struct {
	Backfill bool   `json:"backfill"`
	From     string `json:"from"`
	To       string `json:"to"`
}

type findingJSON struct {
	Kind   digest.FindingKind `json:"kind"`
	Bucket string             `json:"bucket"`
	Key    string             `json:"key"`
	Detail string             `json:"detail"`
}

// validateJSONOut is what validate --json prints: trailArn, start, end,
// foundStart, foundEnd (null when nothing was valid), digests and logFiles
// in the walk's order, gaps, findings, ok and, with --strict, strictOK.
type validateJSONOut struct {
	TrailARN   string        `json:"trailArn"`
	Start      string        `json:"start"`
	End        string        `json:"end"`
	FoundStart *string       `json:"foundStart"`
	FoundEnd   *string       `json:"foundEnd"`
	Digests    []resultJSON  `json:"digests"`
	LogFiles   []resultJSON  `json:"logFiles"`
	Gaps       []gapJSON     `json:"gaps"`
	Findings   []findingJSON `json:"findings"`
	OK         bool          `json:"ok"`
	// StrictOK means something only when the strict checks were asked
	// for; "ok" then follows the exit status.
	StrictOK *bool `json:"strictOK,omitempty"`
}

func reportJSON(r *digest.Report, strict bool) validateJSONOut {
	disp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }
	opt := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := disp(t)
		return &s
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	out := validateJSONOut{TrailARN: r.TrailARN, Start: disp(r.Start), End: disp(r.End), FoundStart: opt(r.FoundStart), FoundEnd: opt(r.FoundEnd),
		Digests: []resultJSON{}, LogFiles: []resultJSON{}, Gaps: []gapJSON{}, Findings: []findingJSON{}, OK: r.OK()}
	if strict {
		ok := r.Strict()
		out.StrictOK = &ok
	}
	for _, d := range r.Digests {
		out.Digests = append(out.Digests, resultJSON{Bucket: d.Bucket, Key: d.Key, Backfill: d.Backfill, Status: d.Status, Valid: d.Status == digest.StatusValid, Error: errText(d.Err)})
	}
	for _, l := range r.LogFiles {
		out.LogFiles = append(out.LogFiles, resultJSON{Bucket: l.Bucket, Key: l.Key, Digest: l.Digest, Backfill: l.Backfill, Status: l.Status, Valid: l.Status == digest.StatusValid, Error: errText(l.Err)})
	}
	for _, g := range r.Gaps {
		out.Gaps = append(out.Gaps, gapJSON{g.Backfill, disp(g.From), disp(g.To)})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, findingJSON{f.Kind, f.Bucket, f.Key, f.Detail})
	}
	return out
}
