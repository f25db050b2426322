package insights

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// benchRecords returns time-ordered records over nSeries call-rate series
// (1 in 10 records is an error, which counts in an error-rate series too),
// with a realistic spread of identities and user agents.
func benchRecords(nSeries, nRecords int, start time.Time) []*event.Record {
	r := rand.New(rand.NewPCG(42, 1))
	regions := []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"}
	users := make([]*event.UserIdentity, 40)
	for i := range users {
		users[i] = &event.UserIdentity{Type: event.IdentityAssumedRole,
			ARN: fmt.Sprintf("arn:aws:sts::111122223333:assumed-role/Workload%02d/i-0abc%04d", i%12, i)}
	}
	agents := []string{
		"aws-sdk-go-v2/1.24.0 os/linux lang/go#1.22.0 md/GOOS#linux md/GOARCH#amd64 api/s3#1.48.0",
		"aws-cli/2.15.0 Python/3.11.6 Linux/5.10.205-195.807.amzn2.x86_64 exe/x86_64.amzn.2 prompt/off",
		"Boto3/1.34.14 md/Botocore#1.34.14 ua/2.0 os/linux#5.10 md/arch#x86_64 lang/python#3.11.6",
		"console.amazonaws.com", "cloudformation.amazonaws.com", "terraform-provider-aws/5.31.0",
	}
	type key struct{ region, source, name string }
	keys := make([]key, nSeries)
	for i := range keys {
		keys[i] = key{regions[i%len(regions)], fmt.Sprintf("svc%03d.amazonaws.com", i/len(regions)%250), fmt.Sprintf("PutThing%04d", i/len(regions))}
	}
	f := false
	out := make([]*event.Record, nRecords)
	span := time.Duration(nRecords/nSeries+1) * 6 * time.Second // about 10 records per series per minute
	for i := range out {
		k := keys[r.IntN(len(keys))]
		rec := &event.Record{
			EventVersion: "1.11", UserIdentity: users[r.IntN(len(users))],
			EventTime:   start.Add(time.Duration(int64(span) * int64(i) / int64(nRecords))).Truncate(time.Second),
			EventSource: k.source, EventName: k.name, AWSRegion: k.region,
			UserAgent: agents[r.IntN(len(agents))], ReadOnly: &f,
			EventType: event.AwsAPICall, EventCategory: event.CategoryManagement,
			RecipientAccountID: "111122223333",
		}
		if r.IntN(10) == 0 {
			rec.ErrorCode = "AccessDenied"
		}
		out[i] = rec
	}
	return out
}

// benchAPIs are the record-path benchmarks' sizes, in APIs.
var benchAPIs = []int{10000, 5200}

// BenchmarkDetectorAdd is the record path in its steady state:
// pre-generated records in a slice, one goroutine, every series already
// known to the detector. 1 in 10 records is an error, so most APIs have an
// error-rate series besides their call-rate series: apis=10000 is about
// 19,300 active series, apis=5200 about 10,350 (the issue's "10,000
// active series"); the series metric gives the count. When the slice is
// used up its records are moved forward in time (untimed, and its CPU time
// is left out of records/cpu-s) and fed again, so every record is on time.
func BenchmarkDetectorAdd(b *testing.B) {
	for _, apis := range benchAPIs {
		b.Run(fmt.Sprintf("apis=%d", apis), func(b *testing.B) {
			benchDetector(b, apis, 1)
		})
	}
}

// BenchmarkDetectorAddBatch is BenchmarkDetectorAdd through the fast
// path, Add over a slice, fed 1,000 records a call (about a small log
// file).
func BenchmarkDetectorAddBatch(b *testing.B) {
	for _, apis := range benchAPIs {
		b.Run(fmt.Sprintf("apis=%d", apis), func(b *testing.B) {
			benchDetector(b, apis, 1000)
		})
	}
}

// benchDetector feeds b.N records over apis call-rate series (and their
// error series) through Add, batch records a call.
func benchDetector(b *testing.B, apis, batch int) {
	recs := benchRecords(apis, 1<<18, t0)
	span := recs[len(recs)-1].EventTime.Sub(recs[0].EventTime).Truncate(time.Minute) + time.Minute
	d := New(Options{NewID: seqIDs()})
	d.Add(recs...)
	var untimed time.Duration // CPU time of the shifts
	shift := func() {
		b.StopTimer()
		c0 := cpuTime()
		for _, r := range recs {
			r.EventTime = r.EventTime.Add(span)
		}
		untimed += cpuTime() - c0
		b.StartTimer()
	}
	shift()
	series := d.Stats().Series
	if series < apis*19/10 {
		b.Fatalf("%d series after setup, want about %d", series, 2*apis)
	}
	b.ReportAllocs()
	j := 0
	runtime.GC() // the setup's garbage is not the record path's cost
	untimed = 0
	b.ResetTimer()
	cpu0 := cpuTime()
	for left := b.N; left > 0; {
		if j == len(recs) {
			shift()
			j = 0
		}
		if batch == 1 {
			d.Add(recs[j])
			j++
			left--
			continue
		}
		n := min(batch, left, len(recs)-j)
		d.Add(recs[j : j+n]...)
		j += n
		left -= n
	}
	cpu := cpuTime() - cpu0 - untimed
	b.StopTimer()
	if d.Stats().Late != 0 || d.Stats().Records != uint64(len(recs)+b.N) || d.Stats().SeriesDropped != 0 {
		b.Fatalf("%d late, %d records, %d dropped", d.Stats().Late, d.Stats().Records, d.Stats().SeriesDropped)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "records/cpu-s")
	b.ReportMetric(float64(series), "series")
}

// BenchmarkBaselineMapCount is the plain baseline for the record path: a
// loop that only reads each record's key fields and time and counts them
// in a map per series and minute, without any model.
func BenchmarkBaselineMapCount(b *testing.B) {
	for _, apis := range benchAPIs {
		b.Run(fmt.Sprintf("apis=%d", apis), func(b *testing.B) {
			baselineMapCount(b, apis)
		})
	}
}

func baselineMapCount(b *testing.B, apis int) {
	recs := benchRecords(apis, 1<<18, t0)
	type key struct {
		acct, region, source, name string
		minute                     int64
	}
	counts := make(map[key]int)
	b.ReportAllocs()
	j := 0
	runtime.GC() // the setup's garbage is not the record path's cost
	b.ResetTimer()
	cpu0 := cpuTime()
	for range b.N {
		if j == len(recs) {
			clear(counts)
			j = 0
		}
		r := recs[j]
		counts[key{r.RecipientAccountID, r.AWSRegion, r.EventSource, r.EventName, r.EventTime.Unix() / 60}]++
		j++
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(b.N)/cpu.Seconds(), "records/cpu-s")
}

// seriesMemory feeds records over n call-rate series (and their error
// series) for a few minutes and returns the heap bytes per series.
func seriesMemory(tb testing.TB, n int) float64 {
	recs := benchRecords(n, n*40, t0)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := New(Options{NewID: seqIDs()})
	for _, r := range recs {
		d.Add(r)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	series := d.Stats().Series
	runtime.KeepAlive(d)
	runtime.KeepAlive(recs)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(series)
}

// BenchmarkMemoryPerSeries reports the heap held per live series, map and
// attribution strings included.
func BenchmarkMemoryPerSeries(b *testing.B) {
	var per float64
	for range b.N {
		per = seriesMemory(b, 10000)
	}
	b.ReportMetric(per, "B/series")
}

func TestMemoryPerSeries(t *testing.T) {
	n := 4000
	if raceEnabled {
		n = 1000
	}
	per := seriesMemory(t, n)
	t.Logf("%.0f bytes per series", per)
	if per > 4096 {
		t.Errorf("%.0f bytes per series, want at most 4096", per)
	}
}
