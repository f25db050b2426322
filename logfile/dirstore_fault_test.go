package logfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDirStoreSizeLimit puts a 64 GiB sparse file at a log file's path:
// Get and Open refuse it from its size, without reading it (a read would
// take minutes and 64 GiB of memory), and the option sets the limit.
func TestDirStoreSizeLimit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newDirStore(t)
	key := "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz"
	if err := s.Put(ctx, Object{Bucket: "b", Key: key, Body: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	path, err := s.path("b", key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, 64<<30); err != nil {
		t.Skipf("cannot make a 64 GiB sparse file here: %v", err)
	}
	start := time.Now()
	var tl *Error
	if _, err := s.Get(ctx, "b", key); !errors.As(err, &tl) || tl.Size != 64<<30 || tl.Limit != defaultMaxObjectSize || !errors.Is(err, ErrTooLarge) ||
		tl.Op != "get" || tl.Key != key {
		t.Errorf("Get of a 64 GiB file: %v, want an *Error (get, Size 64 GiB, Limit defaultMaxObjectSize) wrapping ErrTooLarge", err)
	}
	if rc, _, err := s.Open(ctx, "b", key); !errors.As(err, &tl) || !errors.Is(err, ErrTooLarge) || tl.Op != "open" {
		if rc != nil {
			rc.Close()
		}
		t.Errorf("Open of a 64 GiB file: %v, want an *Error (open) wrapping ErrTooLarge", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v: the file was read", d)
	}

	small, err := NewDirStore(s.root, DirStoreOptions{MaxObjectSize: 10})
	if err != nil {
		t.Fatal(err)
	}
	for n, wantErr := range map[int]bool{10: false, 11: true} {
		k := strings.Repeat("k", n)
		if err := small.Put(ctx, Object{Bucket: "b", Key: k, Body: make([]byte, n)}); err != nil {
			t.Fatal(err)
		}
		_, gerr := small.Get(ctx, "b", k)
		rc, info, oerr := small.Open(ctx, "b", k)
		if oerr == nil {
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil || len(b) != n || info.Size != int64(n) {
				t.Errorf("Open of %d bytes: read %d bytes, Size %d, %v", n, len(b), info.Size, err)
			}
		}
		if got := errors.Is(gerr, ErrTooLarge); got != wantErr {
			t.Errorf("Get of %d bytes with a 10-byte limit: %v", n, gerr)
		}
		if got := errors.Is(oerr, ErrTooLarge); got != wantErr {
			t.Errorf("Open of %d bytes with a 10-byte limit: %v", n, oerr)
		}
	}
	if _, err := NewDirStore(s.root, DirStoreOptions{MaxObjectSize: -1}); err == nil {
		t.Error("NewDirStore with a negative MaxObjectSize: no error")
	}
}

// TestDirStoreRefusesHardLinks links a file from outside the root into the
// tree, as an object and as a sidecar: Get and Open refuse both with a
// *Error wrapping ErrUnsafeKey and List skips the object, so the outside file is never read.
func TestDirStoreRefusesHardLinks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newDirStore(t)
	outside := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(outside, []byte(`{"secret":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"d/ok", "d/meta"} {
		if err := s.Put(ctx, Object{Bucket: "b", Key: k, Body: []byte(k)}); err != nil {
			t.Fatal(err)
		}
	}
	linked, _ := s.path("b", "d/linked")
	if err := os.Link(outside, linked); err != nil {
		t.Skipf("hard links not supported here: %v", err)
	}
	meta, _ := s.path("b", "d/meta")
	if err := os.Link(outside, meta+metadataSuffix); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"d/linked", "d/meta"} {
		var ke *Error
		if _, err := s.Get(ctx, "b", k); !errors.As(err, &ke) || !errors.Is(err, ErrUnsafeKey) || !strings.Contains(ke.Error(), "hard link") {
			t.Errorf("Get(%q): %v, want an *Error wrapping ErrUnsafeKey about a hard link", k, err)
		}
		if _, _, err := s.Open(ctx, "b", k); !errors.As(err, &ke) || !errors.Is(err, ErrUnsafeKey) {
			t.Errorf("Open(%q): %v, want an *Error wrapping ErrUnsafeKey", k, err)
		}
	}
	if got := listAll(t, s, "b", "", ""); !slices.Equal(got, []string{"d/meta", "d/ok"}) {
		t.Errorf("List = %q, want [d/meta d/ok] (the hard link skipped)", got)
	}
	// A Put replaces the link by a file of its own; the outside file stays.
	if err := s.Put(ctx, Object{Bucket: "b", Key: "d/linked", Body: []byte("new")}); err != nil {
		t.Fatal(err)
	}
	if obj, err := s.Get(ctx, "b", "d/linked"); err != nil || string(obj.Body) != "new" {
		t.Errorf("Get after a Put over the link: %q, %v", obj.Body, err)
	}
	if b, _ := os.ReadFile(outside); string(b) != `{"secret":"x"}` {
		t.Errorf("the outside file changed: %q", b)
	}
}

// tempFiles returns the DirStore temporary files below root.
func tempFiles(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tempPrefix) {
			names = append(names, path)
		}
		return nil
	})
	return names
}

// treeOf returns every file and directory below root, relative.
func treeOf(t *testing.T, root string) []string {
	t.Helper()
	var names []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if rel, _ := filepath.Rel(root, path); rel != "." {
			names = append(names, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return names
}
