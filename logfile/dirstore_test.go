package logfile

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func newDirStore(t testing.TB) *dirStore {
	t.Helper()
	return openDirStore(t, t.TempDir(), DirStoreOptions{})
}

// openDirStore is NewDirStore for tests that look at the store's files.
func openDirStore(t testing.TB, root string, opts DirStoreOptions) *dirStore {
	t.Helper()
	s, err := NewDirStore(root, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s.(*dirStore)
}

func listAll(t testing.TB, s Store, bucket, prefix, after string) []string {
	t.Helper()
	var keys []string
	for k, err := range s.List(context.Background(), bucket, prefix, after) {
		if err != nil {
			t.Fatalf("List(%q, %q, %q): %v", bucket, prefix, after, err)
		}
		keys = append(keys, k)
	}
	return keys
}

func TestDirStoreBasics(t *testing.T) {
	ctx := context.Background()
	s := newDirStore(t)
	meta := map[string]string{"signature": "abcd", "signature-algorithm": "SHA256withRSA"}
	if err := s.Put(ctx, Object{Bucket: "b", Key: "a/b/c.json.gz", Body: []byte("one"), Metadata: meta}); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, Object{Bucket: "b", Key: "a/b/d.json.gz", Body: []byte("two")}); err != nil {
		t.Fatal(err)
	}
	obj, err := s.Get(ctx, "b", "a/b/c.json.gz")
	if err != nil || string(obj.Body) != "one" || !equalMeta(obj.Metadata, meta) {
		t.Fatalf("Get = %+v, %v", obj, err)
	}
	// The sidecar is a flat JSON object of strings next to the object.
	side, err := os.ReadFile(filepath.Join(s.root, "b", "a", "b", "c.json.gz.metadata.json"))
	if err != nil || strings.TrimSpace(string(side)) != `{"signature":"abcd","signature-algorithm":"SHA256withRSA"}` {
		t.Fatalf("sidecar = %q, %v", side, err)
	}
	if obj, err := s.Get(ctx, "b", "a/b/d.json.gz"); err != nil || obj.Metadata != nil {
		t.Fatalf("Get without metadata = %+v, %v", obj, err)
	}
	if got := listAll(t, s, "b", "", ""); !slices.Equal(got, []string{"a/b/c.json.gz", "a/b/d.json.gz"}) {
		t.Fatalf("List = %q (sidecars must be invisible)", got)
	}
	for _, k := range []string{"a/b/x", "a/b", "a", "zzz"} {
		if _, err := s.Get(ctx, "b", k); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v, want ErrNotFound", k, err)
		}
	}
	if _, err := s.Get(ctx, "nobucket", "k"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get from a missing bucket = %v", err)
	}
	if got := listAll(t, s, "nobucket", "", ""); len(got) != 0 {
		t.Errorf("List of a missing bucket = %q", got)
	}
	// Replacing with other metadata, and with none, removes the old sidecar.
	if err := s.Put(ctx, Object{Bucket: "b", Key: "a/b/c.json.gz", Body: []byte("one'"), Metadata: map[string]string{"x": "y"}}); err != nil {
		t.Fatal(err)
	}
	if obj, _ := s.Get(ctx, "b", "a/b/c.json.gz"); string(obj.Body) != "one'" || !equalMeta(obj.Metadata, map[string]string{"x": "y"}) {
		t.Fatalf("after replace: %+v", obj)
	}
	if err := s.Put(ctx, Object{Bucket: "b", Key: "a/b/c.json.gz", Body: []byte("one''")}); err != nil {
		t.Fatal(err)
	}
	if obj, _ := s.Get(ctx, "b", "a/b/c.json.gz"); string(obj.Body) != "one''" || obj.Metadata != nil {
		t.Fatalf("after replace without metadata: %+v", obj)
	}
	if _, err := os.Stat(filepath.Join(s.root, "b", "a", "b", "c.json.gz.metadata.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("old sidecar still there: %v", err)
	}
	// A key that is a directory of other keys, or under a key, conflicts.
	if err := s.Put(ctx, Object{Bucket: "b", Key: "a/b", Body: []byte("x")}); !errors.Is(err, ErrKeyConflict) {
		t.Errorf("Put over a directory = %v, want ErrKeyConflict", err)
	}
	if err := s.Put(ctx, Object{Bucket: "b", Key: "a/b/d.json.gz/e", Body: []byte("x")}); !errors.Is(err, ErrKeyConflict) {
		t.Errorf("Put under a file = %v, want ErrKeyConflict", err)
	}
	// Malformed sidecars are reported, not ignored.
	os.WriteFile(filepath.Join(s.root, "b", "a", "b", "d.json.gz.metadata.json"), []byte(`{"a":1}`), 0o644)
	if _, err := s.Get(ctx, "b", "a/b/d.json.gz"); !errors.Is(err, ErrMalformedMetadata) {
		t.Errorf("Get with a bad sidecar = %v, want ErrMalformedMetadata", err)
	}
	// Context.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Put(cctx, Object{Bucket: "b", Key: "k", Body: nil}); !errors.Is(err, context.Canceled) {
		t.Errorf("Put with cancelled ctx = %v", err)
	}
	if _, err := s.Get(cctx, "b", "a/b/d.json.gz"); !errors.Is(err, context.Canceled) {
		t.Errorf("Get with cancelled ctx = %v", err)
	}
	for _, err := range s.List(cctx, "b", "", "") {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("List with cancelled ctx = %v", err)
		}
	}
}

func equalMeta(a, b map[string]string) bool {
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

func TestDirStoreRefusesUnsafeKeys(t *testing.T) {
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewDirStore(filepath.Join(root), DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	outside := t.TempDir()
	// A bucket and a directory that are symbolic links out of the root.
	if err := os.Symlink(outside, filepath.Join(root, "evil")); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(root, "b"), 0o755)
	if err := os.Symlink(outside, filepath.Join(root, "b", "link")); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s"), 0o644)
	if err := os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "b", "filelink")); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ bucket, key string }{
		{"b", "../x"}, {"b", "a/../../x"}, {"b", "/etc/passwd"}, {"b", "a\\..\\x"}, {"b", "a\x00b"},
		{"b", "a//b"}, {"b", "a/./b"}, {"b", ""}, {"b", "a/"}, {"..", "x"}, {"a/b", "x"}, {"", "x"},
		{"b", strings.Repeat("k", 1025)}, {"b", "x.metadata.json"}, {"b", "a.metadata.json/b"},
		{"b", ".trailkit-tmp-123"}, {"b", "a/.trailkit-tmp-x/y"}, {".trailkit-tmp-b", "x"},
		{"evil", "secret"}, {"evil", "new"}, {"b", "link/secret"}, {"b", "link/new"}, {"b", "filelink"},
	}
	for _, tt := range tests {
		var ke *Error
		err := s.Put(ctx, Object{Bucket: tt.bucket, Key: tt.key, Body: []byte("pwned")})
		if !errors.As(err, &ke) || !errors.Is(err, ErrUnsafeKey) {
			// Put onto an existing symlink replaces the link itself; that is
			// safe and allowed. Everything else must be refused.
			if !(tt.key == "filelink" && err == nil) {
				t.Errorf("Put(%q, %q) = %v, want an *Error wrapping ErrUnsafeKey", tt.bucket, tt.key, err)
			}
		}
		if tt.key == "filelink" {
			continue
		}
		if _, err := s.Get(ctx, tt.bucket, tt.key); !errors.As(err, &ke) || !errors.Is(err, ErrUnsafeKey) {
			t.Errorf("Get(%q, %q) = %v, want an *Error wrapping ErrUnsafeKey", tt.bucket, tt.key, err)
		}
	}
	// A symlinked object is not read.
	os.Remove(filepath.Join(root, "b", "filelink"))
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "b", "filelink"))
	if _, err := s.Get(ctx, "b", "filelink"); !errors.Is(err, ErrUnsafeKey) {
		t.Errorf("Get of a symlinked object = %v", err)
	}
	// Nothing was written outside the root, and List skips the links.
	ents, _ := os.ReadDir(outside)
	if len(ents) != 1 {
		t.Errorf("outside dir has %d entries, want only the original secret", len(ents))
	}
	if got := listAll(t, s, "b", "", ""); len(got) != 0 {
		t.Errorf("List = %q, want no keys (links skipped)", got)
	}
	if got := listAll(t, s, "evil", "", ""); len(got) != 0 {
		t.Errorf("List of a symlinked bucket = %q", got)
	}
	// The root itself may be a link.
	alias := filepath.Join(t.TempDir(), "alias")
	os.Symlink(root, alias)
	s2, err := NewDirStore(alias, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Put(ctx, Object{Bucket: "b", Key: "ok", Body: []byte("1")}); err != nil {
		t.Errorf("Put through a linked root: %v", err)
	}
	if _, err := NewDirStore(filepath.Join(root, "b", "ok"), DirStoreOptions{}); err == nil {
		t.Error("NewDirStore on a file succeeded")
	}
	if _, err := NewDirStore(filepath.Join(root, "missing"), DirStoreOptions{}); err == nil {
		t.Error("NewDirStore on a missing dir succeeded")
	}
}

// TestDirStoreListOrder compares List with MemStore's on keys whose byte
// order differs from a naive directory walk ("a-c" < "a/b" < "a0").
func TestDirStoreListOrder(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	ds := newDirStore(t)
	ms := NewMemStore()
	rng := rand.New(rand.NewPCG(7, 7))
	alpha := []string{"a", "b", "-", ".", "0", "_", "~", "Z"}
	seg := func() string {
		n := 1 + rng.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(alpha[rng.IntN(len(alpha))])
		}
		if b.String() == "." || b.String() == ".." {
			return "x"
		}
		return b.String()
	}
	var keys []string
	for range 250 {
		var parts []string
		for range 1 + rng.IntN(3) {
			parts = append(parts, seg())
		}
		k := strings.Join(parts, "/")
		err := ds.Put(ctx, Object{Bucket: "b", Key: k, Body: []byte(k)})
		if errors.Is(err, ErrKeyConflict) {
			continue // S3 allows "a" and "a/b"; a directory store cannot
		}
		if err != nil {
			t.Fatal(err)
		}
		ms.Put(ctx, Object{Bucket: "b", Key: k, Body: []byte(k)})
		keys = append(keys, k)
	}
	probes := []string{"", "a", "a/", "a-", "a/b", "-", "Z", "~", "b/a", "zzz"}
	for range 10 {
		probes = append(probes, keys[rng.IntN(len(keys))], keys[rng.IntN(len(keys))][:1])
	}
	for _, prefix := range probes {
		for _, after := range probes {
			got := listAll(t, ds, "b", prefix, after)
			want := listAll(t, ms, "b", prefix, after)
			if !slices.Equal(got, want) {
				t.Fatalf("List(prefix %q, after %q):\n got %q\nwant %q", prefix, after, got, want)
			}
		}
	}
	// Early stop.
	n := 0
	for range ds.List(ctx, "b", "", "") {
		n++
		if n == 3 {
			break
		}
	}
}

func TestDirStoreConcurrent(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newDirStore(t)
	var wg sync.WaitGroup
	const writers, puts = 8, 40
	errc := make(chan error, writers*puts*2)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range puts {
				// Every writer also rewrites one shared key; its body and
				// metadata must always agree.
				body := []byte(fmt.Sprintf("w%d-%d", w, i))
				sum := sha256.Sum256(body)
				meta := map[string]string{"sha": hex.EncodeToString(sum[:])}
				if err := s.Put(ctx, Object{Bucket: "b", Key: "shared/obj", Body: body, Metadata: meta}); err != nil {
					errc <- err
				}
				if err := s.Put(ctx, Object{Bucket: "b", Key: fmt.Sprintf("w%d/%03d", w, i), Body: body}); err != nil {
					errc <- err
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 200 {
			obj, err := s.Get(ctx, "b", "shared/obj")
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				errc <- err
				continue
			}
			sum := sha256.Sum256(obj.Body)
			if obj.Metadata["sha"] != hex.EncodeToString(sum[:]) {
				errc <- fmt.Errorf("body %q has metadata of another version", obj.Body)
			}
			var prev string
			for k, err := range s.List(ctx, "b", "w", "") {
				if err != nil {
					errc <- err
					break
				}
				if k <= prev {
					errc <- fmt.Errorf("List order: %q after %q", k, prev)
				}
				prev = k
			}
		}
	}()
	wg.Wait()
	close(errc)
	for err := range errc {
		t.Error(err)
	}
	if got := listAll(t, s, "b", "w", ""); len(got) != writers*puts {
		t.Errorf("%d keys, want %d", len(got), writers*puts)
	}
}

const crashEnv = "TRAILKIT_LOGFILE_CRASH_CHILD"

// TestDirStoreCrashChild is the child of TestDirStoreCrashSafety: it writes
// through a Writer into a DirStore until it is killed, printing the event IDs
// of every batch whose Flush returned nil, and rewrites a key with
// metadata that must always match its body.
func TestDirStoreCrashChild(t *testing.T) {
	dir := os.Getenv(crashEnv)
	if dir == "" {
		t.Skip("child process of TestDirStoreCrashSafety")
	}
	ctx := context.Background()
	s, err := NewDirStore(dir, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		for i := 0; ; i++ {
			body := make([]byte, 1<<10+rng.IntN(256<<10))
			for j := range body {
				body[j] = byte(rng.Uint32())
			}
			sum := sha256.Sum256(body)
			meta := map[string]string{"sha": hex.EncodeToString(sum[:])}
			if err := s.Put(ctx, Object{Bucket: "b", Key: "meta/obj", Body: body, Metadata: meta}); err != nil {
				fmt.Println("ERR", err)
			}
		}
	}()
	w, err := NewWriter(s, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, MaxRecords: 1 << 20, MaxBytes: 64 << 20, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	seed := uint64(time.Now().UnixNano())
	for i := 0; ; {
		var ids []string
		for range 300 + int(seed%7)*100 {
			r := genRecord(seed, i, genAccounts[i%2], genRegions[i%3], time.Now())
			i++
			if err := w.Write(ctx, r); err != nil {
				fmt.Println("ERR", err)
				return
			}
			ids = append(ids, r.EventID)
		}
		if err := w.Flush(ctx); err != nil {
			fmt.Println("ERR", err)
			return
		}
		var out strings.Builder
		for _, id := range ids {
			fmt.Fprintln(&out, "OK", id)
		}
		os.Stdout.WriteString(out.String())
	}
}

// TestDirStoreCrashSafety kills a writing child process with SIGKILL at
// random moments and checks that no partial object is visible, that every
// record whose Flush returned nil is present, and that the rewritten key's
// metadata always belongs to its body. (SIGKILL tests the atomic renames; a
// power loss would also test the fsyncs, which this cannot.)
func TestDirStoreCrashSafety(t *testing.T) {
	t.Parallel()
	if os.Getenv(crashEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	flushed := map[string]bool{}
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	for round := range 4 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDirStoreCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 1024)
		go func() {
			// Only whole lines count: the kill can cut the last one.
			br := bufio.NewReader(stdout)
			for {
				l, err := br.ReadString('\n')
				if err != nil {
					break
				}
				lines <- strings.TrimSuffix(l, "\n")
			}
			close(lines)
		}()
		// Wait for a few flushes, then kill at a random moment.
		deadline := time.After(time.Duration(300+rng.IntN(700)) * time.Millisecond)
		minOK := 1000
		killed := false
		for !killed {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("round %d: child exited early", round)
				}
				if strings.HasPrefix(l, "ERR") {
					t.Fatalf("round %d: child: %s", round, l)
				}
				if id, ok := strings.CutPrefix(l, "OK "); ok {
					flushed[id] = true
					minOK--
				}
			case <-deadline:
				if minOK <= 0 {
					cmd.Process.Signal(syscall.SIGKILL)
					killed = true
				} else {
					deadline = time.After(time.Duration(rng.IntN(50)) * time.Millisecond)
				}
			}
		}
		for l := range lines { // lines printed before the kill
			if id, ok := strings.CutPrefix(l, "OK "); ok {
				flushed[id] = true
			}
		}
		cmd.Wait()
	}

	ctx := context.Background()
	leftovers := len(tempFiles(t, dir))
	s, err := NewDirStore(dir, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if got := tempFiles(t, dir); len(got) != 0 {
		t.Errorf("NewDirStore after the last kill left temporary files %q (%d before)", got, leftovers)
	}
	seen := map[string]int{}
	files := 0
	for key, err := range s.List(ctx, "b", "AWSLogs/", "") {
		if err != nil {
			t.Fatal(err)
		}
		files++
		if _, err := ParseKey(key); err != nil {
			t.Errorf("visible key %q: %v", key, err)
		}
		obj, err := s.Get(ctx, "b", key)
		if err != nil {
			t.Fatal(err)
		}
		rd := newReader(bytes.NewReader(obj.Body), ReadOptions{})
		for {
			r, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("visible object %q is corrupt: %v", key, err)
			}
			seen[r.EventID]++
		}
	}
	for id := range flushed {
		if seen[id] != 1 {
			t.Errorf("flushed record %s seen %d times", id, seen[id])
		}
	}
	obj, err := s.Get(ctx, "b", "meta/obj")
	if err == nil {
		sum := sha256.Sum256(obj.Body)
		if obj.Metadata["sha"] != hex.EncodeToString(sum[:]) {
			t.Errorf("after the crash meta/obj has metadata of another version")
		}
	} else if !errors.Is(err, ErrNotFound) {
		t.Error(err)
	}
	if len(flushed) == 0 || files == 0 {
		t.Fatalf("nothing flushed (%d ids, %d files)", len(flushed), files)
	}
	t.Logf("%d flushed records in %d files survived 4 SIGKILLs; NewDirStore removed %d temporary files of the last", len(flushed), files, leftovers)
}
