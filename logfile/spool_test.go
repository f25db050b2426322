package logfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"
)

// abandon simulates the process dying: the spool's files are closed
// without writing what is queued, and the Writer is dropped unclosed.
func (sp *spool) abandon() {
	if sp.stop != nil {
		close(sp.stop)
		<-sp.done
	}
	sp.flushMu.Lock()
	sp.f.Close()
	sp.flushMu.Unlock()
	sp.lock.Close()
}

func spoolID(run, i int) string { return fmt.Sprintf("%08d-0000-4000-8000-%012d", run, i) }

// storedIDs reads every log file in the store and counts each eventID.
func storedIDs(t testing.TB, store Store, bucket string) map[string]int {
	t.Helper()
	ctx := context.Background()
	ids := map[string]int{}
	for key, err := range store.List(ctx, bucket, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		obj, err := store.Get(ctx, bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range readAll(t, obj.Body) {
			ids[r.EventID]++
		}
	}
	return ids
}

// openSpoolWriter returns a Writer with its spool in dir, and the spool.
func openSpoolWriter(t testing.TB, dir string, store Store, opts spoolOptions, wo WriterOptions) (*Writer, *spool) {
	t.Helper()
	wo.Bucket, wo.SpoolDir, wo.Sync, wo.SyncInterval = "b", dir, opts.Sync, opts.Interval
	w, err := NewWriter(store, wo)
	if err != nil {
		t.Fatal(err)
	}
	return w, w.sp
}

// TestSpoolReplay: records acknowledged by Write and never delivered (the
// process dies with every batch in memory) are delivered by the next
// process's Replay, once; a batch whose key was spooled and which was
// stored before the crash is not stored again.
func TestSpoolReplay(t *testing.T) {
	for _, pol := range []SyncPolicy{SyncAlways, SyncInterval, SyncProcess} {
		t.Run(pol.String(), func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			store := NewMemStore()
			clock := &fakeClock{t: time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)}
			// 1. Everything in memory when the process dies.
			w, sp := openSpoolWriter(t, dir, store, spoolOptions{Sync: pol, Interval: time.Millisecond}, WriterOptions{ManualTick: true, MaxRecords: 40, Now: clock.Now})
			if err := w.Write(ctx, genRecord(1, 0, "111122223333", "us-east-1", clock.Now())); err != errNotReplayed {
				t.Fatalf("Write before Replay = %v", err)
			}
			if n, err := w.Replay(ctx); n != 0 || err != nil {
				t.Fatalf("Replay of an empty spool = %d, %v", n, err)
			}
			var wg sync.WaitGroup
			for g := range 4 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := range 25 {
						r := genRecord(1, g*100+i, genAccounts[g%2], "us-east-1", clock.Now())
						r.EventID = spoolID(1, g*100+i)
						if err := w.Write(ctx, r); err != nil {
							t.Error(err)
						}
					}
				}()
			}
			wg.Wait()
			delivered := len(storedIDs(t, store, "b"))
			// 2. A batch sealed and put, but its delivery note lost: the
			// store has it; the spool has its key.
			sp.abandon()
			w2, _ := openSpoolWriter(t, dir, store, spoolOptions{Sync: pol}, WriterOptions{ManualTick: true, MaxRecords: 40, Now: clock.Now})
			var subs int
			w2.Subscribe(func(d Delivery) { subs += d.Records })
			n, err := w2.Replay(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != 100-delivered {
				t.Errorf("replayed %d records, %d were delivered of 100", n, delivered)
			}
			if subs != n {
				t.Errorf("subscribers saw %d records, replayed %d", subs, n)
			}
			ids := storedIDs(t, store, "b")
			if len(ids) != 100 {
				t.Errorf("%d records stored, want 100", len(ids))
			}
			for id, c := range ids {
				if c != 1 {
					t.Errorf("%s stored %d times", id, c)
				}
			}
			if err := w2.Close(ctx); err != nil {
				t.Fatal(err)
			}
			// 3. A clean restart replays nothing, and old segments are gone.
			w3, _ := openSpoolWriter(t, dir, store, spoolOptions{Sync: pol}, WriterOptions{ManualTick: true, Now: clock.Now})
			if n, err := w3.Replay(ctx); n != 0 || err != nil {
				t.Errorf("Replay after a clean close = %d, %v", n, err)
			}
			segs, _ := filepath.Glob(filepath.Join(dir, "*.spool"))
			if len(segs) != 1 {
				t.Errorf("%d segments after a clean restart, want 1: %v", len(segs), segs)
			}
			if err := w3.Close(ctx); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestSpoolKeyReuse: a batch whose key was spooled before the crash is put
// under that key on replay when the store lacks it, and not put again
// (nor given to subscribers) when the store has it.
func TestSpoolKeyReuse(t *testing.T) {
	ctx := context.Background()
	for _, stored := range []bool{false, true} {
		dir := t.TempDir()
		store := &flakyStore{Store: NewMemStore()}
		clock := &fakeClock{t: time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)}
		w, sp := openSpoolWriter(t, dir, store, spoolOptions{}, WriterOptions{ManualTick: true, MaxRecords: 10, Now: clock.Now})
		w.Replay(ctx)
		store.fail.Store(true)
		var key string
		for i := range 10 {
			r := genRecord(2, i, "111122223333", "us-east-1", clock.Now())
			r.EventID = spoolID(2, i)
			err := w.Write(ctx, r)
			var de *Error
			if i == 9 {
				if !errors.As(err, &de) || !errors.Is(err, ErrDeliveryFailed) || de.Key == "" {
					t.Fatalf("Write = %v, want an *Error wrapping ErrDeliveryFailed", err)
				}
				key = de.Key
			}
		}
		sp.abandon()
		store.fail.Store(false)
		if stored {
			// The Put had succeeded but its reply was lost.
			b := w.streams[streamID{"111122223333", "us-east-1"}].sealed[0]
			store.Store.Put(ctx, Object{Bucket: "b", Key: key, Body: b.buf.Bytes()})
		}
		w2, _ := openSpoolWriter(t, dir, store, spoolOptions{}, WriterOptions{ManualTick: true, Now: clock.Now})
		var got []Delivery
		w2.Subscribe(func(d Delivery) { got = append(got, d) })
		if _, err := w2.Replay(ctx); err != nil {
			t.Fatal(err)
		}
		keys := listAll(t, store, "b", "", "")
		if len(keys) != 1 || keys[0] != key {
			t.Errorf("stored=%v: keys %v, want [%s]", stored, keys, key)
		}
		if want := map[bool]int{false: 1, true: 0}[stored]; len(got) != want {
			t.Errorf("stored=%v: %d deliveries to subscribers, want %d", stored, len(got), want)
		}
		if ids := storedIDs(t, store, "b"); len(ids) != 10 {
			t.Errorf("%d records stored", len(ids))
		}
		if err := w2.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSpoolTornTail: a torn last frame (a write cut by the crash) and
// garbage after it are ignored; the frames before it are replayed.
func TestSpoolTornTail(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := NewMemStore()
	clock := &fakeClock{t: time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)}
	w, sp := openSpoolWriter(t, dir, store, spoolOptions{}, WriterOptions{ManualTick: true, Now: clock.Now})
	w.Replay(ctx)
	for i := range 5 {
		r := genRecord(3, i, "111122223333", "us-east-1", clock.Now())
		r.EventID = spoolID(3, i)
		if err := w.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	sp.abandon()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.spool"))
	data, _ := os.ReadFile(segs[len(segs)-1])
	// Cut the last frame in half, then add junk.
	last := len(data) - 10
	os.WriteFile(segs[len(segs)-1], append(data[:last:last], "\x05\x00\x00\x00junkjunk"...), 0o600)
	w2, _ := openSpoolWriter(t, dir, store, spoolOptions{}, WriterOptions{ManualTick: true, Now: clock.Now})
	if n, err := w2.Replay(ctx); n != 4 || err != nil {
		t.Fatalf("Replay = %d, %v; want the 4 whole frames", n, err)
	}
	if ids := storedIDs(t, store, "b"); len(ids) != 4 {
		t.Errorf("%d records stored, want 4", len(ids))
	}
	if err := w2.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// A second Writer, in this process or another, cannot open a spool
	// that is open; Close releases it.
	w3, err := NewWriter(store, WriterOptions{Location: Location{Bucket: "b"}, SpoolDir: dir, ManualTick: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewWriter(store, WriterOptions{Location: Location{Bucket: "b"}, SpoolDir: dir, ManualTick: true}); !errors.Is(err, ErrSpool) {
		t.Errorf("second NewWriter on an open spool = %v, want ErrSpool", err)
	}
	if err := w3.Close(ctx); err != nil {
		t.Fatal(err)
	}
	w4, err := NewWriter(store, WriterOptions{Location: Location{Bucket: "b"}, SpoolDir: dir, ManualTick: true})
	if err != nil {
		t.Fatalf("NewWriter after Close released the spool: %v", err)
	}
	w4.Close(ctx)
}

// spoolChildEnv makes the test binary a writer process for
// TestSpoolSIGKILL: it writes records and prints each acknowledged id.
const spoolChildEnv = "TRAILKIT_SPOOL_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(spoolChildEnv); dir != "" {
		os.Exit(spoolChild(dir))
	}
	os.Exit(m.Run())
}

func spoolChild(dir string) int {
	ctx := context.Background()
	run, _ := strconv.Atoi(os.Getenv(spoolChildEnv + "_RUN"))
	os.MkdirAll(filepath.Join(dir, "store"), 0o700)
	store, err := NewDirStore(filepath.Join(dir, "store"), DirStoreOptions{})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	spoolSegmentSize = 64 << 10 // segments rotate and are deleted during the run
	w, err := NewWriter(store, WriterOptions{
		Location:   Location{Bucket: "b"},
		SpoolDir:   filepath.Join(dir, "spool"),
		Sync:       SyncAlways,
		MaxRecords: 37,
		MaxAge:     150 * time.Millisecond,
		OnError:    func(err error) { fmt.Fprintln(os.Stderr, err) },
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if _, err := w.Replay(ctx); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	out := bufio.NewWriter(os.Stdout)
	if run < 0 { // drain: replay and close
		if err := w.Close(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		return 0
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				n := g*1_000_000 + i
				r := genRecord(uint64(run), n, genAccounts[g%2], "us-east-1", time.Now())
				r.EventID = spoolID(run, n)
				if err := w.Write(ctx, r); err != nil && !errors.Is(err, ErrDeliveryFailed) {
					fmt.Fprintln(os.Stderr, err)
					continue
				}
				mu.Lock()
				out.WriteString(r.EventID + "\n")
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return 0
}

// TestSpoolSIGKILL kills a writer process (this test binary, re-executed)
// with SIGKILL 10 times at random moments while 4 goroutines write; each
// next process replays the spool. At the end every record acknowledged
// before a kill is stored exactly once, no record is stored twice, and
// every stored object is a whole, readable log file.
func TestSpoolSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary 11 times")
	}
	dir := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	acked := map[string]bool{}
	for run := 1; run <= 11; run++ {
		cmd := exec.Command(exe, "-test.run=^$")
		r := run
		if run == 11 {
			r = -1
		}
		cmd.Env = append(os.Environ(), spoolChildEnv+"="+dir, spoolChildEnv+"_RUN="+strconv.Itoa(r))
		var kill time.Duration // the drain process runs to its end
		if run < 11 {
			kill = time.Duration(100+rng.IntN(400)) * time.Millisecond
			if raceEnabled {
				kill *= 3
			}
		}
		lines, stderr := testenv.RunChild(t, cmd, kill)
		for _, l := range lines {
			acked[l] = true
		}
		if stderr != "" && run == 11 {
			t.Logf("run %d stderr: %s", run, stderr)
		}
	}
	store, err := NewDirStore(filepath.Join(dir, "store"), DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ids := storedIDs(t, store, "b") // fails on any partial or unreadable object
	missing := 0
	for id := range acked {
		if ids[id] == 0 {
			missing++
		}
	}
	dups := 0
	for _, c := range ids {
		if c > 1 {
			dups++
		}
	}
	t.Logf("%d records acknowledged over 10 kills, %d stored", len(acked), len(ids))
	if len(acked) < 50 {
		t.Errorf("only %d records acknowledged: the test did not exercise much", len(acked))
	}
	if missing > 0 || dups > 0 {
		t.Errorf("%d acknowledged records missing, %d records stored more than once", missing, dups)
	}
	if segs, _ := filepath.Glob(filepath.Join(dir, "spool", "*.spool")); len(segs) != 1 {
		t.Errorf("%d spool segments left after the drain, want 1", len(segs))
	}
}

// TestSpoolCloseRetry: a Close whose delivery fails keeps the spool open
// and locked with the records in it; a retried Close that delivers
// releases it, and the next Writer has nothing to replay. A process that
// gives up after the failed Close leaves the records to the next Replay.
func TestSpoolCloseRetry(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := &flakyStore{Store: NewMemStore()}
	clock := &fakeClock{t: time.Date(2024, 1, 2, 3, 0, 0, 0, time.UTC)}
	open := func() (*Writer, error) {
		return NewWriter(store, WriterOptions{Location: Location{Bucket: "b"}, SpoolDir: dir, ManualTick: true, Now: clock.Now})
	}
	w, err := open()
	if err != nil {
		t.Fatal(err)
	}
	w.Replay(ctx)
	for i := range 3 {
		r := genRecord(7, i, "111122223333", "us-east-1", clock.Now())
		r.EventID = spoolID(7, i)
		if err := w.Write(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	store.fail.Store(true)
	if err := w.Close(ctx); !errors.Is(err, ErrDeliveryFailed) {
		t.Fatalf("Close with the store down = %v, want ErrDeliveryFailed", err)
	}
	if _, err := open(); !errors.Is(err, ErrSpool) {
		t.Fatalf("NewWriter after a failed Close = %v, want ErrSpool (the spool stays locked)", err)
	}
	store.fail.Store(false)
	if err := w.Close(ctx); err != nil {
		t.Fatalf("retried Close: %v", err)
	}
	if ids := storedIDs(t, store, "b"); len(ids) != 3 {
		t.Errorf("%d records stored after the retried Close, want 3", len(ids))
	}
	w2, err := open()
	if err != nil {
		t.Fatalf("NewWriter after Close released the spool: %v", err)
	}
	if n, err := w2.Replay(ctx); n != 0 || err != nil {
		t.Errorf("Replay after a clean Close = %d, %v; want 0", n, err)
	}
	// Give up after a failed Close (the process ends): the next Writer
	// replays the records.
	r := genRecord(8, 0, "111122223333", "us-east-1", clock.Now())
	if err := w2.Write(ctx, r); err != nil {
		t.Fatal(err)
	}
	store.fail.Store(true)
	if err := w2.Close(ctx); !errors.Is(err, ErrDeliveryFailed) {
		t.Fatalf("Close with the store down = %v", err)
	}
	w2.sp.abandon()
	store.fail.Store(false)
	w3, err := open()
	if err != nil {
		t.Fatal(err)
	}
	if n, err := w3.Replay(ctx); n != 1 || err != nil {
		t.Errorf("Replay after an abandoned failed Close = %d, %v; want 1", n, err)
	}
	if err := w3.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if ids := storedIDs(t, store, "b"); len(ids) != 4 || ids[r.EventID] != 1 {
		t.Errorf("stored %d records (%q: %d), want 4 with the replayed one once", len(ids), r.EventID, ids[r.EventID])
	}
}
