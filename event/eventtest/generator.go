package eventtest

import (
	"encoding/json"
	"fmt"
	"iter"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/randdist"
)

// Generator produces the activity a Config describes. It is immutable after
// New: Records, Counts, Series and Anomalies may be called from several
// goroutines at once, and each Records or Counts iteration starts again from
// the beginning and yields the same values.
type Generator struct {
	cfg       Config
	series    []*series
	anomalies []Anomaly
	minutes   int
	season    []float64 // daily-cycle factor per minute
	accounts  map[string]*account
	anomInfo  []anomInfo
	attacks   []*attack
	extras    []*event.Record // attack and caller records, in time order
}

// anomInfo is what Truth needs of a resolved anomaly.
type anomInfo struct {
	account  string
	actor    Actor
	from, to int   // minute window
	series   []int // indexes of the series whose records in the window are the truth
}

// Count is the number of records of one series in one minute.
type Count struct {
	Minute time.Time // the minute's start, UTC
	Series int       // index into Generator.Series()
	N      int       // records in that minute, at least 1
}

// series is one entry of the mix with everything needed to build its
// records.
type series struct {
	Series
	api      *api // nil for an explicit series of an API not in the catalogue
	kind     kind
	key      uint64 // the series' own random stream
	acct     *account
	version  string
	variants [4]variant
	tls      [2]*event.TLSDetails
	svc      []*principal // AWSService callers (invokers), or the service-event caller
	weights  []weighted
	readOnly *bool
	mgmt     *bool
	category event.Category
	etype    event.EventType
	s3       bool   // S3-style request ids
	errMsg   string // with {arn} and {action}
	action   string
	windows  []window
	actor    *principal // the one caller of an anomaly's actor series
}

type variant struct {
	req, resp, add, details json.RawMessage
	resources               []event.Resource
}

// window is an anomaly's effect on one series, in minute indexes [from, to).
type window struct {
	from, to int
	kind     AnomalyKind
	factor   float64
}

// extra is the window kind of an actor series: factor records per minute,
// following the daily cycle.
const extra AnomalyKind = "extra"

var (
	vTrue, vFalse = true, false
	jsonNull      = json.RawMessage("null")
	signInOK      = json.RawMessage(`{"ConsoleLogin":"Success"}`)
	signInFailed  = json.RawMessage(`{"ConsoleLogin":"Failure"}`)
)

// New returns a Generator for cfg, or an error matching ErrConfig if cfg
// cannot be honoured: an empty account or region, a rate that is negative
// where a rate must not be, not a number, infinite or above 1e6, a Series
// without EventSource or EventName, an Anomaly of unknown kind, with a
// negative Factor or Duration, or whose series matches nothing in the mix
// (a Spike or Drop needs an API that has calls), an Attack of an unknown
// technique or running past the generated span, or a mixed-in record
// outside the span or not passing event.Validate.
func New(cfg Config) (*Generator, error) {
	cfg = cfg.resolved()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	g := &Generator{cfg: cfg, accounts: map[string]*account{}}
	g.minutes = int(cfg.Duration / time.Minute)
	g.season = make([]float64, g.minutes)
	for m := range g.season {
		t := cfg.Start.Add(time.Duration(m)*time.Minute + 30*time.Second)
		h := float64(t.Hour()) + float64(t.Minute())/60 + float64(t.Second())/3600
		g.season[m] = 1 + cfg.Seasonality*math.Cos(2*math.Pi*(h-14)/24)
	}

	// The built-in mix: per account, per API, per region (one region for
	// global services), the successful series then its error series.
	var total float64
	accounts := cfg.Accounts
	if cfg.Rate == 0 {
		accounts = nil
	}
	for _, acct := range accounts {
		for ai := range catalogue {
			a := &catalogue[ai]
			regions := cfg.Regions
			if a.global {
				regions = []string{"us-east-1"}
			}
			for _, region := range regions {
				share := 1.0
				for _, e := range a.errors {
					share -= e.share
				}
				s := g.newSeries(Series{Region: region, EventSource: a.source, EventName: a.name, Account: acct}, a)
				s.Rate = a.weight * share
				total += s.Rate
				g.series = append(g.series, s)
				for _, e := range a.errors {
					s := g.newSeries(Series{Region: region, EventSource: a.source, EventName: a.name, ErrorCode: e.code, Account: acct}, a)
					s.Rate = a.weight * e.share
					total += s.Rate
					g.series = append(g.series, s)
				}
			}
		}
	}
	for _, s := range g.series {
		if total > 0 {
			s.Rate = cfg.Rate * s.Rate / total
		}
	}

	// Explicit series.
	for _, x := range cfg.Series {
		if x.Account == "" {
			x.Account = cfg.Accounts[0]
		}
		if x.Region == "" {
			x.Region = cfg.Regions[0]
		}
		s := g.newSeries(x, findAPI(x.EventSource, x.EventName))
		s.Rate = x.Rate
		s.setFlags(x.ReadOnly, x.Data)
		g.series = append(g.series, s)
	}

	for i, a := range cfg.Anomalies {
		r, err := g.resolve(i, a)
		if err != nil {
			return nil, err
		}
		g.anomalies = append(g.anomalies, r)
	}
	if err := g.addExtras(); err != nil {
		return nil, err
	}
	return g, nil
}

// MustNew is New for configurations written in code (tests, examples): it
// panics with the error where New returns one.
func MustNew(cfg Config) *Generator {
	g, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return g
}

func findAPI(source, name string) *api {
	for i := range catalogue {
		if catalogue[i].source == source && catalogue[i].name == name {
			return &catalogue[i]
		}
	}
	return nil
}

func (g *Generator) account(id string) *account {
	if a, ok := g.accounts[id]; ok {
		return a
	}
	other := "999988887777"
	if id == other {
		other = "444455556666"
	}
	created := g.cfg.Start.Add(-47 * time.Minute).Format(event.TimeLayout)
	a := newAccount(id, other, g.cfg.Regions[0], created)
	g.accounts[id] = a
	return a
}

// builderVersion is the eventVersion event.Builder writes (the newest
// documented), for series whose API template does not pin an older one.
var builderVersion = event.Builder{NewID: func() string { return "" }}.APICall(event.Record{}).EventVersion

// newSeries builds the series x using the templates of a (which may be nil).
func (g *Generator) newSeries(x Series, a *api) *series {
	s := &series{Series: x, api: a, acct: g.account(x.Account), version: builderVersion}
	s.key = splitmix(hash64(x.Account + "|" + x.Region + "|" + x.EventSource + "|" + x.EventName + "|" + x.ErrorCode))
	s.kind, s.weights = kindCall, mixes[mixAPI]
	if a != nil {
		s.kind, s.weights = a.kind, mixes[a.mix]
		if a.version != "" {
			s.version = a.version
		}
	}
	s.setFlags(event.ReadOnlyAPI(x.EventName) && (s.kind == kindCall || s.kind == kindData), s.kind == kindData)
	s.s3 = x.EventSource == "s3.amazonaws.com"
	s.action = iamAction(x.EventSource, x.EventName)
	if x.ErrorCode != "" {
		msg, ok := errorMessages[x.ErrorCode]
		if !ok {
			msg = "An error occurred (" + x.ErrorCode + ") when calling the " + x.EventName + " operation"
		}
		if x.ErrorCode == "AccessDenied" && s.s3 {
			msg = "Access Denied"
		}
		if s.kind == kindSignIn {
			// Console sign-in failures carry no errorCode; the series'
			// ErrorCode is the errorMessage CloudTrail writes.
			msg = "Failed authentication"
			if signInMessages[x.ErrorCode] {
				msg = x.ErrorCode
			}
		}
		s.errMsg = msg
	}

	bucket := "app-data-" + x.Account + "-" + x.Region
	for n := range s.variants {
		rep := strings.NewReplacer("{acct}", x.Account, "{region}", x.Region, "{n}", strconv.Itoa(n+1),
			"{bucket}", bucket, "{org}", g.cfg.OrgID)
		raw := func(t string) json.RawMessage {
			if t == "" {
				return nil
			}
			return json.RawMessage(rep.Replace(t))
		}
		v := &s.variants[n]
		v.req, v.resp = jsonNull, jsonNull
		if a == nil {
			continue
		}
		if a.req != "" {
			v.req = raw(a.req)
		}
		if a.resp != "" {
			v.resp = raw(a.resp)
		}
		v.add, v.details = raw(a.add), raw(a.details)
		for _, r := range a.resources {
			res := event.Resource{Type: r.typ, ARN: rep.Replace(r.arn)}
			if r.owner {
				res.AccountID = x.Account
			}
			v.resources = append(v.resources, res)
		}
	}

	host := strings.TrimSuffix(x.EventSource, ".amazonaws.com") + "." + x.Region + ".amazonaws.com"
	switch {
	case s.s3:
		host = bucket + ".s3." + x.Region + ".amazonaws.com"
	case a != nil && a.global && x.EventSource != "organizations.amazonaws.com":
		host = x.EventSource
	}
	s.tls[0] = &event.TLSDetails{TLSVersion: "TLSv1.3", CipherSuite: "TLS_AES_128_GCM_SHA256", ClientProvidedHostHeader: host}
	s.tls[1] = &event.TLSDetails{TLSVersion: "TLSv1.2", CipherSuite: "ECDHE-RSA-AES128-GCM-SHA256", ClientProvidedHostHeader: host}

	switch {
	case s.kind == kindService && a != nil && len(a.invokers) > 0:
		s.svc = []*principal{{id: &event.UserIdentity{AccountID: x.Account, InvokedBy: a.invokers[0]},
			arn: a.invokers[0], agents: []string{a.invokers[0]}, ips: []string{a.invokers[0]}, service: true}}
	case s.kind == kindService && a != nil && x.EventSource == "s3.amazonaws.com":
		s.svc = servicePrincipals([]string{"s3.amazonaws.com"})
	case a != nil:
		s.svc = servicePrincipals(a.invokers)
	}
	if s.kind == kindService && a != nil && len(s.svc) == 1 && s.svc[0].id.Type == event.IdentityAWSService {
		// A service event names the account and the service, without a type.
		s.svc[0].id = &event.UserIdentity{AccountID: x.Account, InvokedBy: s.svc[0].id.InvokedBy}
	}
	return s
}

func (s *series) setFlags(readOnly, data bool) {
	s.ReadOnly, s.Data = readOnly, data
	s.readOnly = &vFalse
	if readOnly {
		s.readOnly = &vTrue
	}
	s.etype, s.category, s.mgmt = event.AwsAPICall, event.CategoryManagement, &vTrue
	switch {
	case data:
		s.category, s.mgmt = event.CategoryData, &vFalse
		if s.kind != kindData {
			s.kind = kindData
		}
	case s.kind == kindSignIn:
		s.etype = event.AwsConsoleSignIn
	case s.kind == kindService:
		s.etype = event.AwsServiceEvent
	case s.kind == kindData:
		s.kind = kindCall
	}
}

// resolve fills the empty fields of the i-th anomaly and attaches its
// windows to the series it affects.
func (g *Generator) resolve(i int, a Anomaly) (Anomaly, error) {
	field := fmt.Sprintf("Anomalies[%d]", i)
	if a.Start.IsZero() {
		a.Start = g.cfg.Start.Add(g.cfg.Duration / 2)
	}
	a.Start = a.Start.UTC().Truncate(time.Minute)
	if a.Duration == 0 {
		a.Duration = defaultAnomalyLen
	}
	a.Duration = roundUpMinute(a.Duration)
	switch a.Kind {
	case Spike:
		if a.Factor == 0 {
			a.Factor = defaultSpike
		}
	case Drop:
		a.Factor = 0
	case ErrorBurst:
		if a.Factor == 0 {
			a.Factor = defaultBurst
		}
	}
	if a.Kind != ErrorBurst {
		a.ErrorCode = ""
	}
	if a.Region == "" || a.EventSource == "" || a.EventName == "" {
		type cand struct {
			region, source, name string
			rate                 float64
			first                int
		}
		var cands []*cand
		byKey := map[string]*cand{}
		for idx, s := range g.series {
			if s.ErrorCode != "" || s.ReadOnly || s.Data || s.kind != kindCall || s.actor != nil ||
				(a.Region != "" && s.Region != a.Region) || (a.EventSource != "" && s.EventSource != a.EventSource) ||
				(a.EventName != "" && s.EventName != a.EventName) {
				continue
			}
			k := s.Region + "|" + s.EventSource + "|" + s.EventName
			c := byKey[k]
			if c == nil {
				c = &cand{region: s.Region, source: s.EventSource, name: s.EventName, first: idx}
				byKey[k] = c
				cands = append(cands, c)
			}
			c.rate += s.Rate
		}
		if len(cands) == 0 {
			return a, configErr(field, fmt.Sprintf("no write management series matches region %q, source %q, name %q",
				a.Region, a.EventSource, a.EventName))
		}
		sort.SliceStable(cands, func(x, y int) bool { return cands[x].rate > cands[y].rate })
		c := cands[i%min(3, len(cands))]
		a.Region, a.EventSource, a.EventName = c.region, c.source, c.name
	}
	if a.Kind == ErrorBurst && a.ErrorCode == "" {
		a.ErrorCode = denyCode(a.EventSource)
	}

	// Clip to the generated span.
	from := int(a.Start.Sub(g.cfg.Start) / time.Minute)
	to := from + int(a.Duration/time.Minute)
	from, to = max(from, 0), min(to, g.minutes)
	if to < from {
		to = from
	}
	if from >= g.minutes {
		from, to = g.minutes, g.minutes
	}
	a.Start = g.cfg.Start.Add(time.Duration(from) * time.Minute)
	a.Duration = time.Duration(to-from) * time.Minute
	w := window{from: from, to: to, kind: a.Kind, factor: a.Factor}
	info := anomInfo{account: g.cfg.Accounts[0], from: from, to: to}

	same := func(s *series) bool {
		return s.Region == a.Region && s.EventSource == a.EventSource && s.EventName == a.EventName
	}
	// The series of the API in every account (for a Spike or Drop), and
	// the accounts calling it.
	var affected []int
	var accounts []string
	var proto *series
	seen := map[string]bool{}
	for idx, s := range g.series {
		if !same(s) || s.actor != nil {
			continue
		}
		affected = append(affected, idx)
		if !seen[s.Account] {
			seen[s.Account] = true
			accounts = append(accounts, s.Account)
		}
		if proto == nil {
			proto = s
		}
	}
	if a.Kind != ErrorBurst && len(affected) == 0 {
		return a, configErr(field, fmt.Sprintf("no series of %s %s in %s", a.EventSource, a.EventName, a.Region))
	}
	if len(accounts) == 0 {
		accounts = []string{g.cfg.Accounts[0]}
	}
	info.account = accounts[0]

	if a.Actor != nil {
		if a.Kind == Spike && a.Factor < 1 {
			return a, configErr(field+".Factor", fmt.Sprintf("a Spike with an Actor adds (Factor-1) times the rate; %v is below 1", a.Factor))
		}
		acct := accounts[0]
		actor := a.Actor.withDefaults(defaultActor(acct))
		if actor.Identity.AccountID != "" && seen[actor.Identity.AccountID] {
			acct = actor.Identity.AccountID
		}
		a.Actor = &actor
		info.account, info.actor = acct, actor
		p := actor.principal()
		add := func(x Series, api *api, k kind, readOnly, data bool, rate float64) {
			s := g.newSeries(x, api)
			s.key = splitmix(s.key ^ hash64(fmt.Sprintf("actor|%d", i)))
			s.kind = k
			s.setFlags(readOnly, data)
			s.actor = p
			s.Rate = 0
			s.windows = []window{{from: from, to: to, kind: extra, factor: rate}}
			if a.Kind == ErrorBurst {
				s.windows[0].kind = ErrorBurst
			}
			info.series = append(info.series, len(g.series))
			g.series = append(g.series, s)
		}
		if a.Kind == ErrorBurst {
			x := Series{Region: a.Region, EventSource: a.EventSource, EventName: a.EventName, ErrorCode: a.ErrorCode, Account: acct}
			k, ro, data := kindCall, event.ReadOnlyAPI(a.EventName), false
			if proto != nil {
				k, ro, data = proto.kind, proto.ReadOnly, proto.Data
			}
			add(x, findAPI(a.EventSource, a.EventName), k, ro, data, a.Factor)
		} else {
			for _, idx := range affected {
				s := g.series[idx]
				if s.Account == acct && s.Rate > 0 {
					add(s.Series, s.api, s.kind, s.ReadOnly, s.Data, (a.Factor-1)*s.Rate)
				}
			}
		}
		g.anomInfo = append(g.anomInfo, info)
		return a, nil
	}

	if a.Kind != ErrorBurst {
		for _, idx := range affected {
			g.series[idx].windows = append(g.series[idx].windows, w)
		}
		if a.Kind == Spike {
			info.series = affected
		}
		g.anomInfo = append(g.anomInfo, info)
		return a, nil
	}
	// ErrorBurst: the error series of every account that calls the API.
	for _, acct := range accounts {
		var target *series
		for idx, s := range g.series {
			if same(s) && s.actor == nil && s.Account == acct && s.ErrorCode == a.ErrorCode {
				target = s
				info.series = append(info.series, idx)
				break
			}
		}
		if target == nil {
			x := Series{Region: a.Region, EventSource: a.EventSource, EventName: a.EventName, ErrorCode: a.ErrorCode, Account: acct}
			target = g.newSeries(x, findAPI(a.EventSource, a.EventName))
			if proto != nil {
				target.kind = proto.kind
				target.setFlags(proto.ReadOnly, proto.Data)
			}
			info.series = append(info.series, len(g.series))
			g.series = append(g.series, target)
		}
		target.windows = append(target.windows, w)
	}
	g.anomInfo = append(g.anomInfo, info)
	return a, nil
}

// Config returns the configuration with every default applied.
func (g *Generator) Config() Config { return g.cfg }

// Series returns every series of the mix, in the order Count.Series indexes
// them: the built-in mix (per account, per API, per region; each API's
// successful series followed by its error series), then Config.Series, then
// in anomaly order the error series created by ErrorBurst anomalies and the
// series of anomalies performed by an Actor (which have Rate 0: they only
// add records inside their window). Rate is the mean per minute before the
// daily cycle and anomalies.
func (g *Generator) Series() []Series {
	out := make([]Series, len(g.series))
	for i, s := range g.series {
		out[i] = s.Series
	}
	return out
}

// Anomalies returns the injected anomalies with every field resolved:
// the series, Start and Duration clipped to the generated span, and Factor.
func (g *Generator) Anomalies() []Anomaly {
	return append([]Anomaly(nil), g.anomalies...)
}

// rate returns the Poisson mean of series s in minute m.
func (g *Generator) rate(s *series, m int) float64 {
	lam := s.Rate * g.season[m]
	add := 0.0
	for _, w := range s.windows {
		if m < w.from || m >= w.to {
			continue
		}
		switch w.kind {
		case Spike:
			lam *= w.factor
		case Drop:
			lam = 0
		case ErrorBurst:
			add += w.factor
		case extra:
			add += w.factor * g.season[m]
		}
	}
	return lam + add
}

// count returns the number of records of series s in minute m. Each
// (series, minute) has its own random stream, so an anomaly changes nothing
// outside its window and adding a series changes no other series.
func (g *Generator) count(pcg *rand.PCG, s *series, m int) int {
	lam := g.rate(s, m)
	if lam <= 0 {
		return 0
	}
	pcg.Seed(uint64(g.cfg.Seed), splitmix(s.key+uint64(m)*0x9e3779b97f4a7c15))
	return randdist.Poisson(func() float64 { return uniform(pcg) }, lam)
}

// Counts yields the number of records of every series in every minute where
// it is not zero, minute by minute and within a minute in series order.
// It agrees exactly with the generated records of Records; the records of
// Config.Attacks and Config.Extra are not series and are not counted.
func (g *Generator) Counts() iter.Seq[Count] {
	return func(yield func(Count) bool) {
		var pcg rand.PCG
		for m := 0; m < g.minutes; m++ {
			minute := g.cfg.Start.Add(time.Duration(m) * time.Minute)
			for i, s := range g.series {
				if n := g.count(&pcg, s, m); n > 0 {
					if !yield(Count{Minute: minute, Series: i, N: n}) {
						return
					}
				}
			}
		}
	}
}

// Records yields the records in eventTime order (within a second, in series
// order). Each record is freshly allocated and owned by the caller, but its
// nested values (userIdentity, resources, tlsDetails and the raw JSON
// members) are shared with other records and must be treated as read-only;
// copy them before changing them.
func (g *Generator) Records() iter.Seq[*event.Record] {
	return func(yield func(*event.Record) bool) {
		b := newBuilder(g)
		extras := g.extras
		for m := 0; m < g.minutes; m++ {
			recs := b.minute(m)
			if len(extras) == 0 {
				for _, r := range recs {
					if !yield(r) {
						return
					}
				}
				continue
			}
			// Merge the attack and caller records of this minute, after
			// the generated records of the same second.
			end := g.cfg.Start.Add(time.Duration(m+1) * time.Minute)
			k := 0
			for k < len(extras) && extras[k].EventTime.Before(end) {
				k++
			}
			mine := extras[:k]
			extras = extras[k:]
			i := 0
			for _, x := range mine {
				for i < len(recs) && !recs[i].EventTime.After(x.EventTime) {
					if !yield(recs[i]) {
						return
					}
					i++
				}
				c := *x
				if !yield(&c) {
					return
				}
			}
			for ; i < len(recs); i++ {
				if !yield(recs[i]) {
					return
				}
			}
		}
	}
}

// builder holds the per-iteration state of Records.
type builder struct {
	g      *Generator
	counts rand.PCG
	pcg    rand.PCG
	rng    *rand.Rand
	// Records of actor series draw from their own stream, so that an
	// anomaly performed by an actor leaves every other record as it is.
	apcg   rand.PCG
	arng   *rand.Rand
	cur    *rand.Rand // rng or arng, for the record being built
	slab   []event.Record
	out    []*event.Record
	slots  []slot
	sorted []slot
	tally  [61]int
	msgs   map[msgKey]string
	buf    []byte
}

type slot struct {
	sec    int32
	series int32
}

type msgKey struct {
	s *series
	p *principal
}

func newBuilder(g *Generator) *builder {
	b := &builder{g: g, msgs: map[msgKey]string{}}
	b.rng = rand.New(&b.pcg)
	b.arng = rand.New(&b.apcg)
	return b
}

func (b *builder) minute(m int) []*event.Record {
	g := b.g
	b.pcg.Seed(uint64(g.cfg.Seed)^0x7265636f72647321, splitmix(uint64(m)))
	b.apcg.Seed(uint64(g.cfg.Seed)^0x6163746f72737321, splitmix(uint64(m)))
	b.slots = b.slots[:0]
	for i, s := range g.series {
		n := g.count(&b.counts, s, m)
		for range n {
			rng := b.rng
			if s.actor != nil {
				rng = b.arng
			}
			b.slots = append(b.slots, slot{sec: int32(rng.IntN(60)), series: int32(i)})
		}
	}
	// Counting sort by second, stable.
	b.tally = [61]int{}
	for _, x := range b.slots {
		b.tally[x.sec+1]++
	}
	for i := 1; i < len(b.tally); i++ {
		b.tally[i] += b.tally[i-1]
	}
	b.out = b.out[:0]
	for range b.slots {
		b.out = append(b.out, nil)
	}
	minute := g.cfg.Start.Add(time.Duration(m) * time.Minute)
	sorted := b.sorted[:0]
	for range b.slots {
		sorted = append(sorted, slot{})
	}
	b.sorted = sorted
	for _, x := range b.slots {
		sorted[b.tally[x.sec]] = x
		b.tally[x.sec]++
	}
	for i, x := range sorted {
		b.out[i] = b.build(g.series[x.series], minute.Add(time.Duration(x.sec)*time.Second))
	}
	return b.out
}

func (b *builder) pick(s *series, x uint64) *principal {
	if s.actor != nil {
		return s.actor
	}
	pools := &s.acct.pools
	if s.kind == kindSignIn {
		pools = &s.acct.signIn
	}
	if s.kind == kindService {
		if len(s.svc) > 0 {
			return s.svc[0]
		}
		return s.acct.pools[kInternal][0]
	}
	w := int(x % 1000)
	k := kAssumedRole
	for _, e := range s.weights {
		if w < e.w {
			k = e.k
			break
		}
		w -= e.w
	}
	if k == kAWSService {
		if len(s.svc) == 0 {
			k = kAssumedRole
		} else {
			return s.svc[(x>>10)%uint64(len(s.svc))]
		}
	}
	pool := pools[k]
	if len(pool) == 0 {
		pool = s.acct.pools[kAssumedRole]
	}
	return pool[(x>>10)%uint64(len(pool))]
}

func (b *builder) build(s *series, t time.Time) *event.Record {
	if len(b.slab) == 0 {
		b.slab = make([]event.Record, 32)
	}
	r := &b.slab[0]
	b.slab = b.slab[1:]

	b.cur = b.rng
	if s.actor != nil {
		b.cur = b.arng
	}
	x := b.cur.Uint64()
	p := b.pick(s, x)
	v := &s.variants[(x>>20)&3]
	r.EventVersion = s.version
	r.UserIdentity = p.id
	r.EventTime = t
	r.EventSource, r.EventName, r.AWSRegion = s.EventSource, s.EventName, s.Region
	r.SourceIPAddress = p.ips[(x>>24)%uint64(len(p.ips))]
	r.UserAgent = p.agents[(x>>32)%uint64(len(p.agents))]
	if s.api != nil && s.api.agent != "" && !p.service && !p.console {
		r.UserAgent = s.api.agent
	}
	r.RequestParameters, r.ResponseElements = v.req, v.resp
	r.AdditionalEventData, r.Resources, r.ServiceEventDetails = v.add, v.resources, v.details
	if s.ErrorCode != "" {
		r.ErrorCode = s.ErrorCode
		r.ErrorMessage = b.message(s, p)
		r.ResponseElements = jsonNull
	}
	if s.kind == kindSignIn {
		// A failed sign-in has no errorCode: responseElements says
		// Failure and errorMessage why.
		r.RequestParameters, r.ResponseElements, r.AdditionalEventData = jsonNull, signInOK, p.signIn
		if s.ErrorCode != "" || (x>>40)%100 < 4 {
			r.ErrorCode = ""
			r.ErrorMessage = "Failed authentication"
			if s.ErrorCode != "" {
				r.ErrorMessage = s.errMsg
			}
			r.ResponseElements = signInFailed
		}
	}
	b.ids(r, s, p.cross)
	r.ReadOnly = s.readOnly
	r.EventType = s.etype
	r.ManagementEvent = s.mgmt
	r.RecipientAccountID = s.Account
	r.EventCategory = s.category
	if !p.service && !p.console && s.kind != kindSignIn {
		r.TLSDetails = s.tls[(x>>48)&1]
	}
	if p.console && s.kind != kindSignIn {
		r.SessionCredentialFromConsole = "true"
	}
	return r
}

func (b *builder) message(s *series, p *principal) string {
	if s.errMsg == "" || !strings.Contains(s.errMsg, "{") {
		return s.errMsg
	}
	k := msgKey{s, p}
	if m, ok := b.msgs[k]; ok {
		return m
	}
	m := strings.NewReplacer("{arn}", p.arn, "{action}", s.action).Replace(s.errMsg)
	b.msgs[k] = m
	return m
}

const hexDigits = "0123456789abcdef"

// ids sets eventID (a version 4 UUID), requestID (a UUID, or S3's 16
// upper-case hex digits) and, for cross-account calls, sharedEventID, all
// from one string allocation.
func (b *builder) ids(r *event.Record, s *series, cross bool) {
	buf := b.buf[:0]
	buf = appendUUID(buf, b.cur.Uint64(), b.cur.Uint64())
	if s.s3 {
		v := b.cur.Uint64()
		for i := 60; i >= 0; i -= 4 {
			buf = append(buf, "0123456789ABCDEF"[(v>>uint(i))&15])
		}
	} else {
		buf = appendUUID(buf, b.cur.Uint64(), b.cur.Uint64())
	}
	if cross {
		buf = appendUUID(buf, b.cur.Uint64(), b.cur.Uint64())
	}
	b.buf = buf
	str := string(buf)
	r.EventID = str[:36]
	if s.s3 {
		r.RequestID = str[36:52]
	} else {
		r.RequestID = str[36:72]
	}
	if cross {
		r.SharedEventID = str[len(str)-36:]
	}
}

func appendUUID(dst []byte, hi, lo uint64) []byte {
	hi = hi&^0xf000 | 0x4000       // version 4
	lo = lo&^(0xc0<<56) | 0x80<<56 // RFC 4122 variant
	dst = appendHex(dst, hi>>32, 8)
	dst = append(dst, '-')
	dst = appendHex(dst, hi>>16, 4)
	dst = append(dst, '-')
	dst = appendHex(dst, hi, 4)
	dst = append(dst, '-')
	dst = appendHex(dst, lo>>48, 4)
	dst = append(dst, '-')
	return appendHex(dst, lo, 12)
}

// appendHex appends the low n hex digits of v, most significant first.
func appendHex(dst []byte, v uint64, n int) []byte {
	for i := (n - 1) * 4; i >= 0; i -= 4 {
		dst = append(dst, hexDigits[(v>>uint(i))&15])
	}
	return dst
}

func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func uniform(src *rand.PCG) float64 { return float64(src.Uint64()>>11) * 0x1p-53 }
