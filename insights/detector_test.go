package insights

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

var s3Key = SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: "s3.amazonaws.com",
	EventName: "DeleteBucket", InsightType: event.APICallRateInsight}

// observeRun feeds count(minute index) for minutes [0, n) from t0.
func observeRun(t *testing.T, d *Detector, k SeriesKey, n int, count func(i int) int) {
	t.Helper()
	for i := range n {
		if c := count(i); c > 0 {
			if err := d.Observe(k, t0.Add(time.Duration(i)*time.Minute), c); err != nil {
				t.Fatal(err)
			}
		}
	}
	d.Advance(t0.Add(time.Duration(n) * time.Minute))
}

func TestPoissonTails(t *testing.T) {
	for _, lam := range []float64{0.0001, 0.05, 1, 3.5, 20, 150} {
		for _, x := range []int{0, 1, 2, 5, 12, 30, 200} {
			// Direct summation of the pmf.
			le := 0.0
			for k := 0; k <= x; k++ {
				lg, _ := math.Lgamma(float64(k + 1))
				le += math.Exp(float64(k)*math.Log(lam) - lam - lg)
			}
			lg, _ := math.Lgamma(float64(x + 1))
			pmf := math.Exp(float64(x)*math.Log(lam) - lam - lg)
			ge := 1 - le + pmf
			if got := poissonLower(float64(x), lam); math.Abs(got-le) > 1e-9*math.Max(le, 1e-300)+1e-12 {
				t.Errorf("P(X<=%d|%v) = %v, want %v", x, lam, got, le)
			}
			if ge > 1e-6 {
				if got := poissonUpper(float64(x), lam); math.Abs(got-ge) > 1e-9 {
					t.Errorf("P(X>=%d|%v) = %v, want %v", x, lam, got, ge)
				}
			}
		}
	}
	// Tails far out, as the spec's examples: P(X >= 12 | 1/10080) and
	// P(X = 0 | 20).
	if p := poissonUpper(12, 1.0/10080); p > 1e-40 || p <= 0 {
		t.Errorf("P(X>=12|1/10080) = %v", p)
	}
	if p := poissonLower(0, 20); math.Abs(p-math.Exp(-20)) > 1e-15 {
		t.Errorf("P(X=0|20) = %v, want %v", p, math.Exp(-20))
	}
}

func TestObserveErrors(t *testing.T) {
	d := New(Options{})
	bad := []SeriesKey{
		{EventSource: "s3.amazonaws.com", EventName: "X", InsightType: event.APICallRateInsight},
		{Region: "us-east-1", EventName: "X", InsightType: event.APICallRateInsight},
		{Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "X", InsightType: "Other"},
		{Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "X", InsightType: event.APICallRateInsight, ErrorCode: "E"},
		{Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "X", InsightType: event.APIErrorRateInsight},
	}
	for _, k := range bad {
		if err := d.Observe(k, t0, 1); !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v, want ErrInvalid", k, err)
		}
	}
	if err := d.Observe(s3Key, t0, -1); !errors.Is(err, ErrInvalid) {
		t.Errorf("negative count: %v", err)
	}
	if err := d.Observe(s3Key, t0.Add(time.Hour), 1); err != nil {
		t.Fatal(err)
	}
	// Within the lateness: accepted. Beyond: ErrLate and counted.
	if err := d.Observe(s3Key, t0.Add(time.Hour-4*time.Minute), 1); err != nil {
		t.Errorf("4 minutes late: %v", err)
	}
	if err := d.Observe(s3Key, t0.Add(time.Hour-7*time.Minute), 1); !errors.Is(err, ErrLate) {
		t.Errorf("7 minutes late: %v, want ErrLate", err)
	}
	if d.Stats().Late != 1 {
		t.Errorf("Stats.Late = %d, want 1", d.Stats().Late)
	}
	d2 := New(Options{MaxSeries: 1})
	d2.Observe(s3Key, t0, 1)
	k2 := s3Key
	k2.EventName = "CreateBucket"
	if err := d2.Observe(k2, t0, 1); !errors.Is(err, ErrTooManySeries) || d2.Stats().SeriesDropped != 1 {
		t.Errorf("MaxSeries: %v, dropped %d", err, d2.Stats().SeriesDropped)
	}
}

// TestOutOfOrderWithinLateness: shuffling records within the lateness
// gives exactly the output of the ordered stream.
func TestOutOfOrderWithinLateness(t *testing.T) {
	from := t0.Add(26 * time.Hour)
	apis := []api{{source: "s3.amazonaws.com", name: "DeleteBucket", rate: stepRate(20, 100, from, from.Add(10*time.Minute))}}
	var recs []*event.Record
	feedWith(t, 4, t0, 27*60, apis, func(r *event.Record) { recs = append(recs, r) }, func(time.Time) {})
	end := t0.Add(27 * time.Hour)

	ordered := New(Options{NewID: seqIDs()})
	ordered.Advance(t0)
	for _, r := range recs {
		ordered.Add(r)
	}
	ordered.Advance(end)
	// Reverse every block of records spanning 4 minutes.
	shuffled := New(Options{NewID: seqIDs()})
	shuffled.Advance(t0)
	for i := 0; i < len(recs); {
		j := i
		for j < len(recs) && recs[j].EventTime.Sub(recs[i].EventTime) < 4*time.Minute {
			j++
		}
		for k := j - 1; k >= i; k-- {
			shuffled.Add(recs[k])
		}
		i = j
	}
	shuffled.Advance(end)
	a, b := ordered.Drain(), shuffled.Drain()
	if len(a) != 2 || len(a) != len(b) {
		t.Fatalf("%d and %d records, want 2 and 2", len(a), len(b))
	}
	for i := range a {
		sa := a[i].InsightDetails.InsightContext.Statistics
		sb := b[i].InsightDetails.InsightContext.Statistics
		if !a[i].EventTime.Equal(b[i].EventTime) || sa.Insight.Average != sb.Insight.Average || sa.Baseline.Average != sb.Baseline.Average {
			t.Errorf("record %d differs: %s %v vs %s %v", i, a[i].EventTime, sa.Insight.Average, b[i].EventTime, sb.Insight.Average)
		}
	}
	if shuffled.Stats().Late != 0 || shuffled.Stats().Counted != ordered.Stats().Counted {
		t.Errorf("stats %+v vs %+v", shuffled.Stats(), ordered.Stats())
	}
}

// TestSparseSeries: an API called about once a week does not fire on one
// or two calls, and does on a burst.
func TestSparseSeries(t *testing.T) {
	d := New(Options{NewID: seqIDs()})
	day := 24 * 60
	observeRun(t, d, s3Key, 9*day, func(i int) int {
		switch i {
		case 3 * day, 8*day + 100, 8*day + 101, 8*day + 300, 8*day + 301: // one call each
			return 1
		case 8*day + 500, 8*day + 501, 8*day + 502: // two calls each
			return 2
		}
		if i >= 8*day+900 && i < 8*day+905 {
			return 6
		}
		return 0
	})
	recs := d.Drain()
	starts, _ := insightsOf(recs)
	if len(starts) != 1 || !starts[0].EventTime.Equal(t0.Add(time.Duration(8*day+900)*time.Minute)) {
		for _, r := range recs {
			t.Logf("%s %s", r.EventTime, r.InsightDetails.State)
		}
		t.Fatalf("want one Start at the burst, got %d", len(starts))
	}
	if b := stat(starts[0]).Baseline.Average; b <= 0 || b > 0.002 {
		t.Errorf("baseline average %v", b)
	}
}

// TestNoInsightDuringWarmUp: a spike inside the warm-up is learnt, not
// reported.
func TestNoInsightDuringWarmUp(t *testing.T) {
	d := New(Options{NewID: seqIDs()})
	observeRun(t, d, s3Key, 23*60, func(i int) int {
		if i >= 600 && i < 620 {
			return 500
		}
		return 20
	})
	if recs := d.Drain(); len(recs) != 0 {
		t.Errorf("%d records during the warm-up", len(recs))
	}
}

// TestLevelShift: a permanent rise is ended at MaxInsightDuration, then
// adopted as the new level.
func TestLevelShift(t *testing.T) {
	d := New(Options{NewID: seqIDs(), MaxInsightDuration: 2 * time.Hour, BaselineWindow: 24 * time.Hour, WarmUp: 6 * time.Hour})
	shift := 30 * 60
	observeRun(t, d, s3Key, 60*60+30, func(i int) int {
		if i >= shift {
			return 100
		}
		return 20
	})
	recs := d.Drain()
	starts, ends := insightsOf(recs)
	if len(starts) != 1 || len(ends) != 1 {
		t.Fatalf("%d Starts, %d Ends; want 1 and 1", len(starts), len(ends))
	}
	if got := *stat(ends[0]).InsightDuration; got != 120 {
		t.Errorf("insightDuration %d, want 120", got)
	}
	if got := stat(ends[0]).Insight.Average; got != 100 {
		t.Errorf("End insight average %v, want 100", got)
	}
}

func TestEviction(t *testing.T) {
	d := New(Options{IdleAfter: 2 * time.Hour})
	other := s3Key
	other.EventName = "PutBucketPolicy"
	observeRun(t, d, s3Key, 5*60, func(i int) int { return 3 })
	if err := d.Observe(other, t0.Add(6*time.Hour), 1); err != nil {
		t.Fatal(err)
	}
	if d.Stats().Series != 2 {
		t.Fatalf("%d series, want 2", d.Stats().Series)
	}
	d.Advance(t0.Add(7*time.Hour + 10*time.Minute))
	if d.Stats().Series != 1 || d.Stats().Evicted != 1 {
		t.Errorf("%d series, %d evicted; want 1 and 1", d.Stats().Series, d.Stats().Evicted)
	}
	d.Advance(t0.Add(48 * time.Hour))
	if d.Stats().Series != 0 || d.Stats().Evicted != 2 {
		t.Errorf("%d series, %d evicted; want 0 and 2", d.Stats().Series, d.Stats().Evicted)
	}
}

func TestAddSelection(t *testing.T) {
	yes, no := true, false
	base := event.Record{EventTime: t0, AWSRegion: "us-east-1", EventSource: "s3.amazonaws.com", EventName: "PutObject",
		EventType: event.AwsAPICall, RecipientAccountID: "111122223333"}
	with := func(f func(r *event.Record)) *event.Record { r := base; f(&r); return &r }
	cases := []struct {
		name    string
		r       *event.Record
		data    bool
		counted uint64
	}{
		{"write management", with(func(r *event.Record) { r.EventCategory = event.CategoryManagement; r.ReadOnly = &no }), false, 1},
		{"read management", with(func(r *event.Record) { r.EventCategory = event.CategoryManagement; r.ReadOnly = &yes }), false, 0},
		{"read management error", with(func(r *event.Record) {
			r.EventCategory = event.CategoryManagement
			r.ReadOnly = &yes
			r.ErrorCode = "AccessDenied"
		}), false, 1},
		{"write management error", with(func(r *event.Record) {
			r.EventCategory = event.CategoryManagement
			r.ReadOnly = &no
			r.ErrorCode = "AccessDenied"
		}), false, 2},
		{"data off", with(func(r *event.Record) { r.EventCategory = event.CategoryData; r.ReadOnly = &yes }), false, 0},
		{"data on", with(func(r *event.Record) { r.EventCategory = event.CategoryData; r.ReadOnly = &yes }), true, 1},
		{"network activity", with(func(r *event.Record) { r.EventCategory = event.CategoryNetworkActivity; r.ReadOnly = &no }), true, 0},
		{"service event", with(func(r *event.Record) {
			r.EventCategory = event.CategoryManagement
			r.ReadOnly = &no
			r.EventType = event.AwsServiceEvent
		}), false, 0},
		{"console sign-in", with(func(r *event.Record) {
			r.EventCategory = event.CategoryManagement
			r.ReadOnly = &no
			r.EventType = event.AwsConsoleSignIn
		}), false, 0},
		{"no time", with(func(r *event.Record) {
			r.EventCategory = event.CategoryManagement
			r.ReadOnly = &no
			r.EventTime = time.Time{}
		}), false, 0},
	}
	for _, c := range cases {
		d := New(Options{DataEvents: c.data})
		d.Add(c.r)
		if got := d.Stats().Counted; got != c.counted {
			t.Errorf("%s: counted %d, want %d", c.name, got, c.counted)
		}
		if c.counted == 0 && d.Stats().Ignored != 1 {
			t.Errorf("%s: not counted as ignored", c.name)
		}
	}
}

func TestDeterministic(t *testing.T) {
	from := t0.Add(26 * time.Hour)
	apis := []api{{source: "s3.amazonaws.com", name: "DeleteBucket", rate: stepRate(20, 100, from, from.Add(10*time.Minute))}}
	var out [2]string
	for i := range out {
		d := New(Options{NewID: seqIDs()})
		feed(t, d, 8, t0, 27*60, apis)
		for _, r := range d.Drain() {
			out[i] += string(r.AppendJSON(nil)) + "\n"
		}
	}
	if out[0] == "" || out[0] != out[1] {
		t.Errorf("runs differ or are empty:\n%s\n%s", out[0], out[1])
	}
}

// TestLongGap: a jump of years in event time (a paused stream, or a
// bogus eventTime) is handled in bounded work: the busy series' silence is
// a drop that MaxInsightDuration ends, idle series are evicted, and a
// series that resumes starts from a silent baseline.
func TestLongGap(t *testing.T) {
	d := New(Options{NewID: seqIDs()})
	observeRun(t, d, s3Key, 2*24*60, func(int) int { return 30 })
	d.Advance(t0.Add(5 * 365 * 24 * time.Hour))
	recs := d.Drain()
	starts, ends := insightsOf(recs)
	if len(starts) != 1 || len(ends) != 1 || stat(starts[0]).Insight.Average != 0 {
		t.Fatalf("%d Starts and %d Ends, want a drop's Start and End", len(starts), len(ends))
	}
	if got := *stat(ends[0]).InsightDuration; got != 24*60 {
		t.Errorf("drop lasted %d minutes, want MaxInsightDuration (1440)", got)
	}
	if d.Stats().Series != 0 {
		t.Errorf("%d series left, want the idle one evicted", d.Stats().Series)
	}
	later := t0.Add(5*365*24*time.Hour + time.Hour)
	if err := d.Observe(s3Key, later, 3); err != nil {
		t.Fatal(err)
	}
	d.Advance(later.Add(time.Hour))
	if d.Stats().Series != 1 {
		t.Errorf("%d series after resuming", d.Stats().Series)
	}
}
