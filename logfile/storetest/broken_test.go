package storetest_test

import (
	"context"
	"errors"
	"io"
	"iter"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logfile/storetest"
)

// brokenStores each break one rule of the Store contract. TestSuiteCatches
// runs the suite against each in a child process and expects the named
// subtest to fail, so the suite is known to detect the breakage.
var brokenStores = map[string]struct {
	store   func() logfile.Store
	failing string // a subtest that must fail
}{
	"CaseInsensitiveOrder": {func() logfile.Store { return &sortedBy{Store: logfile.NewMemStore(), less: strings.ToLower} }, "ListOrder"},
	"InclusiveStartAfter":  {func() logfile.Store { return inclusive{logfile.NewMemStore()} }, "ListStartAfter"},
	"NoKeyCheck":           {func() logfile.Store { return &noKeyCheck{Store: logfile.NewMemStore()} }, "hostileKeys"},
	"PlainNotFound":        {func() logfile.Store { return plainNotFound{logfile.NewMemStore()} }, "Missing"},
	"IgnoresContext":       {func() logfile.Store { return ignoresCtx{logfile.NewMemStore()} }, "Context"},
	"CreateReplaces":       {func() logfile.Store { return createReplaces{logfile.NewMemStore()} }, "PutIfAbsent"},
	"CheckThenPut":         {func() logfile.Store { return checkThenPut{logfile.NewMemStore()} }, "PutIfAbsentRace"},
	"ShortOpen":            {func() logfile.Store { return shortOpen{logfile.NewMemStore()} }, "Open"},
	"OpenSeesReplacement":  {func() logfile.Store { return lazyOpen{logfile.NewMemStore()} }, "Open"},
}

func TestBrokenStore(t *testing.T) {
	name := os.Getenv("STORETEST_BROKEN")
	if name == "" {
		t.Skip("run by TestSuiteCatches in a child process")
	}
	b := brokenStores[name]
	storetest.Run(t, func(t *testing.T) (logfile.Store, string) { return b.store(), "bucket" })
}

func TestSuiteCatches(t *testing.T) {
	for name, b := range brokenStores {
		t.Run(name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenStore$", "-test.v")
			cmd.Env = append(os.Environ(), "STORETEST_BROKEN="+name)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if !errors.As(err, &exit) {
				t.Fatalf("suite against a %s store: err %v, want a failing exit; output:\n%s", name, err, out)
			}
			if want := "--- FAIL: TestBrokenStore/" + b.failing; !strings.Contains(string(out), want) {
				t.Errorf("suite against a %s store: output lacks %q:\n%s", name, want, out)
			}
		})
	}
}

// sortedBy lists in the order of less(key) instead of byte order.
type sortedBy struct {
	logfile.Store
	less func(string) string
}

func (s *sortedBy) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	var keys []string
	for k, err := range s.Store.List(ctx, bucket, prefix, startAfter) {
		if err != nil {
			return func(yield func(string, error) bool) { yield("", err) }
		}
		keys = append(keys, k)
	}
	slices.SortStableFunc(keys, func(a, b string) int { return strings.Compare(s.less(a), s.less(b)) })
	return func(yield func(string, error) bool) {
		for _, k := range keys {
			if !yield(k, nil) {
				return
			}
		}
	}
}

type inclusive struct{ logfile.Store }

func (s inclusive) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if _, err := s.Get(ctx, bucket, startAfter); err == nil && strings.HasPrefix(startAfter, prefix) {
			if !yield(startAfter, nil) {
				return
			}
		}
		for k, err := range s.Store.List(ctx, bucket, prefix, startAfter) {
			if !yield(k, err) {
				return
			}
		}
	}
}

// noKeyCheck stores hostile keys under a harmless encoding instead of refusing them.
type noKeyCheck struct{ logfile.Store }

func (s *noKeyCheck) Put(ctx context.Context, obj logfile.Object) error {
	if logfile.CheckKey(obj.Bucket, obj.Key) != nil {
		return nil // silently "stored"
	}
	return s.Store.Put(ctx, obj)
}

type plainNotFound struct{ logfile.Store }

func (s plainNotFound) Get(ctx context.Context, bucket, key string) (logfile.Object, error) {
	obj, err := s.Store.Get(ctx, bucket, key)
	if errors.Is(err, logfile.ErrNotFound) {
		return obj, os.ErrNotExist
	}
	return obj, err
}

type ignoresCtx struct{ logfile.Store }

func (s ignoresCtx) Put(_ context.Context, obj logfile.Object) error {
	return s.Store.Put(context.Background(), obj)
}

// createReplaces ignores PutIfAbsent's condition.
type createReplaces struct{ logfile.Store }

func (s createReplaces) PutIfAbsent(ctx context.Context, obj logfile.Object) error {
	return s.Put(ctx, obj)
}

// checkThenPut checks for the key and then puts, not atomically: racers
// that all check before any puts all win.
type checkThenPut struct{ logfile.Store }

func (s checkThenPut) PutIfAbsent(ctx context.Context, obj logfile.Object) error {
	if _, err := s.Get(ctx, obj.Bucket, obj.Key); err == nil {
		return &logfile.Error{Op: "put", Bucket: obj.Bucket, Key: obj.Key, Err: logfile.ErrExists}
	}
	time.Sleep(20 * time.Millisecond)
	return s.Put(ctx, obj)
}

// shortOpen's reader ends one byte early without an error.
type shortOpen struct{ logfile.Store }

func (s shortOpen) Open(ctx context.Context, bucket, key string) (io.ReadCloser, logfile.ObjectInfo, error) {
	rc, info, err := s.Store.Open(ctx, bucket, key)
	if err != nil || info.Size == 0 {
		return rc, info, err
	}
	short := io.LimitReader(rc, info.Size-1)
	info.Size = -1
	return struct {
		io.Reader
		io.Closer
	}{short, rc}, info, nil
}

// lazyOpen's reader fetches the key again at every Read, so it streams
// whatever version is current (a store that reads a key, not a version).
type lazyOpen struct{ logfile.Store }

func (s lazyOpen) Open(ctx context.Context, bucket, key string) (io.ReadCloser, logfile.ObjectInfo, error) {
	_, info, err := s.Store.Open(ctx, bucket, key)
	if err != nil {
		return nil, info, err
	}
	info.Size = -1
	return &lazyReader{get: func() ([]byte, error) {
		obj, err := s.Store.Get(ctx, bucket, key)
		return obj.Body, err
	}}, info, nil
}

type lazyReader struct {
	get  func() ([]byte, error)
	read int
}

func (r *lazyReader) Read(p []byte) (int, error) {
	b, err := r.get()
	if err != nil {
		return 0, err
	}
	if r.read >= len(b) {
		return 0, io.EOF
	}
	n := copy(p, b[r.read:])
	r.read += n
	return n, nil
}

func (r *lazyReader) Close() error { return nil }
