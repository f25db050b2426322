package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/internal/testenv"
	"github.com/trailkit/trailkit/logfile"
)

// duckEnv names a directory whose node_modules holds @duckdb/node-api
// (npm install --prefix DIR @duckdb/node-api); .ci/run installs it.
const duckEnv = "TRAILKIT_DUCKDB"

// readmeSQL returns the ```sql blocks of the README's DuckDB part: those
// between "## Querying a bucket with SQL" and "**Athena.**".
func readmeSQL(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, "## Querying a bucket with SQL"), strings.Index(s, "**Athena.**")
	if i < 0 || j < i {
		t.Fatal("README has no DuckDB section")
	}
	var out []string
	for _, m := range regexp.MustCompile("(?s)```sql\n(.*?)```").FindAllStringSubmatch(s[i:j], -1) {
		out = append(out, m[1])
	}
	return out
}

// runDuckDB runs each query with DuckDB (through node) in dir and returns
// its rows as JSON objects.
func runDuckDB(t *testing.T, dir string, queries []string) [][]map[string]any {
	t.Helper()
	mods := os.Getenv(duckEnv)
	if mods == "" {
		testenv.Missing(t, duckEnv+" is not set (a directory with node_modules/@duckdb/node-api)")
	}
	node := testenv.Tool(t, "node")
	script := `const { createRequire } = require('module');
const { DuckDBInstance } = createRequire(process.env.DUCKDB_DIR + '/')('@duckdb/node-api');
(async () => {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const out = [];
  for (const q of JSON.parse(process.argv[1])) {
    out.push((await c.runAndReadAll(q)).getRowObjectsJson());
  }
  out.unshift((await c.runAndReadAll('SELECT version() AS v')).getRowObjectsJson()[0].v);
  process.stdout.write(JSON.stringify(out));
})().catch(e => { console.error(e.message); process.exit(1); });`
	qs, _ := json.Marshal(queries)
	cmd := exec.Command(node, "-e", script, string(qs))
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DUCKDB_DIR="+filepath.Join(mods, "node_modules"))
	b, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if ok := errorAs(err, &ee); ok {
			t.Fatalf("duckdb: %v\n%s", err, ee.Stderr)
		}
		t.Fatal(err)
	}
	var res []json.RawMessage
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	var version string
	json.Unmarshal(res[0], &version)
	t.Logf("DuckDB %s", version)
	var rows [][]map[string]any
	for _, r := range res[1:] {
		var v []map[string]any
		if err := json.Unmarshal(r, &v); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, v)
	}
	return rows
}

func errorAs(err error, target **exec.ExitError) bool {
	ee, ok := err.(*exec.ExitError)
	if ok {
		*target = ee
	}
	return ok
}

// duckCount reads a DuckDB count, which the JSON rows carry as a string.
func duckCount(t *testing.T, v any) int {
	t.Helper()
	s := fmt.Sprint(v)
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("count %q: %v", s, err)
	}
	return n
}

// The README's DuckDB queries, run for real on a generated bucket and its
// export, give what the Go reader computes from the same files.
func TestReadmeDuckDB(t *testing.T) {
	if os.Getenv(duckEnv) == "" {
		testenv.Missing(t, duckEnv+" is not set (a directory with node_modules/@duckdb/node-api)")
	}
	queries := readmeSQL(t)
	if len(queries) != 3 {
		t.Fatalf("README has %d DuckDB queries, want 3", len(queries))
	}
	dir := t.TempDir()
	mustCLI(t, "gen", "--dir", dir, "--hours", "2", "--rate", "30", "--regions", "eu-west-1,us-west-2", "--signing-key", testKey, "--quiet")
	bucket := filepath.Join(dir, "trailkit-fixture-bucket")
	mustCLI(t, "export", "--dir", dir, "--s3-bucket", "trailkit-fixture-bucket", "--output", filepath.Join(bucket, "records.jsonl"))

	// What the queries must find, from logfile.ReadRecords over every log file.
	type key struct{ a, b string }
	byCall, byStream, byError := map[key]int{}, map[key]int{}, map[key]int{}
	total := 0
	for _, line := range logFileRecords(t, bucket) {
		var r struct {
			AWSRegion, EventName, RecipientAccountID, ErrorCode string
			UserIdentity                                        struct{ ARN string }
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatal(err)
		}
		total++
		byCall[key{r.AWSRegion, r.EventName}]++
		if r.ErrorCode != "" {
			byError[key{r.UserIdentity.ARN, r.ErrorCode}]++
		}
	}
	// The stream is the key's, not the record's (global events land in us-east-1).
	for _, p := range must(filepath.Glob(filepath.Join(bucket, "AWSLogs", "*", "CloudTrail", "*", "*", "*", "*", "*.json.gz"))) {
		parts := strings.Split(filepath.ToSlash(p), "/")
		acct, region := parts[len(parts)-7], parts[len(parts)-5]
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, err := range logfile.ReadRecords(f, logfile.ReadOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			byStream[key{acct, region}]++
		}
		f.Close()
	}
	if total < 500 || len(byStream) < 3 || len(byError) == 0 {
		t.Fatalf("bucket too small to test: %d records, %d streams, %d error groups", total, len(byStream), len(byError))
	}

	rows := runDuckDB(t, bucket, queries)

	// 1: the five busiest (Region, eventName), counts exact and in order.
	if len(rows[0]) != 5 {
		t.Fatalf("query 1: %d rows", len(rows[0]))
	}
	var counts []int
	for _, r := range byCall {
		counts = append(counts, r)
	}
	slices.Sort(counts)
	slices.Reverse(counts)
	for i, row := range rows[0] {
		n := duckCount(t, row["n"])
		if want := byCall[key{fmt.Sprint(row["region"]), fmt.Sprint(row["event_name"])}]; n != want || n != counts[i] {
			t.Errorf("query 1 row %d: %v, want count %d (rank %d count %d)", i, row, want, i, counts[i])
		}
	}
	// 2: every stream, with its exact count.
	if len(rows[1]) != len(byStream) {
		t.Fatalf("query 2: %d streams, want %d", len(rows[1]), len(byStream))
	}
	for _, row := range rows[1] {
		s, _ := row["stream"].(map[string]any)
		k := key{fmt.Sprint(s["account"]), fmt.Sprint(s["region"])}
		if duckCount(t, row["n"]) != byStream[k] {
			t.Errorf("query 2: %v, want %d", row, byStream[k])
		}
	}
	// 3: errors per (caller, code) from the JSON lines export.
	if len(rows[2]) == 0 {
		t.Fatal("query 3: no rows")
	}
	for _, row := range rows[2] {
		who := ""
		if row["who"] != nil {
			who = fmt.Sprint(row["who"])
		}
		if k := (key{who, fmt.Sprint(row["errorCode"])}); duckCount(t, row["n"]) != byError[k] {
			t.Errorf("query 3: %v, want %d", row, byError[k])
		}
	}

	// Without declaring Records, auto-detection fails on this bucket.
	auto := runDuckDBErr(t, bucket, "SELECT count(*) FROM (SELECT unnest(Records) FROM read_json('AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz'))")
	if !strings.Contains(auto, "unknown key") {
		t.Errorf("auto-detection did not fail as the README says: %q", auto)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// runDuckDBErr runs a query expected to fail and returns DuckDB's message.
func runDuckDBErr(t *testing.T, dir, query string) string {
	t.Helper()
	node := testenv.Tool(t, "node")
	script := `const { createRequire } = require('module');
const { DuckDBInstance } = createRequire(process.env.DUCKDB_DIR + '/')('@duckdb/node-api');
(async () => {
  const c = await (await DuckDBInstance.create(':memory:')).connect();
  try { await c.runAndReadAll(process.argv[1]); console.log('no error'); } catch (e) { console.log(e.message); }
})();`
	cmd := exec.Command(node, "-e", script, query)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "DUCKDB_DIR="+filepath.Join(os.Getenv(duckEnv), "node_modules"))
	b, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
