package logfile

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// TestDirStoreRemovesLeftovers: temporary files of dead writers (no lock)
// are removed by NewDirStore, the locked file of a Put in progress (here
// held by this process, as another process's Put would hold it) is not.
func TestDirStoreRemovesLeftovers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	root := t.TempDir()
	s, err := NewDirStore(root, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, Object{Bucket: "b", Key: "x/y/obj", Body: []byte("kept"), Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatal(err)
	}
	dead := []string{
		filepath.Join(root, "b", tempPrefix+"1"),
		filepath.Join(root, "b", "x", "y", tempPrefix+"2"),
		filepath.Join(root, tempPrefix+"3"),
	}
	for _, p := range dead {
		if err := os.WriteFile(p, []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	live, err := os.CreateTemp(filepath.Join(root, "b", "x"), tempPrefix+"*")
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if ok, err := lockTemp(live); !ok || err != nil {
		t.Fatalf("lockTemp: %v %v", ok, err)
	}
	if _, err := NewDirStore(root, DirStoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := tempFiles(t, root); !slices.Equal(got, []string{live.Name()}) {
		t.Errorf("after NewDirStore the temporary files are %q, want only the live one %q", got, live.Name())
	}
	if obj, err := s.Get(ctx, "b", "x/y/obj"); err != nil || string(obj.Body) != "kept" || obj.Metadata["k"] != "v" {
		t.Errorf("object after NewDirStore: %q %v %v", obj.Body, obj.Metadata, err)
	}
	live.Close() // the writer dies: its file is a leftover now
	if _, err := NewDirStore(root, DirStoreOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := tempFiles(t, root); len(got) != 0 {
		t.Errorf("after the writer died and NewDirStore ran, temporary files %q remain", got)
	}
}

// TestDirStoreDiskFull fills a 256 KiB tmpfs (needs root or
// CAP_SYS_ADMIN; skipped when mounting is not possible) and checks that
// failed Puts leave nothing behind: no temporary file, no directory they
// created, no space taken, and the store keeps working.
func TestDirStoreDiskFull(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	ctx := context.Background()
	s, err := NewDirStore(dir, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, Object{Bucket: "b", Key: "AWSLogs/1/first", Body: make([]byte, 100<<10)}); err != nil {
		t.Fatal(err)
	}
	before := treeOf(t, dir)
	free := func() uint64 {
		var st syscall.Statfs_t
		if err := syscall.Statfs(dir, &st); err != nil {
			t.Fatal(err)
		}
		return st.Bfree
	}
	freeBefore := free()
	fails := []Object{
		// The body does not fit, in directories that do not exist yet.
		{Bucket: "b", Key: "AWSLogs/2/CloudTrail/us-east-1/2024/03/05/big", Body: make([]byte, 300<<10)},
		// The body does not fit, in a new bucket.
		{Bucket: "c", Key: "k", Body: make([]byte, 200<<10)},
		// The body fits in the space left; with metadata to write too.
		{Bucket: "b", Key: "AWSLogs/1/meta/k", Body: make([]byte, 160<<10), Metadata: map[string]string{"signature": strings.Repeat("ab", 512)}},
	}
	for i := range 50 {
		for _, o := range fails {
			err := s.Put(ctx, o)
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("Put %d of %d bytes at s3://%s/%s on a full disk: %v, want ENOSPC", i, len(o.Body), o.Bucket, o.Key, err)
			}
		}
	}
	if after := treeOf(t, dir); !slices.Equal(after, before) {
		t.Errorf("failed Puts left files behind:\nbefore %q\nafter  %q", before, after)
	}
	if f := free(); f != freeBefore {
		t.Errorf("free blocks %d after failed Puts, %d before", f, freeBefore)
	}
	// The space is there for a Put that fits.
	if err := s.Put(ctx, Object{Bucket: "b", Key: "AWSLogs/1/second", Body: make([]byte, 100<<10), Metadata: map[string]string{"k": "v"}}); err != nil {
		t.Fatalf("Put that fits after the failures: %v", err)
	}
	if got := listAll(t, s, "b", "", ""); !slices.Equal(got, []string{"AWSLogs/1/first", "AWSLogs/1/second"}) {
		t.Errorf("List = %q", got)
	}
}
