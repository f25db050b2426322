package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"slices"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/insights"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/trail"
)

// activity describes generated activity and the trail and bucket it goes
// to. demo and gen share it.
type activity struct {
	Dir       string // DirStore root; the bucket is Dir/Bucket
	Bucket    string
	Account   string
	Regions   []string // regions of the activity; the first is the trail's home Region
	TrailName string
	Prefix    string
	OrgID     string
	Start     time.Time
	Hours     int
	Rate      float64 // records per minute, over all regions
	Anomalies int
	Seed      int64
	Signer    digest.Signer
	// Insights, when not nil, runs the detector with these options over
	// the recorded events and writes its records as Insights files.
	Insights *insights.Options
	Progress *progress
}

// outcome is what the pipeline wrote.
type outcome struct {
	Trail               *trail.Trail
	Generated, Recorded int
	RecordedByCategory  map[event.Category]int
	LogFiles            int
	LogBytes, JSONBytes int64
	DeliveringRegions   []string
	Digests             int
	InsightFiles        int
	InsightRecords      []*event.Record
	Anomalies           []eventtest.Anomaly
	End                 time.Time // end of the activity
	Finish              time.Time // simulated time of the final digests
	DetectorStats       insights.Stats
}

// activityTrail is the trail of generated activity: a multi-Region trail in
// the first Region with log file validation, two advanced selectors (every
// management event; S3 object writes — so S3 GetObject data events are left
// out) and both Insights types.
func activityTrail(a *activity) *trail.Trail {
	home := a.Regions[0]
	t := &trail.Trail{
		Name:                       a.TrailName,
		S3BucketName:               a.Bucket,
		S3KeyPrefix:                a.Prefix,
		IncludeGlobalServiceEvents: true,
		IsMultiRegionTrail:         true,
		HomeRegion:                 home,
		TrailARN:                   trailARN(home, a.Account, a.TrailName),
		LogFileValidationEnabled:   true,
		HasCustomEventSelectors:    true,
		IsOrganizationTrail:        a.OrgID != "",
		AdvancedEventSelectors: []trail.AdvancedEventSelector{
			{Name: "Management events", FieldSelectors: []trail.AdvancedFieldSelector{
				{Field: trail.FieldEventCategory, Equals: []string{"Management"}},
			}},
			{Name: "S3 object writes", FieldSelectors: []trail.AdvancedFieldSelector{
				{Field: trail.FieldEventCategory, Equals: []string{"Data"}},
				{Field: trail.FieldResourcesType, Equals: []string{"AWS::S3::Object"}},
				{Field: trail.FieldReadOnly, Equals: []string{"false"}},
			}},
		},
	}
	if a.Insights != nil {
		t.HasInsightSelectors = true
		t.InsightSelectors = []trail.InsightSelector{{InsightType: "ApiCallRateInsight"}, {InsightType: "ApiErrorRateInsight"}}
	}
	return t
}

func trailARN(region, account, name string) string {
	return "arn:aws:cloudtrail:" + region + ":" + account + ":trail/" + name
}

// injectedAnomalies spreads n anomalies over the second half of the span, so
// that a detector can learn a baseline on the first half: spikes (ten times
// the rate of one of the busiest write APIs) and error bursts (12 errors a
// minute) alternating, in the Regions in turn, each lasting a quarter of its
// slot (at most 30 minutes).
func injectedAnomalies(n int, start time.Time, span time.Duration, regions []string) []eventtest.Anomaly {
	if n <= 0 {
		return nil
	}
	half := span / 2
	slot := half / time.Duration(n)
	dur := min(30*time.Minute, slot/4).Truncate(time.Minute)
	dur = max(dur, 2*time.Minute)
	var out []eventtest.Anomaly
	for i := range n {
		a := eventtest.Anomaly{
			Region:   regions[i%len(regions)],
			Start:    start.Add(half + slot*time.Duration(i) + slot/4).Truncate(time.Minute),
			Duration: dur,
		}
		if i%2 == 0 {
			a.Kind, a.Factor = eventtest.Spike, 10
		} else {
			a.Kind, a.Factor = eventtest.ErrorBurst, 12
		}
		out = append(out, a)
	}
	return out
}

// seededReader returns a deterministic byte stream for the given purpose.
func seededReader(seed int64, purpose string, n int) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], uint64(seed))
	copy(s[8:], purpose)
	binary.LittleEndian.PutUint64(s[24:], uint64(n))
	return rand.NewChaCha8(s)
}

// seededIDs returns a function producing version 4 UUIDs from a seeded
// stream.
func seededIDs(seed int64, purpose string) func() string {
	r := seededReader(seed, purpose, 0)
	return func() string {
		var b [16]byte
		r.Read(b[:])
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	}
}

// region is the writer and digest chain of one delivering Region.
type region struct {
	name   string
	writer *logfile.Writer
	chain  *digest.Chain
}

// generate runs the pipeline: eventtest activity, in eventTime order,
// through the trail's filter into one logfile.Writer per delivering Region
// (delivering every 5 simulated minutes, as CloudTrail does), each feeding a
// digest.Chain (hourly digests); the Insights detector watches the recorded
// events and its records go through a second Writer to CloudTrail-Insight.
// The clock is simulated, every random choice is seeded: the same activity
// and signing key give the same bytes.
func generate(ctx context.Context, a *activity) (*outcome, error) {
	if err := os.MkdirAll(a.Dir, 0o755); err != nil {
		return nil, err
	}
	store, err := logfile.NewDirStore(a.Dir, logfile.DirStoreOptions{})
	if err != nil {
		return nil, err
	}
	span := time.Duration(a.Hours) * time.Hour
	gen, err := eventtest.New(eventtest.Config{
		Seed:      a.Seed,
		Start:     a.Start,
		Duration:  span,
		Accounts:  []string{a.Account},
		Regions:   a.Regions,
		Rate:      a.Rate,
		Anomalies: injectedAnomalies(a.Anomalies, a.Start, span, a.Regions),
		OrgID:     a.OrgID,
	})
	if err != nil {
		return nil, err
	}
	t := activityTrail(a)
	filter, err := trail.Compile(t, nil)
	if err != nil {
		return nil, err
	}
	out := &outcome{Trail: t, Anomalies: gen.Anomalies(), End: a.Start.Add(span), RecordedByCategory: map[event.Category]int{}}

	now := a.Start
	clock := func() time.Time { return now }

	// Global service events are recorded in us-east-1 whatever the
	// activity's Regions, so that Region delivers too.
	names := slices.Clone(a.Regions)
	if !slices.Contains(names, "us-east-1") {
		names = append(names, "us-east-1")
	}
	var regions []*region
	byName := map[string]*region{}
	for i, name := range names {
		w, err := logfile.NewWriter(store, logfile.WriterOptions{
			Bucket: a.Bucket, Prefix: a.Prefix, OrgID: a.OrgID,
			MaxAge: 24 * time.Hour, // delivery is driven by the 5-minute flushes below
			Now:    clock, Rand: seededReader(a.Seed, "logfile", i),
		})
		if err != nil {
			return nil, err
		}
		ch, err := digest.NewChain(digest.ChainConfig{
			ChainID: digest.ChainID{Prefix: a.Prefix, OrgID: a.OrgID, Account: a.Account, Region: name,
				Trail: a.TrailName, HomeRegion: t.HomeRegion},
			Bucket: a.Bucket, Signer: a.Signer, Store: store, Now: clock,
		})
		if err != nil {
			return nil, err
		}
		w.Subscribe(ch.Add)
		w.Subscribe(func(d logfile.Delivery) {
			out.LogFiles++
			out.LogBytes += d.CompressedSize
			out.JSONBytes += d.UncompressedSize
		})
		r := &region{name, w, ch}
		regions = append(regions, r)
		byName[name] = r
	}
	out.DeliveringRegions = names

	var det *insights.Detector
	var insightWriter *logfile.Writer
	if a.Insights != nil {
		opts := *a.Insights
		opts.NewID = seededIDs(a.Seed, "insights")
		det = insights.New(&opts)
		insightWriter, err = logfile.NewWriter(store, logfile.WriterOptions{
			Bucket: a.Bucket, Prefix: a.Prefix, OrgID: a.OrgID, Kind: logfile.KindInsight,
			MaxAge: 24 * time.Hour, Now: clock, Rand: seededReader(a.Seed, "insight-files", 0),
		})
		if err != nil {
			return nil, err
		}
		insightWriter.Subscribe(func(logfile.Delivery) { out.InsightFiles++ })
	}

	// tick advances the simulated clock to t, a whole minute: every 5
	// minutes the writers deliver what they hold, and the chains write the
	// digests whose hour has ended.
	tick := func(t time.Time) error {
		now = t
		if det != nil {
			det.Advance(t)
			for _, r := range det.Drain() {
				out.InsightRecords = append(out.InsightRecords, r)
				if err := insightWriter.Write(ctx, r); err != nil {
					return err
				}
			}
		}
		if t.Minute()%5 == 0 {
			for _, r := range regions {
				if err := r.writer.Flush(ctx); err != nil {
					return err
				}
			}
			if insightWriter != nil {
				if err := insightWriter.Flush(ctx); err != nil {
					return err
				}
			}
		}
		for _, r := range regions {
			if err := r.chain.Tick(ctx); err != nil {
				return err
			}
		}
		return nil
	}

	next := a.Start.Add(time.Minute)
	minutes := int(span / time.Minute)
	for r := range gen.Records() {
		for !r.EventTime.Before(next) {
			if err := tick(next); err != nil {
				return nil, err
			}
			m := int(next.Sub(a.Start) / time.Minute)
			a.Progress.update("generating: %d/%d minutes, %d records", m, minutes, out.Generated)
			next = next.Add(time.Minute)
		}
		out.Generated++
		if !filter.Match(r) {
			continue
		}
		reg := byName[r.AWSRegion]
		if reg == nil {
			return nil, fmt.Errorf("record %s in unexpected Region %q", r.EventID, r.AWSRegion)
		}
		if err := reg.writer.Write(ctx, r); err != nil {
			return nil, err
		}
		out.Recorded++
		out.RecordedByCategory[r.EventCategory]++
		if det != nil {
			det.Add(r)
		}
	}
	// Run the clock to the end of the activity and five minutes on, so
	// that the last files are delivered and the detector sees the end.
	for ; !next.After(out.End.Add(5 * time.Minute)); next = next.Add(time.Minute) {
		if err := tick(next); err != nil {
			return nil, err
		}
	}
	now = next.Add(-time.Minute)
	if insightWriter != nil {
		if err := insightWriter.Close(ctx); err != nil {
			return nil, err
		}
		out.DetectorStats = det.Stats()
	}
	// The final digests: logging stops.
	for _, r := range regions {
		if err := r.writer.Close(ctx); err != nil {
			return nil, err
		}
		if err := r.chain.Close(ctx); err != nil {
			return nil, err
		}
	}
	out.Finish = now
	out.Digests = countDigests(ctx, store, a, names)
	a.Progress.done()
	return out, nil
}

// countDigests counts the digests stored for the chains.
func countDigests(ctx context.Context, store logfile.Store, a *activity, regions []string) int {
	n := 0
	for _, name := range regions {
		id := digest.ChainID{Prefix: a.Prefix, OrgID: a.OrgID, Account: a.Account, Region: name}
		for _, err := range store.List(ctx, a.Bucket, id.DigestPrefix()+"/", "") {
			if err == nil {
				n++
			}
		}
	}
	return n
}
