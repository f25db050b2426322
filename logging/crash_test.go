package logging_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/internal/testenv"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logging"
)

const childEnv = "TRAILKIT_LOGGING_CHILD"

func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(child(dir, os.Getenv(childEnv+"_RUN")))
	}
	os.Exit(m.Run())
}

func crashConfig(dir string) (logging.Options, error) {
	store, err := logfile.NewDirStore(filepath.Join(dir, "store"), logfile.DirStoreOptions{})
	if err != nil {
		return logging.Options{}, err
	}
	key, err := os.ReadFile("../digest/testdata/testkey.pem")
	if err != nil {
		return logging.Options{}, err
	}
	return logging.Options{Store: store, DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "audit-bucket"}, Trail: "notes", Account: "111122223333", Region: "eu-west-1"},
		SigningKeyPEM: key, SpoolDir: filepath.Join(dir, "spool"), Sync: logfile.SyncAlways,
		DigestInterval: time.Second, MaxAge: 150 * time.Millisecond}, nil
}

func child(dir, run string) int {
	ctx := context.Background()
	os.MkdirAll(filepath.Join(dir, "store"), 0o700)
	cfg, err := crashConfig(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	tr, err := logging.Start(ctx, cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	if run == "drain" {
		if err := tr.Stop(ctx); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
		return 0
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				r := record(0)
				r.RequestID = fmt.Sprintf("%s-%d-%d", run, g, i)
				if err := tr.Write(ctx, r); err != nil {
					fmt.Fprintln(os.Stderr, err)
					continue
				}
				mu.Lock()
				out.WriteString(r.RequestID + "\n")
				out.Flush()
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return 0
}

// TestSIGKILLTenTimes: a process running a trail (logging.Start with a
// SyncAlways spool, 1-second digests) is SIGKILLed 10 times at random
// moments while 4 goroutines write; each next process recovers. At the end
// every record acknowledged before a kill is stored exactly once, and the
// chain passes validate --strict: no log file outside a digest, none
// listed twice, every link intact.
func TestSIGKILLTenTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("re-executes the test binary 11 times")
	}
	dir := t.TempDir()
	exe, _ := os.Executable()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 16))
	start := time.Now().Add(-time.Minute)
	acked := map[string]bool{}
	for run := 1; run <= 11; run++ {
		name := strconv.Itoa(run)
		if run == 11 {
			name = "drain"
		}
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+dir, childEnv+"_RUN="+name)
		var kill time.Duration // the drain process runs to its end
		if name != "drain" {
			kill = time.Duration(300+rng.IntN(1200)) * time.Millisecond
		}
		lines, _ := testenv.RunChild(t, cmd, kill)
		for _, l := range lines {
			acked[l] = true
		}
	}
	ctx := context.Background()
	cfg, err := crashConfig(dir)
	if err != nil {
		t.Fatal(err)
	}
	pk, err := logging.PublicKey(cfg.SigningKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	var ring digest.KeyRing
	ring.Add(pk)
	rep, err := digest.Validate(ctx, cfg.Store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: cfg.Location, Account: cfg.Account, Trail: cfg.Trail, HomeRegion: cfg.Region},
		Start:       start,
		End:         time.Now().Add(time.Minute),
		Keys:        &ring,
	})
	if err != nil {
		t.Fatal(err)
	}
	var so, se bytes.Buffer
	if code, _ := awscli.WriteText(&so, &se, rep, awscli.Options{Strict: true}); code != 0 {
		t.Errorf("validate --strict: exit %d\n%s%s", code, so.String(), se.String())
	}
	stored := map[string]int{}
	for key, err := range cfg.Store.List(ctx, cfg.Bucket, "AWSLogs/111122223333/CloudTrail/", "") {
		if err != nil {
			t.Fatal(err)
		}
		o, err := cfg.Store.Get(ctx, cfg.Bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		for r, err := range logfile.ReadRecords(bytes.NewReader(o.Body), logfile.ReadOptions{}) {
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			stored[r.RequestID]++
		}
	}
	missing, twice := 0, 0
	for id := range acked {
		if stored[id] == 0 {
			missing++
		}
	}
	for _, c := range stored {
		if c > 1 {
			twice++
		}
	}
	t.Logf("%d records acknowledged over 10 kills, %d stored, %d digests, %d log files validated", len(acked), len(stored), len(rep.Digests), len(rep.LogFiles))
	if missing > 0 || twice > 0 || len(acked) < 50 {
		t.Errorf("%d acknowledged records missing, %d stored twice (%d acknowledged)", missing, twice, len(acked))
	}
}
