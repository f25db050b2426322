package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/internal/trailname"
	"github.com/trailkit/trailkit/logfile"
)

const genAbout = `Usage: trailkit gen --dir DIR [flags]

Writes a deterministic fixture bucket: generated activity (eventtest) for
one account in the given Regions, sent through a multi-Region trail homed in
the first Region (advanced selectors: every management event, S3 object
writes) into DIR/BUCKET as CloudTrail log files, delivered every 5 simulated
minutes, with a signed digest chain per delivering Region (hourly, and a
final digest 5 minutes after the activity ends). Global service events are
recorded in us-east-1, so us-east-1 always delivers. Objects are at
DIR/BUCKET/KEY; a digest's signature metadata is in the sidecar
DIR/BUCKET/KEY.metadata.json, as logfile.NewDirStore's store writes it.

The signing key is read from --signing-key (PEM, RSA); when the file does
not exist a 2048-bit key is generated and written there. The same flags and
the same key give the same bytes, file for file. --public-keys receives the
key in the JSON shape 'aws cloudtrail list-public-keys' prints.

--anomalies N injects N anomalies in the second half of the span (spikes of
ten times the rate of a busy write API and bursts of 12 errors a minute,
alternating, in the Regions in turn); each is printed as a line
"anomaly KIND REGION SOURCE NAME [ERRORCODE] START DURATION".
--techniques ID,ID… executes attack techniques of the catalogue (listed by
--list-techniques: id, ATT&CK tactic and technique, what it does) inside
the activity, spread evenly over the span, each by one actor from
203.0.113.66; each is printed as a line "attack ID FIRST LAST RECORDS".
--truth FILE writes the ground truth of the attacks and anomalies as JSON
lines: kind, name, ATT&CK ids, account, region, actor, first, last and the
eventIds of the records in the bucket.
With --insights the Insights detector also runs (warm-up --warm-up) and its
records are written as Insights files. DIR/BUCKET must not exist yet.
gen is a thin user of the library call fixture.Write
(event/eventtest/fixture).`

func runGen(e *env, args []string) int {
	fs := newFlags("gen", genAbout)
	loc := fs.bucketFlags("trailkit-fixture-bucket")
	account := fs.account("111122223333", "12-digit account `id`")
	regionsFlag := fs.regions([]string{"us-east-1"}, "comma-separated `Regions`; the first is the trail's home Region")
	trailName := fs.String("trail", "fixture-trail", "trail `name`")
	start, _ := fs.timeRange("first minute of the activity (default 2024-03-05T00:00:00Z)", "")
	start.t = time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC)
	hours := fs.Int("hours", 3, "hours of activity")
	rate := fs.Float64("rate", 60, "mean records per minute over all Regions")
	anomalies := fs.Int("anomalies", 0, "number of injected anomalies")
	seed := fs.Int64("seed", 1, "random seed")
	keyPath := fs.String("signing-key", "", "RSA private key `file` (PEM); default DIR/signing-key.pem, generated when absent")
	pubPath := fs.String("public-keys", "", "output `file` for the list-public-keys JSON; default DIR/public-keys.json")
	trailOut := fs.String("trail-json", "", "also write the trail (with its selectors) as JSON to `file`")
	withInsights := fs.Bool("insights", false, "run the Insights detector and write Insights files")
	warmUp := fs.Duration("warm-up", 0, "Insights detector warm-up; default half the span")
	techniques := fs.String("techniques", "", "comma-separated technique `ids` to execute (see --list-techniques)")
	truthPath := fs.String("truth", "", "write the ground truth of attacks and anomalies as JSON lines to `file`")
	listTechniques := fs.Bool("list-techniques", false, "print the technique catalogue and exit")
	quiet := fs.quiet()
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	if *listTechniques && fs.NArg() == 0 {
		for _, t := range eventtest.Techniques() {
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", t.ID, t.TacticID, t.TechniqueID, t.Doc)
		}
		return exitOK
	}
	var attacks []eventtest.Attack
	if *techniques != "" {
		known := map[string]bool{}
		for _, t := range eventtest.Techniques() {
			known[t.ID] = true
		}
		for _, id := range strings.Split(*techniques, ",") {
			if !known[id] {
				return usageError(e, fs, "--techniques: unknown technique %q (see --list-techniques)", id)
			}
			attacks = append(attacks, eventtest.Attack{Technique: id})
		}
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "":
		return usageError(e, fs, "--dir is required")
	case *hours < 1 || *hours > 24*92:
		return usageError(e, fs, "--hours must be 1 to 2208")
	case *rate <= 0:
		return usageError(e, fs, "--rate must be positive")
	case *anomalies < 0 || *anomalies > 4**hours:
		return usageError(e, fs, "--anomalies must be 0 to 4 per hour")
	case start.t.Truncate(time.Minute) != start.t:
		return usageError(e, fs, "--start-time must be a whole minute")
	}
	if err := checkAccount(*account); err != nil {
		return usageError(e, fs, "%v", err)
	}
	regions := []string(*regionsFlag)
	if err := checkRegions(regions); err != nil {
		return usageError(e, fs, "%v", err)
	}
	if err := trailname.Err(*trailName); err != nil {
		return usageError(e, fs, "--trail: %v", err)
	}
	if err := logfile.CheckKey(loc.Bucket, "x"); err != nil || strings.Contains(loc.Bucket, "/") {
		return usageError(e, fs, "--s3-bucket %q is not a bucket name", loc.Bucket)
	}
	if *keyPath == "" {
		*keyPath = filepath.Join(loc.dir, "signing-key.pem")
	}
	if *pubPath == "" {
		*pubPath = filepath.Join(loc.dir, "public-keys.json")
	}
	if _, err := os.Stat(filepath.Join(loc.dir, loc.Bucket)); err == nil {
		return usageError(e, fs, "%s already exists; gen writes a new bucket", filepath.Join(loc.dir, loc.Bucket))
	} else if !errors.Is(err, os.ErrNotExist) {
		return ioError(e, "gen", err)
	}
	signer, created, err := loadOrCreateSigner(*keyPath)
	if err != nil {
		return ioError(e, "gen", err)
	}
	if created {
		fmt.Fprintf(e.stderr, "trailkit gen: generated a signing key in %s\n", *keyPath)
	}
	a := &activity{
		Dir: loc.dir, Location: loc.Location, Account: *account, Regions: regions, TrailName: *trailName,
		Start: start.t, Hours: *hours, Rate: *rate,
		Anomalies: *anomalies, Attacks: attacks, Seed: *seed, Signer: signer, Progress: newProgress(e.stderr, *quiet),
	}
	if *withInsights {
		w := *warmUp
		if w == 0 {
			w = time.Duration(*hours) * time.Hour / 2
		}
		a.Insights = &insights.Options{WarmUp: w}
	}
	out, err := generate(context.Background(), a)
	if err != nil {
		return ioError(e, "gen", err)
	}
	pub, err := publicKeysJSON(signer, a.Start, out.Finish)
	if err != nil {
		return ioError(e, "gen", err)
	}
	files := map[string][]byte{*pubPath: pub}
	if *trailOut != "" {
		tj, _ := json.MarshalIndent(out.Trail, "", "  ")
		files[*trailOut] = append(tj, '\n')
	}
	if *truthPath != "" {
		var b []byte
		for _, t := range out.Truth {
			line, err := truthJSON(t)
			if err != nil {
				return ioError(e, "gen", err)
			}
			b = append(append(b, line...), '\n')
		}
		files[*truthPath] = b
	}
	if err := writeFiles(files); err != nil {
		return ioError(e, "gen", err)
	}
	w := e.stdout
	fmt.Fprintf(w, "bucket %s\n", filepath.Join(loc.dir, loc.Bucket))
	fmt.Fprintf(w, "trail %s\n", out.Trail.TrailARN)
	fmt.Fprintf(w, "regions %s\n", strings.Join(out.DeliveringRegions, ","))
	fmt.Fprintf(w, "time %s %s\n", a.Start.Format(time.RFC3339), out.Finish.Format(time.RFC3339))
	fmt.Fprintf(w, "records %d generated, %d recorded\n", out.Generated, out.Recorded)
	fmt.Fprintf(w, "files %d log files, %d digests, %d Insights files\n", out.LogFiles, out.Digests, out.InsightFiles)
	fmt.Fprintf(w, "public-keys %s\n", *pubPath)
	for _, an := range out.Anomalies {
		fmt.Fprintf(w, "anomaly %s %s %s %s%s %s %s\n", an.Kind, an.Region, an.EventSource, an.EventName,
			suffix(" ", an.ErrorCode), an.Start.Format(time.RFC3339), an.Duration)
	}
	for _, t := range out.Truth {
		if t.Kind == "attack" {
			fmt.Fprintf(w, "attack %s %s %s %d\n", t.Name, t.First.Format(time.RFC3339), t.Last.Format(time.RFC3339), len(t.EventIDs))
		}
	}
	return exitOK
}

// truthJSON writes t as one JSON object, a line of gen --truth: kind,
// name, tacticId, techniqueId, index, account, region, actor (type, arn,
// principalId, accessKeyId, userName, sourceIPAddress, userAgent), first,
// last (RFC 3339) and eventIds.
func truthJSON(t eventtest.Truth) ([]byte, error) {
	type actor struct {
		Type            string `json:"type,omitempty"`
		ARN             string `json:"arn,omitempty"`
		PrincipalID     string `json:"principalId,omitempty"`
		AccessKeyID     string `json:"accessKeyId,omitempty"`
		UserName        string `json:"userName,omitempty"`
		SourceIPAddress string `json:"sourceIPAddress,omitempty"`
		UserAgent       string `json:"userAgent,omitempty"`
	}
	var a *actor
	if t.Actor.Identity != nil || t.Actor.SourceIPAddress != "" {
		a = &actor{SourceIPAddress: t.Actor.SourceIPAddress, UserAgent: t.Actor.UserAgent}
		if id := t.Actor.Identity; id != nil {
			a.Type, a.ARN, a.PrincipalID, a.AccessKeyID, a.UserName = string(id.Type), id.ARN, id.PrincipalID, id.AccessKeyID, id.UserName
		}
	}
	ids := t.EventIDs
	if ids == nil {
		ids = []string{}
	}
	return json.Marshal(struct {
		Kind        string   `json:"kind"`
		Name        string   `json:"name"`
		TacticID    string   `json:"tacticId,omitempty"`
		TechniqueID string   `json:"techniqueId,omitempty"`
		Index       int      `json:"index"`
		Account     string   `json:"account"`
		Region      string   `json:"region"`
		Actor       *actor   `json:"actor,omitempty"`
		First       string   `json:"first"`
		Last        string   `json:"last"`
		EventIDs    []string `json:"eventIds"`
	}{t.Kind, t.Name, t.TacticID, t.TechniqueID, t.Index, t.Account, t.Region, a,
		t.First.Format(time.RFC3339), t.Last.Format(time.RFC3339), ids})
}
