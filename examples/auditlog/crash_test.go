package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/logfile"
)

// serveEnv makes the test binary run serve (the example's main) for
// TestKillUnderLoad: "<dir>|<addr>".
const serveEnv = "AUDITLOG_TEST_SERVE"

func TestMain(m *testing.M) {
	if v := os.Getenv(serveEnv); v != "" {
		dir, addr, _ := strings.Cut(v, "|")
		if err := serve(addr, dir, bucket, account, region, "auditlog", "", "", "", "", true); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func startServer(t *testing.T, dir string) (*exec.Cmd, string, *bytes.Buffer) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	exe, _ := os.Executable()
	cmd := exec.Command(exe, "-test.run=^$")
	cmd.Env = append(os.Environ(), serveEnv+"="+dir+"|"+addr)
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("server did not start: %s", logs.String())
		}
	}
	return cmd, "http://" + addr, &logs
}

// TestKillUnderLoad is issue 15's done-when: the audit-log example under
// load from 8 clients is killed with SIGKILL and restarted; every request
// that got an answer has its record (by request id), no record is stored
// twice, and after a clean shutdown the trail validates with the strict
// checks (no file outside a digest, none listed twice).
func TestKillUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the example as a process")
	}
	dir := t.TempDir()
	srv, base, logs := startServer(t, dir)
	start := time.Now().Add(-time.Minute)
	var mu sync.Mutex
	answered := map[string]string{} // request id -> operation
	var stop atomic.Bool
	var wg sync.WaitGroup
	client := &http.Client{Timeout: 5 * time.Second}
	for c := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("user%d", c)
			for i := 0; !stop.Load(); i++ {
				id := fmt.Sprintf("n%d-%d", c, i%20)
				method := []string{"PUT", "GET", "DELETE", "GET"}[i%4]
				var body io.Reader
				if method == "PUT" {
					body = strings.NewReader(`{"text":"hello"}`)
				}
				req, _ := http.NewRequest(method, base+"/v1/notes/"+id, body)
				req.Header.Set("X-Audit-User", user)
				resp, err := client.Do(req)
				if err != nil {
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if rid := resp.Header.Get("X-Request-Id"); rid != "" && resp.StatusCode < 500 {
					mu.Lock()
					answered[rid] = method
					mu.Unlock()
				}
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	srv.Process.Signal(syscall.SIGKILL)
	srv.Wait()
	stop.Store(true)
	wg.Wait()
	mu.Lock()
	n := len(answered)
	mu.Unlock()
	// Restart, then shut down cleanly: replay, recover, final digest.
	srv2, _, logs2 := startServer(t, dir)
	srv2.Process.Signal(syscall.SIGTERM)
	if err := srv2.Wait(); err != nil {
		t.Fatalf("restarted server: %v\n%s", err, logs2.String())
	}
	t.Logf("first run: %s", strings.TrimSpace(logs.String()))
	t.Logf("restart: %s", strings.TrimSpace(logs2.String()))

	store, err := logfile.NewDirStore(dir, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	seen := map[string]int{}
	events := map[string]int{}
	for key, err := range store.List(ctx, bucket, "AWSLogs/"+account+"/CloudTrail/", "") {
		if err != nil {
			t.Fatal(err)
		}
		o, err := store.Get(ctx, bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		for r, err := range logfile.ReadRecords(bytes.NewReader(o.Body), logfile.ReadOptions{}) {
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			seen[r.RequestID]++
			events[r.EventID]++
		}
	}
	missing := 0
	for rid := range answered {
		if seen[rid] == 0 {
			missing++
		}
	}
	dups := 0
	for _, c := range events {
		if c > 1 {
			dups++
		}
	}
	t.Logf("%d requests answered by the killed server, %d records stored; %d answered without a record, %d records stored twice", n, len(events), missing, dups)
	if n < 100 || missing > 0 || dups > 0 {
		t.Errorf("%d answered, %d without a record, %d stored twice", n, missing, dups)
	}
	signer, err := loadSigner(filepath.Join(dir, "signing-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	var ring digest.KeyRing
	ring.Add(publicKey(t, signer))
	rep, err := digest.Validate(ctx, store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket}},
		TrailARN:    "arn:aws:cloudtrail:" + region + ":" + account + ":trail/auditlog",
		Start:       start,
		End:         time.Now().Add(time.Minute),
		Keys:        &ring,
	})
	if err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code, _ := awscli.WriteText(&out, &errs, rep, awscli.Options{Strict: true}); code != 0 {
		t.Fatalf("validate --strict: exit %d\n%s%s", code, out.String(), errs.String())
	}
	t.Logf("validate --strict:\n%s", out.String())
}
