package logfile

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// listCountingStore counts List calls.
type listCountingStore struct {
	Store
	mu    sync.Mutex
	lists int
	fail  error // returned by List when set
}

func (s *listCountingStore) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	s.mu.Lock()
	s.lists++
	s.mu.Unlock()
	if s.fail != nil {
		return func(yield func(string, error) bool) { yield("", s.fail) }
	}
	return s.Store.List(ctx, bucket, prefix, startAfter)
}

// scanAllBucket writes 4 hours of records for three accounts and three
// Regions (several files per stream) under prefix "p", plus objects that
// are no stream: an organization folder, a folder that is no account, a
// folder that is no Region and an object directly under AWSLogs/.
func scanAllBucket(t testing.TB) (Store, []string) { return scanAllBucketN(t, 9) }

// scanAllBucketN is scanAllBucket with perTick records every 5 minutes.
func scanAllBucketN(t testing.TB, perTick int) (Store, []string) {
	t.Helper()
	ctx := context.Background()
	mem := NewMemStore()
	t0 := time.Date(2024, 3, 5, 22, 0, 0, 0, time.UTC)
	clock := &fakeClock{t: t0}
	w, err := NewWriter(mem, WriterOptions{ManualTick: true, Location: Location{Bucket: "b", Prefix: "p"}, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	accounts := []string{"111122223333", "444455556666", "777788889999"}
	i := 0
	for clock.Now().Before(t0.Add(4 * time.Hour)) {
		for range perTick {
			if err := w.Write(ctx, genRecord(5, i, accounts[i%3], genRegions[(i/3)%3], clock.Now())); err != nil {
				t.Fatal(err)
			}
			i++
		}
		clock.Add(5 * time.Minute)
		if err := w.Tick(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		t.Fatal(err)
	}
	gz := func(r *event.Record) []byte {
		return gz(append(append([]byte(`{"Records":[`), r.AppendJSON(nil)...), "]}"...))
	}
	stray := genRecord(6, 0, "111122223333", "us-east-1", t0)
	for _, key := range []string{
		"p/AWSLogs/o-aa11bb22cc/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T2200Z_aaaaaaaaaaaaaaaa.json.gz",
		"p/AWSLogs/notanaccount/CloudTrail/us-east-1/x.json.gz",
		"p/AWSLogs/111122223333/CloudTrail/Not_A_Region/2024/03/05/x.json.gz",
		"p/AWSLogs/readme.txt",
		"other/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T2200Z_bbbbbbbbbbbbbbbb.json.gz",
	} {
		if err := mem.Put(ctx, Object{Bucket: "b", Key: key, Body: gz(stray)}); err != nil {
			t.Fatal(err)
		}
	}
	return mem, accounts
}

// streamOf names a record's stream.
func streamOf(r *event.Record) string { return r.RecipientAccountID + "/" + r.AWSRegion }

// scanStreams runs Scan on each stream and returns the event ids per stream,
// in Scan's order.
func scanStreams(t *testing.T, store Store, opts ScanOptions, accounts, regions []string) map[string][]string {
	t.Helper()
	want := map[string][]string{}
	for _, a := range accounts {
		for _, r := range regions {
			o := opts
			o.Account, o.Region = a, r
			for rec, err := range Scan(context.Background(), store, o) {
				if err != nil {
					t.Fatal(err)
				}
				want[a+"/"+r] = append(want[a+"/"+r], rec.EventID)
			}
		}
	}
	return want
}

// ScanAll yields, per (account, Region), exactly what Scan yields for that
// stream and in the same order, whatever the parallelism; it finds the
// accounts and Regions by listing, with one List call per folder found.
func TestScanAll(t *testing.T) {
	t.Parallel()
	mem, accounts := scanAllBucket(t)
	base := ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}, Start: time.Date(2024, 3, 5, 23, 0, 0, 0, time.UTC)}
	all := scanStreams(t, mem, base, accounts, genRegions)
	if len(all) != 9 {
		t.Fatalf("%d streams have records, want 9", len(all))
	}
	for _, tc := range []struct {
		name              string
		accounts, regions []string
		par               int
		lists             int // List calls, all by discovery but for Scan's own
	}{
		{"everything", nil, nil, 0, 6 + 5 + 4 + 4},
		{"everything, one at a time", nil, nil, 1, 6 + 5 + 4 + 4},
		{"everything, 16 at a time", nil, nil, 16, 6 + 5 + 4 + 4},
		{"some accounts", []string{"777788889999", "111122223333"}, nil, 2, 4 + 5},
		{"some Regions", nil, []string{"eu-west-1", "ap-southeast-2"}, 0, 6},
		{"one of each", []string{"444455556666"}, []string{"us-east-1"}, 0, 0},
		{"none there", []string{"999999999999"}, nil, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := map[string][]string{}
			for s, ids := range all {
				a, r := s[:12], s[13:]
				if (tc.accounts == nil || slices.Contains(tc.accounts, a)) && (tc.regions == nil || slices.Contains(tc.regions, r)) {
					want[s] = ids
				}
			}
			cs := &listCountingStore{Store: mem}
			o := base
			o.Accounts, o.Regions, o.Parallelism = tc.accounts, tc.regions, tc.par
			got := map[string][]string{}
			for rec, err := range ScanAll(context.Background(), cs, o) {
				if err != nil {
					t.Fatal(err)
				}
				got[streamOf(rec)] = append(got[streamOf(rec)], rec.EventID)
			}
			if len(got) != len(want) {
				t.Fatalf("%d streams, want %d", len(got), len(want))
			}
			for s, ids := range want {
				if !slices.Equal(got[s], ids) {
					t.Errorf("stream %s: %d records, want %d in Scan's order", s, len(got[s]), len(ids))
				}
			}
			// Discovery: one List per folder found plus one that finds no
			// more (under AWSLogs/: three accounts, notanaccount and the
			// organization; 111122223333 also has Not_A_Region); then Scan
			// lists each stream once (the range has an open end).
			if scanLists := len(want); cs.lists-scanLists != tc.lists {
				t.Errorf("%d List calls for discovery, want %d", cs.lists-scanLists, tc.lists)
			}
		})
	}
}

func TestScanAllErrors(t *testing.T) {
	t.Parallel()
	mem, _ := scanAllBucket(t)
	ctx := context.Background()
	first := func(seq iter.Seq2[*event.Record, error]) (n int, err error) {
		for r, e := range seq {
			if e != nil {
				return n, e
			}
			_ = r
			n++
		}
		return n, nil
	}
	for _, o := range []ScanOptions{
		{Location: Location{Bucket: "b", Prefix: "p"}, Account: "111122223333"},
		{Location: Location{Bucket: "b", Prefix: "p"}, Region: "us-east-1"},
		{Location: Location{Bucket: "b", Prefix: "p"}, Accounts: []string{"1234"}},
		{Location: Location{Bucket: "b", Prefix: "p"}, Regions: []string{"Not_A_Region"}},
	} {
		if n, err := first(ScanAll(ctx, mem, o)); n != 0 || err == nil {
			t.Errorf("%+v: %d records, %v", o, n, err)
		}
	}
	// A listing error is yielded and ends the scan.
	boom := errors.New("listing failed")
	if _, err := first(ScanAll(ctx, &listCountingStore{Store: mem, fail: boom}, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}})); !errors.Is(err, boom) {
		t.Errorf("listing error: %v", err)
	}
	// A cancelled context ends the scan with its error.
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n := 0
	var last error
	for _, err := range ScanAll(cctx, mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}, Parallelism: 3}) {
		if err != nil {
			last = err
			break
		}
		if n++; n == 10 {
			cancel()
		}
	}
	if !errors.Is(last, context.Canceled) {
		t.Errorf("after cancel: %d records, %v", n, last)
	}
	// An unreadable file is a *RecordError and the scan goes on.
	key := ""
	for k := range mem.List(ctx, "b", "p/AWSLogs/444455556666/CloudTrail/eu-west-1/", "") {
		key = k
		break
	}
	if err := mem.Put(ctx, Object{Bucket: "b", Key: key, Body: []byte("not gzip")}); err != nil {
		t.Fatal(err)
	}
	var scanErrs, recs int
	for _, err := range ScanAll(ctx, mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}}) {
		var se *RecordError
		switch {
		case errors.As(err, &se):
			scanErrs++
		case err != nil:
			t.Fatal(err)
		default:
			recs++
		}
	}
	if scanErrs != 1 || recs == 0 {
		t.Errorf("%d scan errors, %d records", scanErrs, recs)
	}
}

// Breaking out early leaves no goroutine behind.
func TestScanAllBreak(t *testing.T) {
	mem, _ := scanAllBucket(t)
	for range 20 {
		n := 0
		for _, err := range ScanAll(context.Background(), mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}, Parallelism: 4}) {
			if err != nil {
				t.Fatal(err)
			}
			if n++; n == 300 {
				break
			}
		}
		if n != 300 {
			t.Fatalf("%d records", n)
		}
	}
	// The workers have returned; the feeder goroutine exits on cancel.
	deadline := time.Now().Add(5 * time.Second)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtimeStack(buf)])
		if !containsScanAll(stacks) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("ScanAll goroutines left:\n%s", stacks)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func runtimeStack(buf []byte) int { return runtime.Stack(buf, true) }

func containsScanAll(stacks string) bool { return strings.Contains(stacks, "logfile.ScanAll.func") }

// Scan without a Region (or account) says so, instead of reporting a
// malformed key.
func TestScanNoStream(t *testing.T) {
	mem := NewMemStore()
	for _, o := range []ScanOptions{
		{Location: Location{Bucket: "b"}, Account: "111122223333"},
		{Location: Location{Bucket: "b"}, Region: "us-east-1"},
		{Location: Location{Bucket: "b"}},
	} {
		n := 0
		for _, err := range Scan(context.Background(), mem, o) {
			n++
			if !errors.Is(err, errNoStream) || errors.Is(err, ErrMalformedKey) {
				t.Errorf("%+v: %v", o, err)
			}
		}
		if n != 1 {
			t.Errorf("%+v: %d results", o, n)
		}
	}
}

// BenchmarkScanAll reads 9 streams (3 accounts x 3 Regions) of 48 files
// each, 43,200 records in all: with a sequential Scan of each stream in
// turn (the baseline), and with ScanAll one stream at a time and with
// GOMAXPROCS goroutines.
func BenchmarkScanAll(b *testing.B) {
	mem, _ := scanAllBucketN(b, 900)
	b.Run("sequential-Scan", func(b *testing.B) {
		n, cpu := 0, startCPU()
		for b.Loop() {
			for _, acct := range []string{"111122223333", "444455556666", "777788889999"} {
				for _, reg := range genRegions {
					for _, err := range Scan(context.Background(), mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}, Account: acct, Region: reg}) {
						if err != nil {
							b.Fatal(err)
						}
						n++
					}
				}
			}
		}
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
		cpu.report(b, float64(n), 0)
	})
	for _, par := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("parallelism=%d", par), func(b *testing.B) {
			n, cpu := 0, startCPU()
			for b.Loop() {
				for _, err := range ScanAll(context.Background(), mem, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}, Parallelism: par}) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "records/s")
			cpu.report(b, float64(n), 0)
		})
	}
}

// openCountingStore counts the body bytes read through Open.
type openCountingStore struct {
	Store
	read atomic.Int64
}

type countingReader struct {
	io.ReadCloser
	n *atomic.Int64
}

func (r countingReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.n.Add(int64(n))
	return n, err
}

func (s *openCountingStore) Open(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error) {
	rc, info, err := s.Store.Open(ctx, bucket, key)
	if err != nil {
		return rc, info, err
	}
	return countingReader{rc, &s.read}, info, nil
}

// A consumer that stops taking records stops the reading: ScanAll reads
// ahead by a bounded number of batches, not the whole bucket.
func TestScanAllBoundedReadAhead(t *testing.T) {
	mem, _ := scanAllBucketN(t, 900) // 43,200 records in 432 files
	var total int64
	for key, err := range mem.List(context.Background(), "b", "p/", "") {
		if err != nil {
			t.Fatal(err)
		}
		o, err := mem.Get(context.Background(), "b", key)
		if err != nil {
			t.Fatal(err)
		}
		total += int64(len(o.Body))
	}
	cs := &openCountingStore{Store: mem}
	n := 0
	for _, err := range ScanAll(context.Background(), cs, ScanOptions{Location: Location{Bucket: "b", Prefix: "p"}, Parallelism: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 1 {
			// Let the workers fill what they may: wait until reading stops.
			for last, deadline := int64(-1), time.Now().Add(10*time.Second); time.Now().Before(deadline); {
				time.Sleep(200 * time.Millisecond)
				cur := cs.read.Load()
				if cur == last {
					break
				}
				last = cur
			}
			if read := cs.read.Load(); read > total/10 {
				t.Fatalf("a stalled consumer let ScanAll read %d of %d bytes", read, total)
			} else {
				t.Logf("stalled after one record: %d of %d bytes read", read, total)
			}
		}
	}
	if n != 43200 {
		t.Fatalf("%d records", n)
	}
}
