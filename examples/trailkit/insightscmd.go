package main

import (
	"container/heap"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/internal/randdist"
	"github.com/trailkit/trailkit/logfile"
)

const insightsAbout = `Usage: trailkit insights --dir DIR --s3-bucket B --account-id ID [flags]

Runs the Insights detector (package insights) over the log files of one
account in a local bucket, Region by Region (each Region has its own
detector, as CloudTrail analyses Regions separately), and prints the
Insights records it emits as JSON, one record per line, oldest first.
Records are fed to the detector in eventTime order (a reorder buffer of one
hour absorbs the files' overlap). With --write the records are also stored
as Insights files (CloudTrail-Insight/, one file per record, delivered at
the record's eventTime) in the bucket.

--regions defaults to every Region folder under the account's CloudTrail/
folder. The detector options are the insights.Options fields; zero means
the package default (a 7-day baseline window and a 24-hour warm-up, so a
bucket needs more than a day of logs unless --warm-up is lowered).
--lateness is always set (default 5m, the package's): the command
advances each detector to the end plus the lateness, which scores the
last minute and no silence after it.
--seed makes the eventID and sharedEventID values reproducible.
Files that cannot be read are reported on stderr and the exit status is then 1.`

func runInsights(e *env, args []string) int {
	fs := newFlags("insights", insightsAbout)
	loc := fs.bucketFlags("")
	account := fs.account("", "12-digit account `id` (required)")
	regionsFlag := fs.regions(nil, "comma-separated `Regions` (default: every Region in the bucket)")
	start, end := fs.timeRange("earliest eventTime analysed", "latest eventTime analysed; the detector is advanced to it")
	write := fs.Bool("write", false, "also store the records as Insights files in the bucket")
	seed := fs.Int64("seed", 0, "seed for reproducible event ids (0: random UUIDs)")
	quiet := fs.quiet()
	var o insights.Options
	fs.DurationVar(&o.BaselineWindow, "baseline-window", 0, "baseline window (default 168h)")
	fs.DurationVar(&o.WarmUp, "warm-up", 0, "history needed before any insight opens (default 24h; negative: none)")
	fs.DurationVar(&o.Lateness, "lateness", 5*time.Minute, "how late a record may arrive (rounded up to whole minutes; at most 1h)")
	fs.Float64Var(&o.Sensitivity, "sensitivity", 0, "Poisson tail probability of an anomalous minute (default 1e-5)")
	fs.Float64Var(&o.ExitSensitivity, "exit-sensitivity", 0, "tail probability that keeps an insight open (default 1e-2)")
	fs.Float64Var(&o.MinExcess, "min-excess", 0, "least calls per minute above the expected rate (default 2; negative: none)")
	fs.Float64Var(&o.MinRatio, "min-ratio", 0, "least ratio observed/expected of a rise (default 2; negative: none)")
	fs.Float64Var(&o.DropRatio, "drop-ratio", 0, "largest ratio observed/expected of a drop (default 0.25; negative: no maximum)")
	fs.Float64Var(&o.MaxDispersion, "max-dispersion", 0, "largest variance/mean learnt per series (default 50; negative: Poisson)")
	fs.Float64Var(&o.MaxTrend, "max-trend", 0, "bound of the trend factor (default 4/3; negative: no trend)")
	noSeason := fs.Bool("no-seasonality", false, "a flat baseline: no hour-of-day, weekday, schedule or daily-job components")
	fs.IntVar(&o.OpenAfter, "open-after", 0, "anomalous minutes that open an insight (default 2)")
	fs.IntVar(&o.OpenWindow, "open-window", 0, "of the last this many minutes (default 3)")
	fs.IntVar(&o.CloseAfter, "close-after", 0, "normal minutes that close an insight (default 5)")
	fs.DurationVar(&o.MaxInsightDuration, "max-insight-duration", 0, "longest insight (default 24h)")
	fs.Float64Var(&o.SeasonalPrior, "seasonal-prior", 0, "hour-of-day shrinkage weight in calls (default 10)")
	fs.BoolVar(&o.DataEvents, "data-events", false, "also analyse data events")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "" || *account == "":
		return usageError(e, fs, "--dir, --s3-bucket and --account-id are required")
	case !start.t.IsZero() && !end.t.IsZero() && start.t.After(end.t):
		return usageError(e, fs, "--start-time is after --end-time")
	case o.Lateness == 0 || o.Lateness > time.Hour:
		return usageError(e, fs, "--lateness must be more than 0 and at most 1h")
	case o.BaselineWindow < 0 || o.Lateness < 0 || o.Sensitivity < 0 || o.ExitSensitivity < 0 ||
		o.OpenAfter < 0 || o.OpenWindow < 0 || o.CloseAfter < 0 || o.MaxInsightDuration < 0 || o.SeasonalPrior < 0:
		return usageError(e, fs, "detector options must not be negative (except the gates that negative turns off: --warm-up, --min-excess, --min-ratio, --drop-ratio, --max-dispersion, --max-trend)")
	}
	if *noSeason {
		o.Seasonality = insights.NoSeasonality
	}
	if err := checkAccount(*account); err != nil {
		return usageError(e, fs, "%v", err)
	}
	if st, err := os.Stat(loc.dir); err != nil || !st.IsDir() {
		return ioError(e, "insights", fmt.Errorf("--dir %s is not a directory", loc.dir))
	}
	store, err := logfile.NewDirStore(loc.dir, logfile.DirStoreOptions{})
	if err != nil {
		return ioError(e, "insights", err)
	}
	regions := []string(*regionsFlag)
	if len(regions) == 0 {
		regions, err = bucketRegions(loc.dir, loc.Location, *account)
		if err != nil {
			return ioError(e, "insights", err)
		}
		if len(regions) == 0 {
			return ioError(e, "insights", fmt.Errorf("no log files of account %s in bucket %s", *account, loc.Bucket))
		}
	} else if err := checkRegions(regions); err != nil {
		return usageError(e, fs, "%v", err)
	}
	if *seed != 0 {
		o.NewID = randdist.UUIDs(*seed, "insights")
	}
	// The detector scores a minute once the watermark has passed it by the
	// lateness (rounded up to whole minutes): advancing to the end plus
	// exactly that scores the last minute and no silence after it.
	o.Lateness = (o.Lateness + time.Minute - 1).Truncate(time.Minute)
	lateness := o.Lateness
	ctx := context.Background()
	prog := newProgress(e.stderr, *quiet)
	var all []*event.Record
	failed := 0
	for _, region := range regions {
		det := insights.New(o)
		buf := &byTime{}
		var newest time.Time
		n := 0
		for r, err := range logfile.Scan(ctx, store, logfile.ScanOptions{
			Location:   loc.Location,
			Account:    *account,
			Region:     region,
			Start:      start.t,
			End:        end.t,
			WholeFiles: true,
		}) {
			if err != nil {
				var se *logfile.RecordError
				if !errors.As(err, &se) {
					prog.done()
					return ioError(e, "insights", err)
				}
				failed++
				prog.done()
				fmt.Fprintf(e.stderr, "trailkit insights: skipped a file: %s\n", escapeControl(err.Error()))
				continue
			}
			n++
			prog.update("%s: %d records", region, n)
			heap.Push(buf, r)
			if r.EventTime.After(newest) {
				newest = r.EventTime
			}
			// Records more than an hour older than the newest seen are
			// final: files are delivered within minutes of their events
			// (the hour is Scan's default slack).
			for buf.Len() > 0 && (*buf)[0].EventTime.Before(newest.Add(-time.Hour)) {
				det.Add(heap.Pop(buf).(*event.Record))
			}
		}
		for buf.Len() > 0 {
			det.Add(heap.Pop(buf).(*event.Record))
		}
		switch {
		case !end.t.IsZero():
			det.Advance(end.t.Add(lateness))
		case !newest.IsZero():
			det.Advance(newest.Add(lateness))
		}
		all = append(all, det.Drain()...)
	}
	prog.done()
	sort.SliceStable(all, func(i, j int) bool { return all[i].EventTime.Before(all[j].EventTime) })
	var line []byte
	for _, r := range all {
		line = append(r.AppendJSON(line[:0]), '\n')
		if _, err := e.stdout.Write(line); err != nil {
			return ioError(e, "insights", err)
		}
	}
	if *write && len(all) > 0 {
		if err := writeInsightFiles(ctx, store, loc.Location, all); err != nil {
			return ioError(e, "insights", err)
		}
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "trailkit insights: %d files could not be read; the results may be incomplete\n", failed)
		return exitProblems
	}
	return exitOK
}

// writeInsightFiles stores each record as an Insights file delivered at its
// eventTime.
func writeInsightFiles(ctx context.Context, store logfile.Store, loc logfile.Location, recs []*event.Record) error {
	var now time.Time
	w, err := logfile.NewWriter(store, logfile.WriterOptions{ManualTick: true,
		Location: loc,
		Kind:     logfile.KindInsight,
		Now:      func() time.Time { return now },
	})
	if err != nil {
		return err
	}
	for _, r := range recs {
		now = r.EventTime
		if err := w.Write(ctx, r); err != nil {
			return err
		}
		if err := w.Flush(ctx); err != nil {
			return err
		}
	}
	return w.Close(ctx)
}

// bucketRegions lists the Region folders under the account's CloudTrail/
// folder of the bucket in the DirStore rooted at root.
func bucketRegions(root string, loc logfile.Location, account string) ([]string, error) {
	kindDir := loc.Dir(account, logfile.KindLog, "x")
	kindDir = kindDir[:len(kindDir)-len("x/")]
	if err := logfile.CheckKey(loc.Bucket, kindDir+"x"); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(root, loc.Bucket, filepath.FromSlash(kindDir)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	for _, d := range entries {
		if d.IsDir() && checkRegions([]string{d.Name()}) == nil {
			out = append(out, d.Name())
		}
	}
	slices.Sort(out)
	return out, nil
}

// byTime is a min-heap of records by eventTime.
type byTime []*event.Record

func (h byTime) Len() int { return len(h) }
func (h byTime) Less(i, j int) bool {
	if !h[i].EventTime.Equal(h[j].EventTime) {
		return h[i].EventTime.Before(h[j].EventTime)
	}
	return h[i].EventID < h[j].EventID
}
func (h byTime) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *byTime) Push(x any)   { *h = append(*h, x.(*event.Record)) }
func (h *byTime) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
