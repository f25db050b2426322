package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/logfile"
)

const demoAbout = `Usage: trailkit demo [flags]

Generates a day of activity for one account in two Regions, with a few
injected anomalies (eventtest), and sends it through a multi-Region trail
with advanced selectors (every management event; S3 object writes, so S3
reads are left out) into a local bucket, DIR/trailkit-demo-bucket:

  - log files (logfile.Writer, delivered every 5 simulated minutes),
  - hourly signed digest files per Region (digest.Chain), ending with a
    final digest when the simulated trail stops logging,
  - Insights files (the insights detector over the recorded events).

Then it validates every digest chain (digest.Validate) and prints a summary.
The clock is simulated and every random choice is seeded: the same --seed
gives the same log files and Insights files. The signing key is DIR/signing-key.pem
(generated when absent; reused otherwise, so digests are reproducible too),
the public keys DIR/public-keys.json and the trail DIR/trail.json, ready
for the validate, lookup, insights and selectors commands. DIR/trailkit-demo-bucket
is deleted first.

Insights on a single day: CloudTrail learns a baseline over at least a
week, which a one-day demo does not have. The demo's detector starts
judging after --warm-up (default 6h) and reports the baseline it learnt so
far (baselineDuration is then under the 10080 minutes CloudTrail reports);
the anomalies are injected in the second half of the day.`

func runDemo(e *env, args []string) int {
	fs := newFlags("demo", demoAbout)
	dir := fs.String("dir", "./trailkit-demo", "output `directory`")
	seed := fs.Int64("seed", 1, "random seed of the activity")
	hours := fs.Int("hours", 24, "hours of activity")
	rate := fs.Float64("rate", 100, "mean records per minute over all Regions")
	regionsFlag := fs.regions([]string{"us-east-1", "eu-west-1"}, "comma-separated `Regions`; the first is the trail's home Region")
	account := fs.account("111122223333", "12-digit account `id`")
	anomalies := fs.Int("anomalies", 3, "injected anomalies (spikes and error bursts, alternating)")
	warmUp := fs.Duration("warm-up", 6*time.Hour, "history the Insights detector needs before it reports")
	quiet := fs.quiet()
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	}
	regions := []string(*regionsFlag)
	if *hours < 1 || *hours > 24*31 {
		return usageError(e, fs, "--hours must be 1 to 744")
	}
	if *rate <= 0 {
		return usageError(e, fs, "--rate must be positive")
	}
	if *anomalies < 0 {
		return usageError(e, fs, "--anomalies must not be negative")
	}
	if err := checkAccount(*account); err != nil {
		return usageError(e, fs, "%v", err)
	}
	ctx := context.Background()
	began := time.Now()
	const bucket = "trailkit-demo-bucket"
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		return ioError(e, "demo", err)
	}
	if err := os.RemoveAll(filepath.Join(*dir, bucket)); err != nil {
		return ioError(e, "demo", err)
	}
	keyPath := filepath.Join(*dir, "signing-key.pem")
	signer, _, err := loadOrCreateSigner(keyPath)
	if err != nil {
		return ioError(e, "demo", err)
	}
	prog := newProgress(e.stderr, *quiet)
	a := &activity{
		Dir: *dir, Location: logfile.Location{Bucket: bucket}, Account: *account, Regions: regions, TrailName: "trailkit-demo",
		Start: time.Date(2024, 3, 5, 0, 0, 0, 0, time.UTC), Hours: *hours, Rate: *rate,
		Anomalies: *anomalies, Seed: *seed, Signer: signer,
		Insights: &insights.Options{WarmUp: *warmUp},
		Progress: prog,
	}
	if err := checkRegions(regions); err != nil {
		return usageError(e, fs, "%v", err)
	}
	out, err := generate(ctx, a)
	if err != nil {
		return ioError(e, "demo", err)
	}
	pk, err := publicKey(signer)
	if err != nil {
		return ioError(e, "demo", err)
	}
	fingerprint := pk.Fingerprint
	pub, err := publicKeysJSON(signer, a.Start, out.Finish)
	if err != nil {
		return ioError(e, "demo", err)
	}
	pubPath := filepath.Join(*dir, "public-keys.json")
	trailPath := filepath.Join(*dir, "trail.json")
	tj, _ := json.MarshalIndent(out.Trail, "", "  ")
	if err := writeFiles(map[string][]byte{pubPath: pub, trailPath: append(tj, '\n')}); err != nil {
		return ioError(e, "demo", err)
	}

	// Validate every chain, as validate-logs would, Region by Region.
	var ring digest.KeyRing
	if err := ring.LoadPublicKeys(strings.NewReader(string(pub))); err != nil {
		return ioError(e, "demo", err)
	}
	store, err := logfile.NewDirStore(*dir, logfile.DirStoreOptions{})
	if err != nil {
		return ioError(e, "demo", err)
	}
	type regionResult struct {
		name string
		rep  *digest.Report
	}
	var results []regionResult
	allOK := true
	for _, r := range out.DeliveringRegions {
		rep, err := digest.Validate(ctx, store, digest.ValidateOptions{
			DigestChain:         logfile.DigestChain{Location: a.Location, Region: r},
			TrailARN:            out.Trail.TrailARN,
			Start:               a.Start,
			End:                 out.Finish,
			Keys:                &ring,
			ReportMissingNewest: true,
			Progress:            func(done, queued int) { prog.update("validating %s: %d/%d log files", r, done, queued) },
		})
		if err != nil {
			return ioError(e, "demo", err)
		}
		allOK = allOK && rep.Strict()
		results = append(results, regionResult{r, rep})
	}
	prog.done()

	w := e.stdout
	fmt.Fprintf(w, "trailkit demo: %dh of activity for account %s in %s (seed %d)\n\n", *hours, *account, strings.Join(regions, ", "), *seed)
	fmt.Fprintf(w, "Trail       %s\n", out.Trail.TrailARN)
	fmt.Fprintf(w, "            multi-Region; selectors: every management event, S3 object writes\n")
	fmt.Fprintf(w, "Bucket      %s\n", filepath.Join(*dir, bucket))
	fmt.Fprintf(w, "Records     %d generated, %d recorded (%d management, %d S3 data), %d left out by the selectors\n",
		out.Generated, out.Recorded, out.RecordedByCategory[event.CategoryManagement], out.RecordedByCategory[event.CategoryData], out.Generated-out.Recorded)
	fmt.Fprintf(w, "Log files   %d in %d Regions (%s gzip, %s JSON)\n", out.LogFiles, len(out.DeliveringRegions), size(out.LogBytes), size(out.JSONBytes))
	fmt.Fprintf(w, "Digests     %d, hourly per Region, signed by key %s\n", out.Digests, fingerprint)
	fmt.Fprintf(w, "Insights    %d records in %d Insights files\n", len(out.InsightRecords), out.InsightFiles)
	writeInsightSummary(w, out.InsightRecords)
	fmt.Fprintf(w, "Injected    ")
	for i, an := range out.Anomalies {
		if i > 0 {
			fmt.Fprintf(w, "            ")
		}
		fmt.Fprintf(w, "%s %s %s:%s%s from %s for %s\n", an.Kind, an.Region, short(an.EventSource), an.EventName,
			suffix(" ", an.ErrorCode), an.Start.Format("15:04"), an.Duration)
	}
	if len(out.Anomalies) == 0 {
		fmt.Fprintln(w, "none")
	}
	fmt.Fprintf(w, "Validation  ")
	for i, r := range results {
		if i > 0 {
			fmt.Fprintf(w, "            ")
		}
		d, dOK := countStatus(r.rep.Digests)
		l, lOK := countLogStatus(r.rep.LogFiles)
		fmt.Fprintf(w, "%-10s %d/%d digest files valid, %d/%d log files valid", r.name, dOK, d, lOK, l)
		if n := len(r.rep.Findings); n > 0 {
			fmt.Fprintf(w, ", %d strict findings", n)
		}
		fmt.Fprintln(w)
	}
	verdict := "every digest and log file is valid"
	if !allOK {
		verdict = "PROBLEMS FOUND"
	}
	fmt.Fprintf(w, "Result      %s (%.1fs)\n\n", verdict, time.Since(began).Seconds())
	fmt.Fprintf(w, "Next: trailkit validate --dir %s --s3-bucket %s --trail-arn %s --start-time %s --public-keys %s --verbose\n",
		*dir, bucket, out.Trail.TrailARN, a.Start.Format(time.RFC3339), pubPath)
	fmt.Fprintf(w, "      trailkit lookup --dir %s --s3-bucket %s --account-id %s --region %s --lookup-attribute EventName=ConsoleLogin\n", *dir, bucket, *account, "us-east-1")
	fmt.Fprintf(w, "      trailkit selectors --trail %s < records.jsonl\n", trailPath)
	if !allOK {
		return exitProblems
	}
	return exitOK
}

// writeInsightSummary prints one line per insight (its Start and End
// records paired by sharedEventID): type, API, Region, time, statistics.
func writeInsightSummary(w io.Writer, recs []*event.Record) {
	type pair struct{ start, end *event.Record }
	byID := map[string]*pair{}
	var order []string
	for _, r := range recs {
		p := byID[r.SharedEventID]
		if p == nil {
			p = &pair{}
			byID[r.SharedEventID] = p
			order = append(order, r.SharedEventID)
		}
		if r.InsightDetails != nil && r.InsightDetails.State == event.InsightEnd {
			p.end = r
		} else {
			p.start = r
		}
	}
	for _, id := range order {
		p := byID[id]
		r := p.start
		if r == nil {
			r = p.end
		}
		d := r.InsightDetails
		fmt.Fprintf(w, "            %s %s %s:%s%s at %s", d.InsightType, r.AWSRegion, short(d.EventSource), d.EventName,
			suffix(" ", d.ErrorCode), r.EventTime.Format("15:04"))
		st := stats(r)
		if p.end != nil {
			st = stats(p.end)
			fmt.Fprintf(w, "–%s", p.end.EventTime.Format("15:04"))
		} else {
			fmt.Fprintf(w, " (open)")
		}
		if st != nil {
			fmt.Fprintf(w, ": baseline %s/min over %d min, insight %s/min", num(st.Baseline), deref(st.BaselineDuration), num(st.Insight))
			if st.InsightDuration != nil {
				fmt.Fprintf(w, " for %d min", *st.InsightDuration)
			}
		}
		fmt.Fprintln(w)
	}
}

func stats(r *event.Record) *event.InsightStatistics {
	if r.InsightDetails == nil || r.InsightDetails.InsightContext == nil {
		return nil
	}
	return r.InsightDetails.InsightContext.Statistics
}

func num(a *event.Average) string {
	if a == nil {
		return "?"
	}
	return fmt.Sprintf("%.3g", a.Average)
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func short(source string) string { return strings.TrimSuffix(source, ".amazonaws.com") }

func suffix(sep, s string) string {
	if s == "" {
		return ""
	}
	return sep + s
}

func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

func countStatus(ds []digest.DigestResult) (total, valid int) {
	for _, d := range ds {
		total++
		if d.Status == digest.StatusValid {
			valid++
		}
	}
	return
}

func countLogStatus(ls []digest.LogFileResult) (total, valid int) {
	for _, l := range ls {
		total++
		if l.Status == digest.StatusValid {
			valid++
		}
	}
	return
}

// writeFiles writes each file, creating directories.
func writeFiles(files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		if err := os.MkdirAll(filepath.Dir(n), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(n, files[n], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// checkAccount checks a 12-digit account id.
func checkAccount(a string) error {
	if len(a) != 12 || strings.Trim(a, "0123456789") != "" {
		return fmt.Errorf("account %q is not a 12-digit account id", a)
	}
	return nil
}

// checkRegions checks Region names the way key layouts need them.
func checkRegions(rs []string) error {
	if len(rs) == 0 {
		return fmt.Errorf("no Regions given")
	}
	seen := map[string]bool{}
	for _, r := range rs {
		k := logfile.Key{Kind: logfile.KindLog, Account: "111122223333", Region: r,
			Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Unique: "AAAAAAAAAAAAAAAA"}
		if err := k.Validate(); err != nil {
			return fmt.Errorf("%q is not a Region name", r)
		}
		if seen[r] {
			return fmt.Errorf("Region %q given twice", r)
		}
		seen[r] = true
	}
	return nil
}
