package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/fleetcheck"
	"github.com/trailkit/trailkit/internal/testenv"
	"github.com/trailkit/trailkit/logfile"
)

// asMainEnv makes the test binary act as the trailkit command (see
// TestMain), so tests can run it as separate processes and kill them.
const asMainEnv = "TRAILKIT_TEST_AS_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(asMainEnv) == "1" {
		os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// proc is a trailkit command running as a child process.
type proc struct {
	name   string
	cmd    *exec.Cmd
	stderr bytes.Buffer
	done   chan error
}

func startTrailkit(t *testing.T, name string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, cmd: exec.Command(os.Args[0], args...), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), asMainEnv+"=1")
	p.cmd.Stderr = &p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	return p
}

// readAcks returns the eventIDs in the ack files.
func readAcks(t *testing.T, files ...string) []string {
	t.Helper()
	var ids []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				ids = append(ids, l)
			}
		}
	}
	return ids
}

// TestFleetDirStore runs the fleet through the CLI over one shared
// directory: 4 'trailkit emit' writers and 2 'trailkit digester' processes
// with 10 s windows; after about 12 s one writer and one digester are
// killed with SIGKILL and restarted 2 s later. Afterwards every
// acknowledged record is stored exactly once, every log file is listed by
// exactly one digest, every window has its digest, and both
// 'trailkit validate --strict' and aws-cli's validate-logs accept the chain.
func TestFleetDirStore(t *testing.T) {
	if testing.Short() {
		t.Skip("runs for about 50 s")
	}
	dir := t.TempDir()
	root := filepath.Join(dir, "bucket-root")
	const (
		bucket  = "fleet-bucket"
		account = "111122223333"
		region  = "eu-west-1"
		trail   = "fleet.audit_trail"
		home    = "us-east-1"
	)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "key.pem")
	if err := writeSigningKey(keyFile, key); err != nil {
		t.Fatal(err)
	}
	pubFile := filepath.Join(dir, "public-keys.json")
	start := time.Now().UTC()

	const writers, writeFor, digestFor = 4, 36 * time.Second, 44 * time.Second
	emitArgs := func(i int, d time.Duration) []string {
		return []string{"emit", "--dir", root, "--bucket", bucket, "--prefix", "fleet", "--account", account, "--region", region,
			"--rate", "25", "--duration", d.String(), "--max-age", "2s", "--seed", fmt.Sprint(i),
			"--spool", filepath.Join(dir, fmt.Sprintf("spool-%d", i)), "--acks", filepath.Join(dir, fmt.Sprintf("acks-%d", i))}
	}
	digestArgs := func(d time.Duration) []string {
		return []string{"digester", "--dir", root, "--bucket", bucket, "--prefix", "fleet", "--account", account, "--region", region,
			"--trail", trail, "--home-region", home, "--signing-key", keyFile, "--public-keys", pubFile,
			"--interval", "10s", "--lookback", "2m", "--duration", d.String()}
	}
	var procs []*proc
	for i := range writers {
		procs = append(procs, startTrailkit(t, fmt.Sprintf("emit-%d", i), emitArgs(i, writeFor)...))
	}
	for i := range 2 {
		procs = append(procs, startTrailkit(t, fmt.Sprintf("digester-%d", i), digestArgs(digestFor)...))
	}
	time.Sleep(12 * time.Second)
	for _, victim := range []*proc{procs[0], procs[writers]} {
		victim.cmd.Process.Signal(syscall.SIGKILL)
		if err := <-victim.done; err == nil {
			t.Fatalf("%s exited cleanly before SIGKILL", victim.name)
		}
		victim.done <- nil // waited for; the restart replaces it
		t.Logf("%s killed; its stderr:\n%s", victim.name, victim.stderr.String())
	}
	time.Sleep(2 * time.Second)
	elapsed := time.Since(start)
	procs = append(procs, startTrailkit(t, "emit-0-restarted", emitArgs(0, writeFor-elapsed)...))
	procs = append(procs, startTrailkit(t, "digester-0-restarted", digestArgs(digestFor-elapsed)...))
	procs[0], procs[writers] = nil, nil

	var wg sync.WaitGroup
	for _, p := range procs {
		if p == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case err := <-p.done:
				if err != nil {
					t.Errorf("%s: %v\n%s", p.name, err, p.stderr.String())
				} else {
					t.Logf("%s: %s", p.name, strings.TrimSpace(p.stderr.String()))
				}
			case <-time.After(2 * time.Minute):
				p.cmd.Process.Kill()
				t.Errorf("%s did not stop", p.name)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	var ackFiles []string
	for i := range writers {
		ackFiles = append(ackFiles, filepath.Join(dir, fmt.Sprintf("acks-%d", i)))
	}
	acks := readAcks(t, ackFiles...)
	ctx := context.Background()
	store, err := logfile.NewDirStore(root, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	res, err := fleetcheck.Check(ctx, store, fleetcheck.Chain{DigestChain: logfile.DigestChain{
		Location: logfile.Location{Bucket: bucket, Prefix: "fleet"}, Account: account, Region: region,
		Trail: trail, HomeRegion: home}, Interval: 10 * time.Second}, acks)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range res.Problems {
		t.Error(p)
	}
	t.Logf("%d acknowledged records; stored: %d records in %d log files, %d digests over %d windows (%s to %s)",
		len(acks), res.Records, res.LogFiles, res.Digests, res.Windows, res.First.Format(time.TimeOnly), res.Last.Format(time.TimeOnly))
	if len(acks) < 500 || res.Digests < 4 || res.Digests != res.Windows {
		t.Errorf("%d acks, %d digests for %d windows: want at least 500 acks and 4 windows, one digest each", len(acks), res.Digests, res.Windows)
	}

	arn := "arn:aws:cloudtrail:" + home + ":" + account + ":trail/" + trail
	from, to := start.Add(-time.Minute).Format(time.RFC3339), time.Now().UTC().Add(time.Minute).Format(time.RFC3339)
	var stdout, stderr bytes.Buffer
	code := run([]string{"validate", "--dir", root, "--s3-bucket", bucket, "--s3-prefix", "fleet", "--trail-arn", arn,
		"--region", region, "--start-time", from, "--end-time", to, "--public-keys", pubFile, "--strict"}, nil, &stdout, &stderr)
	want := fmt.Sprintf("%d/%d digest files valid\n%d/%d log files valid\n", res.Digests, res.Digests, res.LogFiles, res.LogFiles)
	if code != 0 || !strings.HasSuffix(stdout.String(), want) {
		t.Errorf("trailkit validate --strict: exit %d, want 0 and a summary ending\n%s\nstdout:\n%s\nstderr:\n%s", code, want, stdout.String(), stderr.String())
	}

	// aws-cli's validate-logs on the same objects.
	py := testenv.Python(t)
	objects := filepath.Join(dir, "export")
	exportStore(t, store, bucket, objects)
	results := testenv.ValidateLogs(t, py, []map[string]string{{"objects": objects, "bucket": bucket, "trail_arn": arn,
		"start": start.Add(-time.Minute).Format(time.RFC3339), "end": time.Now().UTC().Add(time.Minute).Format(time.RFC3339),
		"region": region, "prefix": "fleet", "public_keys": pubFile}})
	if aws := results[0]; aws.RC != 0 || aws.Stderr != "" || !strings.HasSuffix(aws.Stdout, want) {
		t.Errorf("aws-cli validate-logs: exit %d, want 0 and a summary ending\n%s\nstdout:\n%s\nstderr:\n%s", aws.RC, want, aws.Stdout, aws.Stderr)
	}
}

// exportStore writes every object of bucket into dir with the manifest
// the aws-cli driver reads.
func exportStore(t *testing.T, s logfile.Store, bucket, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	type entry struct {
		Key      string            `json:"key"`
		File     string            `json:"file"`
		Metadata map[string]string `json:"metadata"`
	}
	var manifest []entry
	for key, err := range s.List(context.Background(), bucket, "", "") {
		if err != nil {
			t.Fatal(err)
		}
		obj, err := s.Get(context.Background(), bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%06d", len(manifest))
		if err := os.WriteFile(filepath.Join(dir, name), obj.Body, 0o644); err != nil {
			t.Fatal(err)
		}
		manifest = append(manifest, entry{key, name, obj.Metadata})
	}
	b, _ := json.Marshal(manifest)
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
