package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

// copyTree copies the files under src into dst, keeping relative paths.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// logFileRecords reads every log file under root with logfile.ReadRecords,
// walking the directory itself (no Scan, no listing), and returns each
// record's JSON.
func logFileRecords(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json.gz") || !strings.Contains(p, string(filepath.Separator)+"CloudTrail"+string(filepath.Separator)) {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		for r, err := range logfile.ReadRecords(f, logfile.ReadOptions{}) {
			if err != nil {
				return err
			}
			out = append(out, string(r.AppendJSON(nil)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// export over a bucket with two accounts and three Regions writes every
// record of every log file exactly once, as its file holds it, and
// ReadJSONLines reads the output back.
func TestExportAllAccounts(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	common := []string{"--hours", "1", "--rate", "40", "--s3-prefix", "audit", "--signing-key", testKey, "--quiet"}
	mustCLI(t, append([]string{"gen", "--dir", dir, "--regions", "eu-west-1,ap-south-1", "--account-id", "111122223333"}, common...)...)
	mustCLI(t, append([]string{"gen", "--dir", other, "--regions", "us-west-2", "--account-id", "444455556666", "--seed", "2"}, common...)...)
	copyTree(t, filepath.Join(other, "trailkit-fixture-bucket", "audit", "AWSLogs", "444455556666"),
		filepath.Join(dir, "trailkit-fixture-bucket", "audit", "AWSLogs", "444455556666"))
	want := logFileRecords(t, filepath.Join(dir, "trailkit-fixture-bucket"))
	slices.Sort(want)
	if len(want) < 100 {
		t.Fatalf("only %d records generated", len(want))
	}
	accounts := map[string]bool{}
	for _, par := range []string{"1", "0", "5"} {
		out := mustCLI(t, "export", "--dir", dir, "--s3-bucket", "trailkit-fixture-bucket", "--s3-prefix", "audit", "--parallelism", par)
		var got []string
		for r, err := range logfile.ReadJSONLines(strings.NewReader(out), logfile.ReadOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, string(r.AppendJSON(nil)))
			accounts[r.RecipientAccountID+"/"+r.AWSRegion] = true
		}
		if lines := strings.Count(out, "\n"); lines != len(got) {
			t.Fatalf("%d lines, %d records", lines, len(got))
		}
		// Each line is the record's JSON, nothing else.
		if !slices.Equal(strings.Split(strings.TrimSuffix(out, "\n"), "\n"), got) {
			t.Fatal("a line is not exactly its record's JSON")
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Fatalf("parallelism %s: exported %d records, the log files hold %d", par, len(got), len(want))
		}
	}
	for _, s := range []string{"111122223333/eu-west-1", "111122223333/ap-south-1", "444455556666/us-west-2"} {
		if !accounts[s] {
			t.Errorf("no records of %s (have %v)", s, accounts)
		}
	}
	// Restricting accounts, Regions and time; writing to a file.
	path := filepath.Join(t.TempDir(), "out.jsonl")
	mustCLI(t, "export", "--dir", dir, "--bucket", "trailkit-fixture-bucket", "--prefix", "audit", "--account", "444455556666",
		"--region", "us-west-2", "--start-time", "2024-03-05T00:10:00Z", "--end-time", "20240305T00:20:00Z", "--output", path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for r, err := range logfile.ReadJSONLines(bytes.NewReader(b), logfile.ReadOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if r.RecipientAccountID != "444455556666" || r.AWSRegion != "us-west-2" || r.EventTime.Before(parseT(t, "2024-03-05T00:10:00Z")) || r.EventTime.After(parseT(t, "2024-03-05T00:20:00Z")) {
			t.Fatalf("record outside the selection: %s %s %s", r.RecipientAccountID, r.AWSRegion, r.EventTime)
		}
	}
	if n == 0 {
		t.Fatal("nothing exported for the restricted selection")
	}
}

func parseT(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := parseTime(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
