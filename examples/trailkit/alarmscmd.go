package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/metricfilter"
)

const alarmsAbout = `Usage: trailkit alarms --dir DIR --s3-bucket B (--cis | --filters FILE) --start-time T --end-time T [flags]

Replays a local bucket's records between --start-time and --end-time
through CloudWatch metric filters and alarms (package metricfilter) and
prints each alarm state change, as CloudWatch would have made it had the
trail delivered to a log group: one line per change,
"<time>\t<alarm>\t<from> -> <to>\t<reason>[\t<eventIDs>]", the eventIDs
being the records behind an ALARM; or with --json one object per change.
The first evaluation of each alarm (INSUFFICIENT_DATA -> OK) is not
printed unless --all is given.

--cis uses the CIS AWS Foundations Benchmark's monitoring filters and
alarms (--cis-version 1.4.0, the default, or 1.2.0): statistic Sum over
5 minutes, alarm at 1 or more, missing data not breaching. --filters FILE
adds filters in the shape 'aws logs describe-metric-filters' prints
({"metricFilters":[{"filterName","filterPattern","metricTransformations":
[{"metricName","metricValue","defaultValue"}]}]}), optionally with the
alarms on their metrics in the shape 'aws cloudwatch describe-alarms'
prints ("MetricAlarms":[{"AlarmName","MetricName","Statistic","Period",
"Threshold","ComparisonOperator","EvaluationPeriods","DatapointsToAlarm",
"TreatMissingData"}]) in the same object; a filter without an alarm gets
the CIS-style one.

The exit status is 1 when an alarm went to ALARM, 0 when none did, and 2
for usage errors, unreadable input and invalid filters.`

// filtersFile is describe-metric-filters and describe-alarms output in one
// object.
type filtersFile struct {
	MetricFilters []struct {
		FilterName            string
		FilterPattern         string
		MetricTransformations []struct {
			MetricName   string
			MetricValue  string
			DefaultValue *float64
		}
	} `json:"metricFilters"`
	MetricAlarms []struct {
		AlarmName          string
		MetricName         string
		Statistic          string
		Period             int
		Threshold          float64
		ComparisonOperator string
		EvaluationPeriods  int
		DatapointsToAlarm  int
		TreatMissingData   string
	}
}

func loadFilters(path string) ([]metricfilter.Alarm, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f filtersFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	byMetric := map[string]metricfilter.Filter{}
	var order []string
	for _, mf := range f.MetricFilters {
		p, err := metricfilter.Compile(mf.FilterPattern)
		if err != nil {
			return nil, fmt.Errorf("%s: filter %s: %w", path, mf.FilterName, err)
		}
		if len(mf.MetricTransformations) != 1 {
			return nil, fmt.Errorf("%s: filter %s: a metric filter has exactly one metric transformation", path, mf.FilterName)
		}
		mt := mf.MetricTransformations[0]
		v, err := metricfilter.ParseMetricValue(mt.MetricValue)
		if err != nil {
			return nil, fmt.Errorf("%s: filter %s: %w", path, mf.FilterName, err)
		}
		name := mt.MetricName
		if name == "" {
			name = mf.FilterName
		}
		byMetric[name] = metricfilter.Filter{Name: mf.FilterName, Pattern: p, Value: v, DefaultValue: mt.DefaultValue}
		order = append(order, name)
	}
	var out []metricfilter.Alarm
	alarmed := map[string]bool{}
	for _, a := range f.MetricAlarms {
		flt, ok := byMetric[a.MetricName]
		if !ok {
			return nil, fmt.Errorf("%s: alarm %s: no metric filter publishes metric %q", path, a.AlarmName, a.MetricName)
		}
		alarmed[a.MetricName] = true
		out = append(out, metricfilter.Alarm{Name: a.AlarmName, Filter: flt, Statistic: metricfilter.Statistic(a.Statistic),
			Period: time.Duration(a.Period) * time.Second, Threshold: a.Threshold, Comparison: metricfilter.Comparison(a.ComparisonOperator),
			EvaluationPeriods: a.EvaluationPeriods, DatapointsToAlarm: a.DatapointsToAlarm, TreatMissingData: metricfilter.MissingData(a.TreatMissingData)})
	}
	for _, m := range order {
		if !alarmed[m] {
			out = append(out, metricfilter.Alarm{Filter: byMetric[m], Threshold: 1, TreatMissingData: metricfilter.NotBreaching})
		}
	}
	return out, nil
}

func runAlarms(e *env, args []string) int {
	fs := newFlags("alarms", alarmsAbout)
	loc := fs.bucketFlags("")
	accounts := fs.accounts("comma-separated 12-digit account `ids` (default: every account in the bucket)")
	regions := fs.regions(nil, "comma-separated `Regions` (default: every Region of each account)")
	start, end := fs.timeRange("start of the replay (required)", "end of the replay, exclusive (required)")
	cis := fs.Bool("cis", false, "use the CIS AWS Foundations Benchmark monitoring filters and alarms")
	cisVersion := fs.String("cis-version", "1.4.0", "CIS benchmark `version`: 1.4.0 or 1.2.0")
	filtersPath := fs.String("filters", "", "metric filters (and alarms) JSON `file`")
	all := fs.Bool("all", false, "also print each alarm's first evaluation")
	asJSON := fs.Bool("json", false, "print one JSON object per state change")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "":
		return usageError(e, fs, "--dir and --s3-bucket are required")
	case !*cis && *filtersPath == "":
		return usageError(e, fs, "give --cis, --filters or both")
	case start.t.IsZero() || end.t.IsZero():
		return usageError(e, fs, "--start-time and --end-time are required")
	case !end.t.After(start.t):
		return usageError(e, fs, "--end-time must be after --start-time")
	case *cisVersion != "1.4.0" && *cisVersion != "1.2.0":
		return usageError(e, fs, "--cis-version must be 1.4.0 or 1.2.0, not %q", *cisVersion)
	}
	var alarms []metricfilter.Alarm
	switch {
	case *cis && *cisVersion == "1.2.0":
		alarms = metricfilter.CIS120()
	case *cis:
		alarms = metricfilter.CIS140()
	}
	if *filtersPath != "" {
		more, err := loadFilters(*filtersPath)
		if err != nil {
			return ioError(e, "alarms", err)
		}
		alarms = append(alarms, more...)
	}
	if st, err := os.Stat(loc.dir); err != nil || !st.IsDir() {
		return ioError(e, "alarms", fmt.Errorf("--dir %s is not a directory", loc.dir))
	}
	store, err := logfile.NewDirStore(loc.dir, logfile.DirStoreOptions{})
	if err != nil {
		return ioError(e, "alarms", err)
	}
	// The scan bounds eventTime (inclusively, finding late deliveries
	// with its default slack); the evaluator keeps [start, end).
	opts := logfile.ScanOptions{
		Location: loc.Location,
		Kind:     logfile.KindLog,
		Start:    start.t,
		End:      end.t,
		Accounts: *accounts,
		Regions:  *regions,
	}
	skipped := 0
	var scanErr error
	records := func(yield func(*event.Record) bool) {
		for r, err := range logfile.ScanAll(context.Background(), store, opts) {
			if err != nil {
				var se *logfile.RecordError
				if !errors.As(err, &se) {
					scanErr = err
					return
				}
				skipped++
				fmt.Fprintf(e.stderr, "trailkit alarms: skipped a file: %v\n", err)
				continue
			}
			if !yield(r) {
				return
			}
		}
	}
	transitions, err := metricfilter.Evaluate(alarms, start.t, end.t, records)
	switch {
	case errors.Is(err, metricfilter.ErrAlarm):
		return ioError(e, "alarms", err)
	case scanErr != nil:
		return ioError(e, "alarms", scanErr)
	case err != nil:
		// Records that could not be encoded published nothing.
		fmt.Fprintf(e.stderr, "trailkit alarms: %v\n", err)
	}
	fired := false
	for _, t := range transitions {
		if t.To == metricfilter.StateAlarm {
			fired = true
		}
		if !*all && t.From == metricfilter.StateInsufficientData && t.To == metricfilter.StateOK {
			continue
		}
		if *asJSON {
			out := struct {
				Time    string   `json:"time"`
				Alarm   string   `json:"alarm"`
				From    string   `json:"from"`
				To      string   `json:"to"`
				Reason  string   `json:"reason"`
				Records []string `json:"eventIDs,omitempty"`
			}{t.Time.Format(time.RFC3339), t.Alarm, string(t.From), string(t.To), t.Reason, t.Records}
			writeJSONLine(e.stdout, out)
			continue
		}
		line := fmt.Sprintf("%s\t%s\t%s -> %s\t%s", t.Time.Format(time.RFC3339), t.Alarm, t.From, t.To, t.Reason)
		if len(t.Records) > 0 {
			line += "\t" + strings.Join(t.Records, ",")
		}
		fmt.Fprintln(e.stdout, line)
	}
	if skipped > 0 {
		fmt.Fprintf(e.stderr, "trailkit alarms: %d files could not be read; the replay is incomplete\n", skipped)
		return exitUsage
	}
	if fired {
		return exitProblems
	}
	return exitOK
}
