// Command detectiontable prints the insights detector's detection table as
// markdown: recall of injected anomalies (Start within 2 minutes of the
// anomaly's start), false insights per series-day, and the latency of the
// Start record's eventTime and of its emission (stream time), p50 and p95.
//
//	go run ./insights/internal/detectiontable [-days 14] [-n 40] [-seed 1]
//
// It runs three scenarios from insights/internal/scenario over per-minute
// counts from event/eventtest: Stationary (no anomalies; every Start is
// false), WithAnomalies (n spikes, n drops and n error bursts) and
// WithModerateSpikes (n spikes on APIs of 1–10 calls per minute, to show
// where detection stops); then the suite of normal traffic shapes
// (scenario.Shapes, 20 series each) with their anomalies: false insights
// per 100 series-days after each shape's learning allowance, and each
// anomaly's detection and decision latency (stream time from its first
// anomalous minute to the Start record's emission).
package main

import (
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/insights/internal/scenario"
)

func main() {
	days := flag.Int("days", 14, "days of activity per scenario")
	n := flag.Int("n", 40, "anomalies of each kind")
	seed := flag.Int64("seed", 1, "generator seed")
	records := flag.Bool("records", false, "feed records (Add) instead of per-minute counts (Observe)")
	flag.Parse()

	opts := insights.Options{}
	t0 := time.Now()
	calm, err := scenario.Run(scenario.Stationary(*seed, *days), opts, *records)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	anom, err := scenario.Run(scenario.WithAnomalies(scenario.Stationary(*seed+1, *days), *n), opts, *records)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	mod, err := scenario.Run(scenario.WithModerateSpikes(scenario.Stationary(*seed+2, *days), *n), opts, *records)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	path := "counts (Observe)"
	if *records {
		path = "records (Add)"
	}
	fmt.Printf("Detection table: `go run ./insights/internal/detectiontable -days %d -n %d -seed %d` (%s, default Options, %s)\n\n",
		*days, *n, *seed, path, time.Since(t0).Round(time.Second))
	fmt.Println("| scenario | anomalies | detected | recall | false insights / series-day | Start latency p50 / p95 | emission delay p50 / p95 |")
	fmt.Println("|---|---|---|---|---|---|---|")
	fmt.Printf("| stationary, %d series × %d days, seasonality 0.5 | 0 | – | – | %.5f (%d in %.0f series-days) | – | – |\n",
		calm.Series, *days, calm.FalsePerSeriesDay(), calm.FalseStarts, calm.SeriesDays)
	for _, k := range []eventtest.AnomalyKind{eventtest.Spike, eventtest.Drop, eventtest.ErrorBurst, ""} {
		det, tot := anom.Recall(k)
		name := string(k)
		if k == "" {
			name = "all"
		}
		rec := 0.0
		if tot > 0 {
			rec = 100 * float64(det) / float64(tot)
		}
		fp := "–"
		if k == "" {
			fp = fmt.Sprintf("%.5f (%d in %.0f series-days)", anom.FalsePerSeriesDay(), anom.FalseStarts, anom.SeriesDays)
		}
		fmt.Printf("| %s | %d | %d | %.1f%% | %s | %s / %s | %s / %s |\n", name, tot, det, rec, fp,
			anom.Percentile(k, 50, false), anom.Percentile(k, 95, false),
			anom.Percentile(k, 50, true), anom.Percentile(k, 95, true))
	}
	det, tot := mod.Recall("")
	fmt.Printf("| spike on 1–10 calls/min (below the reliable range) | %d | %d | %.1f%% | %.5f | %s / %s | %s / %s |\n",
		tot, det, 100*float64(det)/float64(max(tot, 1)), mod.FalsePerSeriesDay(),
		mod.Percentile("", 50, false), mod.Percentile("", 95, false), mod.Percentile("", 50, true), mod.Percentile("", 95, true))
	fmt.Printf("\nWarm-up Starts: %d and %d. Invalid records: %d.\n", calm.WarmUpStarts, anom.WarmUpStarts, len(calm.Invalid)+len(anom.Invalid))

	t0 = time.Now()
	var rows []string
	var outcomes []scenario.ShapeOutcome
	invalid := 0
	for _, sh := range scenario.Shapes(20) {
		res, err := scenario.RunShape(sh, opts)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		invalid += len(res.Invalid)
		rows = append(rows, fmt.Sprintf("| %s | %d × %d days | %s | %d | %.0f | %d | %.2f |", sh.Name, res.Series, sh.Days,
			allowance(sh.Allowance), res.AllowanceStarts, res.SeriesDays, res.FalseStarts, res.FalsePer100SeriesDays()))
		outcomes = append(outcomes, res.Outcomes...)
	}
	fmt.Printf("\nNormal shapes (scenario.Shapes(20), counts (Observe), default Options, %s):\n\n", time.Since(t0).Round(time.Second))
	fmt.Println("| shape | series × days | learning allowance | Starts in it | series-days after it | false insights | per 100 series-days |")
	fmt.Println("|---|---|---|---|---|---|---|")
	for _, r := range rows {
		fmt.Println(r)
	}
	fmt.Println()
	fmt.Println("| anomaly on a shape | detected | Start latency | decided after (emission delay) |")
	fmt.Println("|---|---|---|---|")
	for _, o := range outcomes {
		if o.Detected {
			fmt.Printf("| %s | yes | %s | %s |\n", o.Anomaly.Name, o.Latency, o.Delay)
		} else {
			fmt.Printf("| %s | no | – | – |\n", o.Anomaly.Name)
		}
	}
	fmt.Printf("\nInvalid records: %d.\n", invalid)
}

func allowance(d time.Duration) string {
	if days := d.Hours() / 24; days >= 1 {
		return fmt.Sprintf("%.0f days", days)
	}
	return d.String()
}
