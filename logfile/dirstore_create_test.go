package logfile

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDirStorePutIfAbsentProcesses races PutIfAbsent across processes that
// share one root (the fleet case: digesters on several hosts of a shared
// directory): 4 child processes create the same 30 keys with their own
// bodies and metadata. Each key must have exactly one winner, and the
// stored object must be the winner's, body and metadata.
func TestDirStorePutIfAbsentProcesses(t *testing.T) {
	if root := os.Getenv("DIRSTORE_RACE_ROOT"); root != "" {
		dirStoreRaceChild(t, root, os.Getenv("DIRSTORE_RACE_ID"))
		return
	}
	const procs, keys = 4, 30
	root := t.TempDir()
	go1 := make(chan struct{})
	type result struct {
		id  string
		out []byte
		err error
	}
	results := make(chan result, procs)
	for p := range procs {
		id := fmt.Sprint(p)
		go func() {
			<-go1
			cmd := exec.Command(os.Args[0], "-test.run=^TestDirStorePutIfAbsentProcesses$")
			cmd.Env = append(os.Environ(), "DIRSTORE_RACE_ROOT="+root, "DIRSTORE_RACE_ID="+id, fmt.Sprintf("DIRSTORE_RACE_KEYS=%d", keys))
			out, err := cmd.Output()
			results <- result{id, out, err}
		}()
	}
	close(go1)
	winners := map[string][]string{}
	for range procs {
		r := <-results
		if r.err != nil {
			t.Fatalf("child %s: %v\n%s", r.id, r.err, r.out)
		}
		sc := bufio.NewScanner(bytes.NewReader(r.out))
		for sc.Scan() {
			if k, ok := strings.CutPrefix(sc.Text(), "won "); ok {
				winners[k] = append(winners[k], r.id)
			}
		}
	}
	perProc := map[string]int{}
	for _, w := range winners {
		for _, id := range w {
			perProc[id]++
		}
	}
	t.Logf("keys won per process: %v", perProc)
	s, err := NewDirStore(root, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := range keys {
		k := raceKey(i)
		w := winners[k]
		if len(w) != 1 {
			t.Errorf("%s: won by %v, want exactly one process", k, w)
			continue
		}
		obj, err := s.Get(ctx, "b", k)
		if err != nil {
			t.Fatalf("Get(%s): %v", k, err)
		}
		if want := raceBody(w[0], i); !bytes.Equal(obj.Body, want) || obj.Metadata["racer"] != w[0] {
			t.Errorf("%s: stored %q with metadata %v, want process %s's object", k, obj.Body, obj.Metadata, w[0])
		}
	}
	// No claim or temporary file is left behind.
	filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tempPrefix) {
			t.Errorf("left behind: %s", path)
		}
		return nil
	})
}

func raceKey(i int) string { return fmt.Sprintf("race/%02d/key.json.gz", i%7) + fmt.Sprint(i) }

func raceBody(id string, i int) []byte {
	return []byte(strings.Repeat("process "+id+" key "+fmt.Sprint(i)+";", 50+len(id)))
}

func dirStoreRaceChild(t *testing.T, root, id string) {
	s, err := NewDirStore(root, DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var keys int
	fmt.Sscan(os.Getenv("DIRSTORE_RACE_KEYS"), &keys)
	for i := range keys {
		err := s.PutIfAbsent(context.Background(), Object{Bucket: "b", Key: raceKey(i), Body: raceBody(id, i),
			Metadata: map[string]string{"racer": id, "signature": strings.Repeat(id, 64)}})
		switch {
		case err == nil:
			fmt.Printf("won %s\n", raceKey(i))
		case !errors.Is(err, ErrExists):
			t.Fatalf("PutIfAbsent(%s): %v", raceKey(i), err)
		}
	}
}

// claimPath returns the claim file PutIfAbsent uses for key in bucket b.
func claimPath(t *testing.T, s *dirStore, key string) string {
	t.Helper()
	p, err := s.path("b", key)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(filepath.Base(p)))
	return filepath.Join(filepath.Dir(p), claimPrefix+hex.EncodeToString(sum[:12]))
}

// TestDirStorePutIfAbsentStaleClaim: a claim left by a process that was
// killed on this host is removed at once; a young claim from another host
// is respected (the creator waits, here until its context ends), and an
// old one is removed.
func TestDirStorePutIfAbsentStaleClaim(t *testing.T) {
	s := newDirStore(t)
	ctx := context.Background()
	// A process that has exited: its pid is free (for a while at least).
	dead := exec.Command(os.Args[0], "-test.run=^$")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	host, _ := os.Hostname()
	if err := os.MkdirAll(filepath.Join(s.root, "b", "k"), 0o755); err != nil {
		t.Fatal(err)
	}

	key := "k/dead-owner.json.gz"
	claim := claimPath(t, s, key)
	os.WriteFile(claim, fmt.Appendf(nil, "%s %d\n", host, dead.Process.Pid), 0o644)
	start := time.Now()
	if err := s.PutIfAbsent(ctx, Object{Bucket: "b", Key: key, Body: []byte("x")}); err != nil {
		t.Fatalf("PutIfAbsent with a dead owner's claim: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("PutIfAbsent took %v to remove a dead owner's claim", d)
	}

	key = "k/foreign-owner.json.gz"
	claim = claimPath(t, s, key)
	os.WriteFile(claim, []byte("some-other-host 1\n"), 0o644)
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if err := s.PutIfAbsent(short, Object{Bucket: "b", Key: key, Body: []byte("x")}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("PutIfAbsent with a young foreign claim: %v, want it to wait until its context ends", err)
	}
	if _, err := s.Get(ctx, "b", key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("after the wait the key exists (%v)", err)
	}
	old := time.Now().Add(-staleClaimAge - time.Minute)
	os.Chtimes(claim, old, old)
	if err := s.PutIfAbsent(ctx, Object{Bucket: "b", Key: key, Body: []byte("y")}); err != nil {
		t.Fatalf("PutIfAbsent with an old foreign claim: %v", err)
	}
	// The claim was held while waiting, so a creator that finishes
	// meanwhile makes the waiter see ErrExists.
	key = "k/finished-meanwhile.json.gz"
	claim = claimPath(t, s, key)
	os.WriteFile(claim, []byte("some-other-host 1\n"), 0o644)
	errc := make(chan error, 1)
	go func() { errc <- s.PutIfAbsent(ctx, Object{Bucket: "b", Key: key, Body: []byte("waiter")}) }()
	time.Sleep(50 * time.Millisecond)
	final, _ := s.path("b", key)
	os.WriteFile(final, []byte("other host's"), 0o644)
	os.Remove(claim)
	if err := <-errc; !errors.Is(err, ErrExists) {
		t.Fatalf("waiter whose rival finished: %v, want ErrExists", err)
	}
	if obj, _ := s.Get(ctx, "b", key); string(obj.Body) != "other host's" {
		t.Errorf("waiter changed the winner's object to %q", obj.Body)
	}
}
