package logfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/klauspost/compress/gzip"

	"github.com/trailkit/trailkit/event"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var logKeyRE = regexp.MustCompile(`^AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// readAll reads every record of a stored object.
func readAll(t testing.TB, body []byte) []*event.Record {
	t.Helper()
	var out []*event.Record
	for r, err := range ReadRecords(bytes.NewReader(body), ReadOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// TestWriterRoundTrip writes 100,000 records (10,000 under the race
// detector) for 2 accounts and 3 Regions from 32 goroutines into a DirStore
// and reads everything back: each record exactly once, every key of the
// spec's pattern, every file readable by Python's gzip and json modules.
func TestWriterRoundTrip(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	n, goroutines := 100_000, 32
	if raceEnabled {
		n = 10_000
	}
	recs := genStream(1, n, time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC))
	store := newDirStore(t)
	clock := &fakeClock{t: time.Date(2024, 3, 5, 9, 1, 0, 0, time.UTC)}
	w, err := NewWriter(store, WriterOptions{ManualTick: true, Location: Location{Bucket: "trail-bucket"}, MaxRecords: n / 50, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var deliveries []Delivery
	w.Subscribe(func(d Delivery) {
		mu.Lock()
		deliveries = append(deliveries, d)
		mu.Unlock()
	})
	var next atomic.Int64
	var wg sync.WaitGroup
	// Tick races the writers, as the real-time goroutine would.
	stopTick := make(chan struct{})
	tickDone := make(chan struct{})
	go func() {
		defer close(tickDone)
		for {
			select {
			case <-stopTick:
				return
			case <-time.After(time.Millisecond):
				if err := w.Tick(ctx); err != nil {
					t.Error(err)
				}
			}
		}
	}()
	for range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				if i%7919 == 0 {
					clock.Add(37 * time.Second)
				}
				if err := w.Write(ctx, recs[i]); err != nil {
					t.Error(err)
					return
				}
				if i%int64(n/4) == 0 {
					if err := w.Flush(ctx); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	wg.Wait()
	close(stopTick)
	<-tickDone
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(ctx, recs[0]); !errors.Is(err, ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}

	seen := make(map[string]int, n)
	byKey := map[string]Delivery{}
	for _, d := range deliveries {
		byKey[d.Key] = d
	}
	var total int
	var keys []string
	for key, err := range store.List(ctx, "trail-bucket", "", "") {
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
		m := logKeyRE.FindStringSubmatch(key)
		if m == nil {
			t.Fatalf("key %q does not match the log file pattern", key)
		}
		if m[1] != m[6] || m[2] != m[7] || m[3] != m[8] || m[4] != m[9] || m[5] != m[10] {
			t.Fatalf("key %q: folders and name disagree", key)
		}
		obj, err := store.Get(ctx, "trail-bucket", key)
		if err != nil {
			t.Fatal(err)
		}
		if len(obj.Body) > maxFileSize {
			t.Fatalf("%s: %d bytes compressed", key, len(obj.Body))
		}
		raw := gunzip(t, obj.Body)
		if !bytes.HasPrefix(raw, []byte(`{"Records":[{"eventVersion":`)) || !bytes.HasSuffix(raw, []byte(`}]}`)) {
			t.Fatalf("%s: not compact {\"Records\":[…]}: %.40q…", key, raw)
		}
		d, ok := byKey[key]
		if !ok {
			t.Fatalf("no delivery reported for %s", key)
		}
		recsIn := readAll(t, obj.Body)
		oldest, newest := recsIn[0].EventTime, recsIn[0].EventTime
		for _, r := range recsIn {
			seen[r.EventID]++
			if r.RecipientAccountID != m[1] || r.AWSRegion != m[2] {
				t.Fatalf("%s holds a record of %s/%s", key, r.RecipientAccountID, r.AWSRegion)
			}
			oldest = minTime(oldest, r.EventTime)
			newest = maxTime(newest, r.EventTime)
		}
		total += len(recsIn)
		k, _ := ParseKey(key)
		if d.SHA256 != sha256.Sum256(raw) || d.Records != len(recsIn) || d.CompressedSize != int64(len(obj.Body)) ||
			d.UncompressedSize != int64(len(raw)) || !d.OldestEventTime.Equal(oldest) || !d.NewestEventTime.Equal(newest) ||
			d.Bucket != "trail-bucket" || d.Kind != KindLog || d.Account != m[1] || d.Region != m[2] ||
			!d.DeliveredAt.Truncate(time.Minute).Equal(k.Time) {
			t.Fatalf("delivery %+v does not describe %s", d, key)
		}
	}
	if len(keys) != len(deliveries) {
		t.Fatalf("%d objects, %d deliveries", len(keys), len(deliveries))
	}
	if total != n || len(seen) != n {
		t.Fatalf("read %d records, %d distinct, want %d", total, len(seen), n)
	}
	for _, r := range recs {
		if seen[r.EventID] != 1 {
			t.Fatalf("record %s seen %d times", r.EventID, seen[r.EventID])
		}
	}
	checkWithPython(t, filepath.Join(store.root, "trail-bucket"), n)
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// checkWithPython opens every .json.gz under dir with Python's gzip module
// and json.loads, and checks the record count.
func checkWithPython(t *testing.T, dir string, want int) {
	t.Helper()
	py := testenv.Tool(t, "python3")
	script := `
import gzip, json, os, sys
n = files = 0
for root, dirs, names in os.walk(sys.argv[1]):
    for name in names:
        if not name.endswith(".json.gz"):
            continue
        with open(os.path.join(root, name), "rb") as f:
            data = gzip.decompress(f.read())
        doc = json.loads(data)
        assert list(doc.keys()) == ["Records"], doc.keys()
        for r in doc["Records"]:
            assert isinstance(r, dict) and r["eventID"] and r["eventTime"].endswith("Z")
        n += len(doc["Records"])
        files += 1
print(n, files)
`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, out)
	}
	var got, files int
	if _, err := fmt.Sscan(string(out), &got, &files); err != nil || got != want {
		t.Fatalf("python3 read %q, want %d records", out, want)
	}
	t.Logf("python3 gzip+json.loads: %d records in %d files", got, files)
}

func TestWriterLimitsAndTick(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{t: time.Date(2024, 3, 5, 23, 58, 10, 0, time.UTC)}
	store := NewMemStore()
	w, err := NewWriter(store, WriterOptions{ManualTick: true, Location: Location{Bucket: "b", Prefix: "p/q", OrgID: "o-abcdefghij"}, MaxRecords: 10, MaxAge: 5 * time.Minute, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	var ds []Delivery
	w.Subscribe(func(d Delivery) { ds = append(ds, d) })
	recs := genStream(2, 25, clock.Now().Add(-time.Minute))
	for _, r := range recs {
		r.RecipientAccountID, r.AWSRegion = "111122223333", "us-east-1"
		if err := w.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	// Two full batches of 10 went out at once; 5 records wait.
	if len(ds) != 2 || ds[0].Records != 10 || ds[1].Records != 10 || w.Pending() != 5 {
		t.Fatalf("after 25 writes: %d deliveries, pending %d", len(ds), w.Pending())
	}
	want := "p/q/AWSLogs/o-abcdefghij/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T2358Z_"
	if !strings.HasPrefix(ds[0].Key, want) {
		t.Fatalf("key %q, want prefix %q", ds[0].Key, want)
	}
	clock.Add(4 * time.Minute)
	if err := w.Tick(ctx); err != nil || len(ds) != 2 {
		t.Fatalf("Tick before MaxAge delivered: %v, %d", err, len(ds))
	}
	clock.Add(time.Minute)
	if err := w.Tick(ctx); err != nil || len(ds) != 3 || ds[2].Records != 5 || w.Pending() != 0 {
		t.Fatalf("Tick at MaxAge: %v, %d deliveries", err, len(ds))
	}
	// Delivered after midnight: the date folders follow the delivery time.
	if !strings.Contains(ds[2].Key, "/2024/03/06/111122223333_CloudTrail_us-east-1_20240306T0003Z_") {
		t.Fatalf("key %q", ds[2].Key)
	}
	if err := w.Tick(ctx); err != nil || len(ds) != 3 {
		t.Fatal("empty Tick delivered something")
	}

	// MaxBytes: every file stays within it.
	store2 := NewMemStore()
	w2, _ := NewWriter(store2, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, MaxBytes: 20_000, Now: clock.Now})
	var sizes []int64
	w2.Subscribe(func(d Delivery) { sizes = append(sizes, d.UncompressedSize) })
	for _, r := range genStream(3, 200, clock.Now()) {
		r.RecipientAccountID, r.AWSRegion = "111122223333", "us-east-1"
		if err := w2.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	w2.Close(ctx)
	if len(sizes) < 5 {
		t.Fatalf("%d files for ~200 KB at MaxBytes 20 KB", len(sizes))
	}
	for _, s := range sizes {
		if s > 20_000 {
			t.Fatalf("file of %d bytes over MaxBytes", s)
		}
	}
}

// flakyStore fails Puts while fail is set.
type flakyStore struct {
	Store
	fail  atomic.Bool
	calls atomic.Int64
}

var errStoreDown = errors.New("store down")

func (s *flakyStore) Put(ctx context.Context, obj Object) error {
	s.calls.Add(1)
	if s.fail.Load() {
		return errStoreDown
	}
	return s.Store.Put(ctx, obj)
}

func TestWriterPutFailureKeepsRecords(t *testing.T) {
	ctx := context.Background()
	mem := NewMemStore()
	store := &flakyStore{Store: mem}
	clock := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	w, _ := NewWriter(store, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, MaxRecords: 4, Now: clock.Now})
	var delivered int
	w.Subscribe(func(d Delivery) { delivered += d.Records })
	store.fail.Store(true)
	recs := genStream(4, 10, clock.Now())
	var deliveryErrs int
	for _, r := range recs {
		r.RecipientAccountID, r.AWSRegion = "111122223333", "us-east-1"
		err := w.Write(ctx, r)
		var de *Error
		switch {
		case err == nil:
		case errors.As(err, &de) && de.Op == "deliver" && de.Key != "" && errors.Is(err, ErrDeliveryFailed) && errors.Is(err, errStoreDown):
			deliveryErrs++
		default:
			t.Fatalf("Write: %v", err)
		}
	}
	if deliveryErrs == 0 || delivered != 0 || w.Pending() != 10 {
		t.Fatalf("%d delivery errors, %d delivered, %d pending", deliveryErrs, delivered, w.Pending())
	}
	if err := w.Flush(ctx); !errors.Is(err, errStoreDown) {
		t.Fatalf("Flush = %v, want the store's error", err)
	}
	if err := w.Close(ctx); !errors.Is(err, errStoreDown) {
		t.Fatalf("Close = %v, want the store's error", err)
	}
	if w.Pending() != 10 {
		t.Fatalf("pending %d after failures", w.Pending())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	store.fail.Store(false)
	if err := w.Flush(cctx); !errors.Is(err, context.Canceled) || !errors.Is(err, ErrDeliveryFailed) || w.Pending() != 10 {
		t.Fatalf("Flush with cancelled ctx = %v", err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatalf("Close after recovery: %v", err)
	}
	if w.Pending() != 0 || delivered != 10 {
		t.Fatalf("pending %d, delivered %d", w.Pending(), delivered)
	}
	seen := map[string]int{}
	for k := range mem.List(ctx, "b", "", "") {
		obj, _ := mem.Get(ctx, "b", k)
		for _, r := range readAll(t, obj.Body) {
			seen[r.EventID]++
		}
	}
	for _, r := range recs {
		if seen[r.EventID] != 1 {
			t.Fatalf("record %s stored %d times", r.EventID, seen[r.EventID])
		}
	}
}

func TestWriterRejects(t *testing.T) {
	ctx := context.Background()
	w, err := NewWriter(NewMemStore(), WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	base := genRecord(5, 0, "111122223333", "us-east-1", time.Now())
	tests := []struct {
		name   string
		mut    func(*event.Record)
		target error
	}{
		{"no account", func(r *event.Record) { r.RecipientAccountID = "" }, ErrInvalidRecord},
		{"bad account", func(r *event.Record) { r.RecipientAccountID = "../../../x" }, ErrInvalidRecord},
		{"no region", func(r *event.Record) { r.AWSRegion = "" }, ErrInvalidRecord},
		{"bad region", func(r *event.Record) { r.AWSRegion = "us-east-1/../../x" }, ErrInvalidRecord},
		{"too large", func(r *event.Record) {
			r.RequestParameters = json.RawMessage(`{"a":"` + strings.Repeat("x", event.MaxRecordSize) + `"}`)
		}, ErrTooLarge},
	}
	for _, tt := range tests {
		r := *base
		tt.mut(&r)
		err := w.Write(ctx, &r)
		var re *RecordError
		if !errors.Is(err, tt.target) || !errors.As(err, &re) || re.EventID != r.EventID {
			t.Errorf("%s: Write = %v, want a *RecordError wrapping %v", tt.name, err, tt.target)
		}
	}
	var ue *RecordError
	r := *base
	r.AWSRegion = ""
	if err := w.Write(ctx, &r); !errors.As(err, &ue) || ue.Field != "awsRegion" || ue.EventID != r.EventID || !errors.Is(err, ErrInvalidRecord) {
		t.Errorf("unroutable record: %+v", ue)
	}
	if w.Pending() != 0 {
		t.Errorf("rejected records are pending: %d", w.Pending())
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := w.Write(cctx, base); !errors.Is(err, context.Canceled) {
		t.Errorf("Write with cancelled ctx = %v", err)
	}
	for _, o := range []WriterOptions{
		{}, {Location: Location{Bucket: "a/b"}}, {Location: Location{Bucket: "b", Prefix: "/x"}}, {Location: Location{Bucket: "b", OrgID: "o-1"}},
		{Location: Location{Bucket: "b"}, Kind: KindDigest}, {Location: Location{Bucket: "b"}, Level: 42},
	} {
		if _, err := NewWriter(NewMemStore(), o); err == nil {
			t.Errorf("NewWriter(%+v) succeeded", o)
		}
	}
}

func TestWriterInsightsAndRealTime(t *testing.T) {
	ctx := context.Background()
	store := NewMemStore()
	// Real-time mode: no clock given, a background goroutine delivers at MaxAge.
	w, err := NewWriter(store, WriterOptions{Location: Location{Bucket: "b"}, Kind: KindInsight, MaxAge: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	r := genRecord(6, 0, "111122223333", "eu-west-1", time.Now())
	r.EventType, r.EventCategory = event.AwsCloudTrailInsight, event.CategoryInsight
	r.InsightDetails = &event.InsightDetails{State: "Start", EventSource: "ec2.amazonaws.com", EventName: "RunInstances", InsightType: "ApiCallRateInsight"}
	if err := w.Write(ctx, r); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var keys []string
	for len(keys) == 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		keys = listAll(t, store, "b", "", "")
	}
	if len(keys) != 1 {
		t.Fatalf("background delivery: %q", keys)
	}
	k, err := ParseKey(keys[0])
	if err != nil || k.Kind != KindInsight || !strings.Contains(keys[0], "/CloudTrail-Insight/eu-west-1/") {
		t.Fatalf("key %q: %+v %v", keys[0], k, err)
	}
	obj, _ := store.Get(ctx, "b", keys[0])
	got, err := newReader(bytes.NewReader(obj.Body), ReadOptions{}).Next()
	if err != nil || got.EventID != r.EventID || got.EventType != event.AwsCloudTrailInsight {
		t.Fatalf("first record of the Insights file = %+v, %v", got, err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(ctx); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

// TestWriterSizeCap: MaxBytes is capped so that no file can pass 50 MB
// compressed, and incompressible records expand by no more than the bound the
// cap relies on (5 bytes per 64 KiB block plus the gzip framing).
func TestWriterSizeCap(t *testing.T) {
	w, err := NewWriter(NewMemStore(), WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, MaxBytes: 1 << 40, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if w.opts.MaxBytes != maxBatchBytes || maxBatchBytes+maxBatchBytes/65535*5+64 > maxFileSize {
		t.Fatalf("MaxBytes %d not capped below the 50 MB bound", w.opts.MaxBytes)
	}
	ctx := context.Background()
	var ds []Delivery
	w2, _ := NewWriter(NewMemStore(), WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, MaxBytes: 1 << 20, Level: 9, Now: time.Now})
	w2.Subscribe(func(d Delivery) { ds = append(ds, d) })
	rnd := make([]byte, 150_000)
	rng := rand.New(rand.NewPCG(8, 8))
	var compressed, raw int64
	w2.Subscribe(func(d Delivery) { compressed += d.CompressedSize; raw += d.UncompressedSize })
	for i := range 20 {
		for j := range rnd {
			rnd[j] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rng.IntN(64)]
		}
		r := genRecord(8, i, "111122223333", "us-east-1", time.Now())
		r.RequestParameters = json.RawMessage(`{"blob":"` + string(rnd) + `"}`)
		if err := w2.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.UncompressedSize > 1<<20 || d.CompressedSize > d.UncompressedSize+d.UncompressedSize/65535*5+64 {
			t.Errorf("file of %d bytes JSON, %d compressed: over the bound", d.UncompressedSize, d.CompressedSize)
		}
	}
	if len(ds) < 3 || compressed < raw*7/10 {
		t.Fatalf("%d files, %d of %d bytes: the data should barely compress", len(ds), compressed, raw)
	}
}

// lostReplyStore stores every object but reports the first n Puts as failed,
// as when S3 stored the object and the reply was lost on the way back.
type lostReplyStore struct {
	Store
	lose atomic.Int64
	keys []string
}

func (s *lostReplyStore) Put(ctx context.Context, obj Object) error {
	if err := s.Store.Put(ctx, obj); err != nil {
		return err
	}
	s.keys = append(s.keys, obj.Key)
	if s.lose.Add(-1) >= 0 {
		return errStoreDown
	}
	return nil
}

func TestWriterRetryReusesKey(t *testing.T) {
	ctx := context.Background()
	mem := NewMemStore()
	store := &lostReplyStore{Store: mem}
	store.lose.Store(2)
	clock := &fakeClock{t: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
	w, _ := NewWriter(store, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: clock.Now})
	var deliveries []Delivery
	w.Subscribe(func(d Delivery) { deliveries = append(deliveries, d) })
	recs := genStream(3, 5, clock.Now())
	for _, r := range recs {
		r.RecipientAccountID, r.AWSRegion = "111122223333", "us-east-1"
		if err := w.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 2; i++ {
		clock.t = clock.t.Add(3 * time.Minute) // later attempts must not change the key
		if err := w.Flush(ctx); !errors.Is(err, errStoreDown) {
			t.Fatalf("attempt %d: Flush = %v, want the lost reply", i, err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if len(store.keys) != 3 || store.keys[0] != store.keys[1] || store.keys[1] != store.keys[2] {
		t.Fatalf("retries used keys %q, want one key three times", store.keys)
	}
	var objects int
	for range mem.List(ctx, "b", "", "") {
		objects++
	}
	if objects != 1 || len(deliveries) != 1 || deliveries[0].Key != store.keys[0] || deliveries[0].Records != 5 {
		t.Fatalf("%d objects, deliveries %+v", objects, deliveries)
	}
	if !deliveries[0].DeliveredAt.Equal(clock.t) {
		t.Fatalf("DeliveredAt %v, want the successful attempt's time %v", deliveries[0].DeliveredAt, clock.t)
	}
}
