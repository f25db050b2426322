package eventtest

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// digest returns the SHA-256 of the concatenated compact JSON of every record
// and the record count.
func digest(g *Generator) ([32]byte, int) {
	h := sha256.New()
	var buf []byte
	n := 0
	for r := range g.Records() {
		buf = r.AppendJSON(buf[:0])
		buf = append(buf, '\n')
		h.Write(buf)
		n++
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, n
}

func TestDeterministicBytes(t *testing.T) {
	cfg := Config{Seed: 42, Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"},
		Anomalies: []Anomaly{{Kind: Spike}, {Kind: ErrorBurst}}}
	a, n := digest(MustNew(cfg))
	if n < 1000 {
		t.Fatalf("only %d records", n)
	}
	g := MustNew(cfg)
	b, _ := digest(g)
	c, _ := digest(g) // a second iteration of the same Generator restarts
	if a != b || a != c {
		t.Errorf("same seed, different bytes: %x %x %x", a, b, c)
	}
	cfg.Seed = 43
	if d, _ := digest(MustNew(cfg)); d == a {
		t.Errorf("different seeds, same bytes")
	}
}

func TestConcurrentIteration(t *testing.T) {
	g := MustNew(Config{Seed: 7, Duration: 20 * time.Minute})
	want, _ := digest(g)
	var wg sync.WaitGroup
	got := make([][32]byte, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = digest(g)
			for range g.Counts() {
			}
		}()
	}
	wg.Wait()
	for i, d := range got {
		if d != want {
			t.Errorf("goroutine %d: different bytes", i)
		}
	}
}

type seriesKey struct {
	minute                                   int64
	account, region, source, name, errorCode string
}

// TestCountsAgreeWithRecords checks that Counts and Records describe the same
// activity exactly, and that records come in eventTime order.
func TestCountsAgreeWithRecords(t *testing.T) {
	g := MustNew(Config{Seed: 3, Duration: 3 * time.Hour, Accounts: []string{"111122223333", "210987654321"},
		Regions: []string{"us-east-1", "eu-central-1"}, Rate: 120,
		Series:    []Series{{EventSource: "example.amazonaws.com", EventName: "DoThing", Rate: 2}},
		Anomalies: []Anomaly{{Kind: Spike}, {Kind: Drop}, {Kind: ErrorBurst, EventSource: "iam.amazonaws.com", EventName: "DeleteInstanceProfile", Region: "us-east-1"}}})
	series := g.Series()
	fromCounts := map[seriesKey]int{}
	total := 0
	last := time.Time{}
	for c := range g.Counts() {
		if c.N <= 0 {
			t.Fatalf("count %+v not positive", c)
		}
		if c.Minute.Before(last) {
			t.Fatalf("counts out of order at %v", c.Minute)
		}
		last = c.Minute
		s := series[c.Series]
		fromCounts[seriesKey{c.Minute.Unix(), s.Account, s.Region, s.EventSource, s.EventName, s.ErrorCode}] += c.N
		total += c.N
	}
	fromRecords := map[seriesKey]int{}
	n := 0
	var prev time.Time
	for r := range g.Records() {
		if r.EventTime.Before(prev) {
			t.Fatalf("record %d at %v before %v", n, r.EventTime, prev)
		}
		prev = r.EventTime
		fromRecords[seriesKey{r.EventTime.Truncate(time.Minute).Unix(), r.RecipientAccountID, r.AWSRegion, r.EventSource, r.EventName, r.ErrorCode}]++
		n++
	}
	if n != total {
		t.Errorf("%d records, counts sum to %d", n, total)
	}
	if len(fromCounts) != len(fromRecords) {
		t.Errorf("%d (minute, series) cells in counts, %d in records", len(fromCounts), len(fromRecords))
	}
	for k, v := range fromCounts {
		if fromRecords[k] != v {
			t.Errorf("%+v: counts %d, records %d", k, v, fromRecords[k])
		}
	}
}

// TestRateAndSeasonality checks the mean rate over a day and the daily cycle.
func TestRateAndSeasonality(t *testing.T) {
	const rate = 60.0
	g := MustNew(Config{Seed: 11, Duration: 24 * time.Hour, Rate: rate})
	var hourly [24]float64
	total := 0.0
	for c := range g.Counts() {
		hourly[c.Minute.Hour()] += float64(c.N)
		total += float64(c.N)
	}
	want := rate * 24 * 60
	// The daily sum is Poisson with mean want: allow 5 standard deviations.
	if math.Abs(total-want) > 5*math.Sqrt(want) {
		t.Errorf("day total %v, want %v ± %v", total, want, 5*math.Sqrt(want))
	}
	// Hour 14 is the peak (1+A), hour 2 the trough (1−A): ratio (1.5/0.5) = 3.
	peak := (hourly[13] + hourly[14] + hourly[15]) / 3
	trough := (hourly[1] + hourly[2] + hourly[3]) / 3
	if r := peak / trough; r < 2.5 || r > 3.5 {
		t.Errorf("peak/trough = %v (%v/%v), want about 2.8", r, peak, trough)
	}
	for h, v := range hourly {
		if v > hourly[14]*1.1 {
			t.Errorf("hour %d (%v) busier than the 14:00 peak (%v)", h, v, hourly[14])
		}
	}

	// Without a cycle the hours are flat.
	g = MustNew(Config{Seed: 11, Duration: 24 * time.Hour, Rate: rate, Seasonality: -1})
	hourly = [24]float64{}
	for c := range g.Counts() {
		hourly[c.Minute.Hour()] += float64(c.N)
	}
	for h, v := range hourly {
		if math.Abs(v-rate*60) > 5*math.Sqrt(rate*60) {
			t.Errorf("flat: hour %d has %v records, want %v", h, v, rate*60)
		}
	}

	// Series() rates add up to Rate.
	sum := 0.0
	for _, s := range g.Series() {
		sum += s.Rate
	}
	if math.Abs(sum-rate) > 1e-9 {
		t.Errorf("series rates sum to %v, want %v", sum, rate)
	}
}

func TestExplicitSeriesRate(t *testing.T) {
	g := MustNew(Config{Seed: 5, Duration: 48 * time.Hour, Rate: -1, Seasonality: -1,
		Series: []Series{{Region: "eu-west-1", EventSource: "ec2.amazonaws.com", EventName: "RunInstances", Rate: 0.5}}})
	if len(g.Series()) != 1 {
		t.Fatalf("Rate -1 should leave only the explicit series, got %d", len(g.Series()))
	}
	n := 0
	for r := range g.Records() {
		if r.AWSRegion != "eu-west-1" || r.EventName != "RunInstances" || *r.ReadOnly || r.RecipientAccountID != "111122223333" {
			t.Fatalf("unexpected record %+v", r)
		}
		n++
	}
	want := 0.5 * 48 * 60
	if math.Abs(float64(n)-want) > 5*math.Sqrt(want) {
		t.Errorf("%d records, want %v", n, want)
	}
}

func sumWindow(g *Generator, match func(Series) bool, from, to time.Time) (in, out map[int64]int) {
	series := g.Series()
	in, out = map[int64]int{}, map[int64]int{}
	for c := range g.Counts() {
		if !match(series[c.Series]) {
			continue
		}
		if !c.Minute.Before(from) && c.Minute.Before(to) {
			in[c.Minute.Unix()] += c.N
		} else {
			out[c.Minute.Unix()] += c.N
		}
	}
	return in, out
}

func sum(m map[int64]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestAnomalies checks each anomaly against the same activity without it:
// identical outside the window, and the declared effect inside.
func TestAnomalies(t *testing.T) {
	base := Config{Seed: 9, Duration: 6 * time.Hour, Rate: 600, Seasonality: -1}
	start := base.Start
	if start.IsZero() {
		start = defaultStart
	}
	plain := MustNew(base)

	cfg := base
	cfg.Anomalies = []Anomaly{
		{Kind: Spike, Start: start.Add(time.Hour), Duration: 30 * time.Minute, Factor: 8},
		{Kind: Drop, Start: start.Add(2 * time.Hour), Duration: 20 * time.Minute},
		{Kind: ErrorBurst, Start: start.Add(3 * time.Hour), Duration: 15 * time.Minute},
		{Kind: ErrorBurst, EventSource: "iam.amazonaws.com", EventName: "DeleteInstanceProfile", Region: "us-east-1",
			ErrorCode: "AccessDeniedException", Start: start.Add(4 * time.Hour), Duration: 12 * time.Minute, Factor: 12},
	}
	g := MustNew(cfg)
	truth := g.Anomalies()
	if len(truth) != 4 {
		t.Fatalf("%d anomalies", len(truth))
	}
	for i, a := range truth {
		if a.Region == "" || a.EventSource == "" || a.EventName == "" || a.Start.IsZero() || a.Duration <= 0 {
			t.Errorf("anomaly %d not resolved: %+v", i, a)
		}
		if (a.Kind == ErrorBurst) != (a.ErrorCode != "") {
			t.Errorf("anomaly %d: ErrorCode %q for %s", i, a.ErrorCode, a.Kind)
		}
	}
	if truth[0].Factor != 8 || truth[1].Factor != 0 || truth[2].Factor != 12 {
		t.Errorf("factors: %v %v %v", truth[0].Factor, truth[1].Factor, truth[2].Factor)
	}
	if truth[0].EventName == truth[1].EventName && truth[0].EventSource == truth[1].EventSource {
		t.Errorf("spike and drop chose the same API %s", truth[0].EventName)
	}
	if !strings.HasPrefix(truth[2].ErrorCode, "AccessDenied") && truth[2].ErrorCode != "Client.UnauthorizedOperation" {
		t.Errorf("default burst error code %q", truth[2].ErrorCode)
	}
	// Chosen series are busy write management APIs.
	for _, a := range truth[:3] {
		if event.ReadOnlyAPI(a.EventName) {
			t.Errorf("anomaly on read-only API %s", a.EventName)
		}
	}

	api := func(a Anomaly) func(Series) bool {
		return func(s Series) bool {
			return s.Region == a.Region && s.EventSource == a.EventSource && s.EventName == a.EventName
		}
	}
	errSeries := func(a Anomaly) func(Series) bool {
		return func(s Series) bool { return api(a)(s) && s.ErrorCode == a.ErrorCode }
	}

	// Spike.
	a := truth[0]
	in, out := sumWindow(g, api(a), a.Start, a.end())
	pin, pout := sumWindow(plain, api(a), a.Start, a.end())
	if !mapsEqual(out, pout) {
		t.Errorf("spike changed counts outside its window")
	}
	if got, want := float64(sum(in)), 8*float64(sum(pin)); math.Abs(got-want) > 0.25*want+10 {
		t.Errorf("spike: %v calls in window, want about %v (8 × %d)", got, want, sum(pin))
	}
	if sum(pin) < 10 {
		t.Errorf("spike target %s too quiet to test (%d in window)", a.EventName, sum(pin))
	}

	// Drop.
	a = truth[1]
	in, out = sumWindow(g, api(a), a.Start, a.end())
	_, pout = sumWindow(plain, api(a), a.Start, a.end())
	if sum(in) != 0 {
		t.Errorf("drop: %d calls in window", sum(in))
	}
	if !mapsEqual(out, pout) || sum(out) == 0 {
		t.Errorf("drop changed counts outside its window (or the API has no calls)")
	}

	// Error bursts: about Factor per minute on top of the baseline errors.
	for _, a := range truth[2:] {
		in, out = sumWindow(g, errSeries(a), a.Start, a.end())
		pin, pout = sumWindow(plain, errSeries(a), a.Start, a.end())
		if !mapsEqual(out, pout) {
			t.Errorf("burst %s changed counts outside its window", a.ErrorCode)
		}
		mins := a.Duration.Minutes()
		want := a.Factor*mins + float64(sum(pin))
		if got := float64(sum(in)); math.Abs(got-want) > 5*math.Sqrt(want) {
			t.Errorf("burst %s %s: %v errors in %v minutes, want about %v", a.EventName, a.ErrorCode, got, mins, want)
		}
	}

	// The burst's records carry the error.
	a = truth[3]
	n := 0
	for r := range g.Records() {
		if r.EventName == a.EventName && !r.EventTime.Before(a.Start) && r.EventTime.Before(a.end()) {
			if r.ErrorCode != "AccessDeniedException" || r.ErrorMessage == "" || string(r.ResponseElements) != "null" {
				t.Fatalf("burst record without the error: %+v", r)
			}
			n++
		}
	}
	if n < 100 {
		t.Errorf("%d burst records", n)
	}
}

func mapsEqual(a, b map[int64]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestAnomalyClippingAndDefaults(t *testing.T) {
	g := MustNew(Config{Seed: 1, Duration: time.Hour, Anomalies: []Anomaly{
		{Kind: Spike},
		{Kind: Drop, Start: defaultStart.Add(50 * time.Minute), Duration: time.Hour},
		{Kind: Spike, Start: defaultStart.Add(-10 * time.Minute), Duration: 15*time.Minute + time.Second},
	}})
	got := g.Anomalies()
	if got[0].Start != defaultStart.Add(30*time.Minute) || got[0].Duration != 10*time.Minute || got[0].Factor != 5 {
		t.Errorf("defaults: %+v", got[0])
	}
	if got[1].Start != defaultStart.Add(50*time.Minute) || got[1].Duration != 10*time.Minute {
		t.Errorf("clipped end: %+v", got[1])
	}
	if got[2].Start != defaultStart || got[2].Duration != 6*time.Minute {
		t.Errorf("clipped start: %+v", got[2])
	}
}

// TestConfigErrors: every configuration that cannot be honoured is an
// error matching ErrConfig and naming the field, from New, and a panic
// from MustNew.
func TestConfigErrors(t *testing.T) {
	at := defaultStart.Add(30 * time.Minute)
	for name, c := range map[string]struct {
		cfg   Config
		field string
	}{
		"unknown kind":      {Config{Anomalies: []Anomaly{{Kind: "wobble"}}}, "Anomalies[0].Kind"},
		"no such API":       {Config{Anomalies: []Anomaly{{Kind: Spike, EventSource: "nope.amazonaws.com", EventName: "X", Region: "us-east-1"}}}, "Anomalies[0]"},
		"negative factor":   {Config{Anomalies: []Anomaly{{Kind: Spike, Factor: -1}}}, "Anomalies[0].Factor"},
		"NaN factor":        {Config{Anomalies: []Anomaly{{Kind: ErrorBurst, Factor: math.NaN()}}}, "Anomalies[0].Factor"},
		"huge factor":       {Config{Anomalies: []Anomaly{{Kind: ErrorBurst, Factor: 1e9}}}, "Anomalies[0].Factor"},
		"drop with actor":   {Config{Anomalies: []Anomaly{{Kind: Drop, Actor: &Actor{}}}}, "Anomalies[0].Actor"},
		"spike below 1":     {Config{Anomalies: []Anomaly{{Kind: Spike, Factor: 0.5, Actor: &Actor{}}}}, "Anomalies[0].Factor"},
		"series no name":    {Config{Series: []Series{{EventSource: "s3.amazonaws.com"}}}, "Series[0]"},
		"negative rate":     {Config{Series: []Series{{EventSource: "s3.amazonaws.com", EventName: "GetObject", Rate: -2}}}, "Series[0].Rate"},
		"infinite rate":     {Config{Series: []Series{{EventSource: "s3.amazonaws.com", EventName: "GetObject", Rate: math.Inf(1)}}}, "Series[0].Rate"},
		"NaN mix rate":      {Config{Rate: math.NaN()}, "Rate"},
		"huge mix rate":     {Config{Rate: 2 * maxRate}, "Rate"},
		"empty account":     {Config{Accounts: []string{""}}, "Accounts[0]"},
		"empty region":      {Config{Regions: []string{"us-east-1", ""}}, "Regions[1]"},
		"nothing to pick":   {Config{Rate: -1, Anomalies: []Anomaly{{Kind: Spike}}}, "Anomalies[0]"},
		"unknown technique": {Config{Attacks: []Attack{{Technique: "aws.impact.nothing"}}}, "Attacks[0].Technique"},
		"attack past end":   {Config{Attacks: []Attack{{Technique: "aws.credential-access.console-login-brute-force", Start: defaultStart.Add(58 * time.Minute)}}}, "Attacks[0].Start"},
		"attack before":     {Config{Attacks: []Attack{{Technique: "aws.defense-evasion.cloudtrail-stop", Start: defaultStart.Add(-time.Second)}}}, "Attacks[0].Start"},
		"extra outside":     {Config{Extra: []*event.Record{event.Builder{}.APICall(event.Record{EventTime: defaultStart.Add(2 * time.Hour), EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "us-east-1", SourceIPAddress: "192.0.2.1", UserIdentity: &event.UserIdentity{Type: event.IdentityRoot, AccountID: "111122223333"}})}}, "Extra[0]"},
		"extra invalid":     {Config{Extra: []*event.Record{{EventTime: at}}}, "Extra[0]"},
		"duration too long": {Config{Duration: 400 * 24 * time.Hour}, "Duration"},
		"NaN seasonality":   {Config{Seasonality: math.NaN()}, "Seasonality"},
	} {
		g, err := New(c.cfg)
		var ce *configError
		if g != nil || !errors.As(err, &ce) || !errors.Is(err, ErrConfig) {
			t.Errorf("%s: New = %v, %v; want an error matching ErrConfig", name, g, err)
			continue
		}
		if ce.field != c.field || !strings.HasPrefix(err.Error(), "eventtest: Config."+c.field+": ") {
			t.Errorf("%s: field %q (%v), want %q", name, ce.field, err, c.field)
		}
		func() {
			defer func() {
				if v := recover(); v != err && (v == nil || v.(error).Error() != err.Error()) {
					t.Errorf("%s: MustNew panicked with %v, want %v", name, v, err)
				}
			}()
			MustNew(c.cfg)
		}()
	}
	if g, err := New(Config{Seed: 1}); g == nil || err != nil {
		t.Fatalf("valid config: %v", err)
	}
}

// TestRealism checks coverage of the mix: every identity type, at least 20
// services, the event kinds, errors, global services in us-east-1; and that
// every record validates and survives an encode/decode round trip.
func TestRealism(t *testing.T) {
	dur := 24 * time.Hour
	if testing.Short() || raceEnabled {
		dur = 6 * time.Hour
	}
	g := MustNew(Config{Seed: 2024, Duration: dur, Rate: 120, Regions: []string{"eu-west-1", "ap-southeast-2"},
		Accounts: []string{"111122223333", "444455556666"}})
	types := map[event.IdentityType]int{}
	sources := map[string]bool{}
	codes := map[string]bool{}
	var reads, writes, data, signIns, signInFailures, services, cross, console, tls int
	regions := map[string]map[string]bool{}
	var buf []byte
	n := 0
	for r := range g.Records() {
		n++
		if err := event.Validate(r); err != nil {
			t.Fatalf("record %d does not validate: %v", n, err)
		}
		if n%7 == 0 { // round trip a sample; the codec has its own tests
			buf = r.AppendJSON(buf[:0])
			var back event.Record
			if err := event.Unmarshal(buf, &back); err != nil {
				t.Fatalf("record %d does not decode: %v\n%s", n, err, buf)
			}
			if again := back.AppendJSON(nil); string(again) != string(buf) {
				t.Fatalf("record %d does not round-trip:\n%s\n%s", n, buf, again)
			}
		}
		if r.UserIdentity.Type != "" {
			types[r.UserIdentity.Type]++
		}
		sources[r.EventSource] = true
		if regions[r.EventSource] == nil {
			regions[r.EventSource] = map[string]bool{}
		}
		regions[r.EventSource][r.AWSRegion] = true
		if r.ErrorCode != "" {
			codes[r.ErrorCode] = true
			if r.ErrorMessage == "" && r.ErrorCode != "InvalidCiphertextException" {
				t.Errorf("%s without message", r.ErrorCode)
			}
		}
		if *r.ReadOnly {
			reads++
		} else {
			writes++
		}
		switch {
		case r.EventCategory == event.CategoryData:
			data++
			if *r.ManagementEvent {
				t.Errorf("data event with managementEvent true")
			}
			if r.EventSource == "s3.amazonaws.com" {
				if len(r.Resources) != 2 || r.Resources[0].Type != "AWS::S3::Object" || r.Resources[1].Type != "AWS::S3::Bucket" {
					t.Errorf("S3 data event resources: %+v", r.Resources)
				}
			}
		case r.EventType == event.AwsConsoleSignIn:
			signIns++
			if len(r.AdditionalEventData) == 0 || !strings.Contains(string(r.AdditionalEventData), `"MFAUsed"`) {
				t.Errorf("sign-in without MFAUsed: %s", r.AdditionalEventData)
			}
			if string(r.ResponseElements) == `{"ConsoleLogin":"Failure"}` {
				signInFailures++
			}
		case r.EventType == event.AwsServiceEvent:
			services++
			if len(r.ServiceEventDetails) == 0 {
				t.Errorf("service event without serviceEventDetails")
			}
		}
		if r.SharedEventID != "" {
			cross++
		}
		if r.SessionCredentialFromConsole == "true" {
			console++
		}
		if r.TLSDetails != nil {
			tls++
		}
	}
	t.Logf("%d records: %d read, %d write, %d data, %d sign-ins (%d failed), %d service events, %d cross-account, %d console, %d with tlsDetails",
		n, reads, writes, data, signIns, signInFailures, services, cross, console, tls)
	for _, typ := range []event.IdentityType{event.IdentityRoot, event.IdentityIAMUser, event.IdentityAssumedRole, event.IdentityRole,
		event.IdentityFederatedUser, event.IdentityDirectory, event.IdentityAWSAccount, event.IdentityAWSService,
		event.IdentityIdentityCenterUser, event.IdentitySAMLUser, event.IdentityWebIdentityUser, event.IdentityUnknown} {
		if types[typ] == 0 {
			t.Errorf("no %s identity", typ)
		}
	}
	if len(sources) < 20 {
		t.Errorf("%d services, want at least 20", len(sources))
	}
	for _, c := range []string{"AccessDenied", "AccessDeniedException", "ThrottlingException", "NoSuchEntityException", "Client.UnauthorizedOperation"} {
		if !codes[c] {
			t.Errorf("no %s error", c)
		}
	}
	if reads < 3*writes || writes < reads/30 {
		t.Errorf("read/write mix %d/%d", reads, writes)
	}
	if data == 0 || signIns == 0 || signInFailures == 0 || services == 0 || cross == 0 || console == 0 || tls < n/2 {
		t.Errorf("missing kinds of records")
	}
	for _, global := range []string{"iam.amazonaws.com", "signin.amazonaws.com", "route53.amazonaws.com"} {
		if len(regions[global]) != 1 || !regions[global]["us-east-1"] {
			t.Errorf("%s recorded in %v, want us-east-1 only", global, regions[global])
		}
	}
	if got := regions["ec2.amazonaws.com"]; len(got) != 2 || !got["eu-west-1"] || !got["ap-southeast-2"] {
		t.Errorf("ec2 recorded in %v", got)
	}
}

func TestEarlyBreak(t *testing.T) {
	g := MustNew(Config{Seed: 1})
	n := 0
	for range g.Records() {
		n++
		if n == 5 {
			break
		}
	}
	m := 0
	for range g.Counts() {
		m++
		if m == 5 {
			break
		}
	}
	if n != 5 || m != 5 {
		t.Errorf("break: %d %d", n, m)
	}
}

func TestSeriesOrderStable(t *testing.T) {
	a := MustNew(Config{Seed: 1, Regions: []string{"us-east-1", "eu-west-1"}}).Series()
	b := MustNew(Config{Seed: 99, Regions: []string{"us-east-1", "eu-west-1"}}).Series()
	if !slices.Equal(a, b) {
		t.Errorf("series depend on the seed")
	}
	if len(a) < 100 {
		t.Errorf("%d series", len(a))
	}
}

func BenchmarkRecords(b *testing.B) {
	g := MustNew(Config{Seed: 1, Duration: 24 * time.Hour, Rate: 600, Regions: []string{"us-east-1", "eu-west-1"}})
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		for range g.Records() {
			n++
		}
	}
	reportRate(b, n, cpuTime()-cpu0)
}

// BenchmarkRecordsEncode is Records followed by AppendJSON of every record:
// the cost of writing generated fixtures.
func BenchmarkRecordsEncode(b *testing.B) {
	g := MustNew(Config{Seed: 1, Duration: 2 * time.Hour, Rate: 600})
	var buf []byte
	n := 0
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for r := range g.Records() {
			buf = r.AppendJSON(buf[:0])
			n++
		}
	}
	reportRate(b, n, cpuTime()-cpu0)
}

// BenchmarkRecordsEncodeStdlib is the baseline of BenchmarkRecordsEncode:
// the same records written with encoding/json.Marshal.
func BenchmarkRecordsEncodeStdlib(b *testing.B) {
	g := MustNew(Config{Seed: 1, Duration: 2 * time.Hour, Rate: 600})
	n := 0
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		for r := range g.Records() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
			n++
		}
	}
	reportRate(b, n, cpuTime()-cpu0)
}

// BenchmarkCounts measures a 14-day Insights scenario over the full mix
// (over 200 series) without building records.
func BenchmarkCounts(b *testing.B) {
	g := MustNew(Config{Seed: 1, Duration: 14 * 24 * time.Hour, Rate: 600, Regions: []string{"us-east-1", "eu-west-1", "ap-southeast-2"}})
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		for c := range g.Counts() {
			n += c.N
		}
	}
	b.ReportMetric(float64(len(g.Series())), "series")
	reportRate(b, n, cpuTime()-cpu0)
}

// reportRate reports records per wall-clock second and, where the platform
// measures it, per CPU second of the whole process (GC included), which is
// the figure that does not depend on other load on the machine.
func reportRate(b *testing.B, n int, cpu time.Duration) {
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
	if cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), "records/cpu-s")
	}
}
