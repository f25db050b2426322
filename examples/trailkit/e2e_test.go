package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/trail"
)

const testKey = "testdata/signing-key.pem"

// cli runs the tool in-process.
func cli(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// mustCLI runs the tool and requires exit status 0.
func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, nil, args...)
	if code != 0 {
		t.Fatalf("trailkit %s: exit %d\n%s\n%s", strings.Join(args, " "), code, out, errs)
	}
	return out
}

// genOutput is what gen prints.
type genOutput struct {
	bucket     string
	trailARN   string
	regions    []string
	start, end time.Time
	generated  int
	recorded   int
	anomalies  []eventtest.Anomaly
}

func parseGen(t *testing.T, out string) genOutput {
	t.Helper()
	var g genOutput
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		f := strings.Fields(line)
		switch f[0] {
		case "bucket":
			g.bucket = filepath.Base(f[1])
		case "trail":
			g.trailARN = f[1]
		case "regions":
			g.regions = strings.Split(f[1], ",")
		case "time":
			g.start, _ = time.Parse(time.RFC3339, f[1])
			g.end, _ = time.Parse(time.RFC3339, f[2])
		case "records":
			g.generated, _ = strconv.Atoi(f[1])
			g.recorded, _ = strconv.Atoi(f[3])
		case "anomaly":
			a := eventtest.Anomaly{Kind: eventtest.AnomalyKind(f[1]), Region: f[2], EventSource: f[3], EventName: f[4]}
			rest := f[5:]
			if len(rest) == 3 {
				a.ErrorCode, rest = rest[0], rest[1:]
			}
			a.Start, _ = time.Parse(time.RFC3339, rest[0])
			a.Duration, _ = time.ParseDuration(rest[1])
			g.anomalies = append(g.anomalies, a)
		}
	}
	if g.bucket == "" || len(g.regions) == 0 || g.start.IsZero() {
		t.Fatalf("cannot parse gen output:\n%s", out)
	}
	return g
}

// tree returns every file under dir, by relative path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		files[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestGenDeterministic: the same flags and key give the same bytes, file
// for file (log files, digests, metadata sidecars, Insights files, public
// keys); another seed gives other log files.
func TestGenDeterministic(t *testing.T) {
	t.Parallel()
	args := []string{"--hours", "2", "--rate", "30", "--regions", "eu-west-1,ap-southeast-2", "--prefix", "audit/logs",
		"--org-id", "o-a1b2c3d4e5", "--anomalies", "2", "--insights", "--warm-up", "1h", "--signing-key", testKey, "--quiet"}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	outA := mustCLI(t, append([]string{"gen", "--dir", a}, args...)...)
	outB := mustCLI(t, append([]string{"gen", "--dir", b}, args...)...)
	mustCLI(t, append([]string{"gen", "--dir", c, "--seed", "2"}, args...)...)
	if strings.ReplaceAll(outA, a, "") != strings.ReplaceAll(outB, b, "") {
		t.Errorf("gen printed different summaries:\n%s\n%s", outA, outB)
	}
	ta, tb, tc := tree(t, a), tree(t, b), tree(t, c)
	var logs, digests, sidecars, insightFiles int
	for name, body := range ta {
		switch {
		case strings.HasSuffix(name, ".metadata.json"):
			sidecars++
		case strings.Contains(name, "/CloudTrail-Digest/"):
			digests++
		case strings.Contains(name, "/CloudTrail-Insight/"):
			insightFiles++
		case strings.Contains(name, "/CloudTrail/"):
			logs++
		}
		if !bytes.Equal(body, tb[name]) {
			t.Errorf("%s differs between two runs", name)
		}
		if !strings.HasPrefix(name, "trailkit-fixture-bucket/audit/logs/AWSLogs/o-a1b2c3d4e5/111122223333/") && name != "public-keys.json" {
			t.Errorf("unexpected file %s", name)
		}
	}
	if len(ta) != len(tb) {
		t.Errorf("%d files, then %d", len(ta), len(tb))
	}
	// 3 Regions (us-east-1 for global events) × (2 hourly + 1 final) digests.
	if digests != 9 || sidecars != 9 || logs < 2*2*12 || insightFiles == 0 {
		t.Errorf("%d log files, %d digests, %d sidecars, %d Insights files", logs, digests, sidecars, insightFiles)
	}
	same := 0
	for name, body := range tc {
		if strings.Contains(name, "/CloudTrail/") && bytes.Equal(body, ta[name]) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d log files identical under another seed", same)
	}
}

// validateJSON runs validate --json --strict for one delivering Region.
func validateJSON(t *testing.T, dir string, g genOutput, region string, extra ...string) (code int, rep struct {
	OK       bool `json:"ok"`
	StrictOK bool `json:"strictOK"`
	Digests  []struct {
		Key    string `json:"key"`
		Status string `json:"status"`
	} `json:"digests"`
	LogFiles []struct {
		Key    string `json:"key"`
		Status string `json:"status"`
	} `json:"logFiles"`
}) {
	t.Helper()
	args := append([]string{"validate", "--dir", dir, "--bucket", g.bucket, "--trail-arn", g.trailARN,
		"--start", g.start.Format(time.RFC3339), "--end", g.end.Add(time.Hour).Format(time.RFC3339),
		"--public-keys", filepath.Join(dir, "public-keys.json"), "--region", region, "--json", "--strict"}, extra...)
	code, out, errs := cli(t, nil, args...)
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("validate --json: %v\n%s\n%s", err, out, errs)
	}
	return code, rep
}

// TestGenValidate: gen, then validate over the result: every digest and
// log file in the tree is validated and valid, for plain, prefixed and
// organization layouts.
func TestGenValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		args []string
		val  []string
	}{
		{"plain", []string{"--regions", "us-east-1"}, nil},
		{"prefix-two-regions", []string{"--regions", "eu-central-1,us-west-2", "--prefix", "team_a/trails"}, []string{"--prefix", "team_a/trails"}},
		{"organization", []string{"--regions", "us-east-1,eu-west-1", "--org-id", "o-zz9988776655", "--account", "444455556666", "--trail", "org_trail.v2"},
			[]string{"--org-id", "o-zz9988776655"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			g := parseGen(t, mustCLI(t, append([]string{"gen", "--dir", dir, "--hours", "2", "--rate", "30", "--signing-key", testKey, "--quiet"}, tc.args...)...))
			files := tree(t, filepath.Join(dir, g.bucket))
			for _, region := range g.regions {
				code, rep := validateJSON(t, dir, g, region, tc.val...)
				if code != 0 || !rep.OK || !rep.StrictOK {
					t.Fatalf("%s: exit %d, %+v", region, code, rep)
				}
				var wantLogs, wantDigests []string
				for name := range files {
					switch {
					case strings.HasSuffix(name, ".metadata.json"):
					case strings.Contains(name, "/CloudTrail/"+region+"/"):
						wantLogs = append(wantLogs, name)
					case strings.Contains(name, "/CloudTrail-Digest/"+region+"/"):
						wantDigests = append(wantDigests, name)
					}
				}
				var gotLogs, gotDigests []string
				for _, l := range rep.LogFiles {
					if l.Status != "valid" {
						t.Errorf("%s: %s", l.Key, l.Status)
					}
					gotLogs = append(gotLogs, l.Key)
				}
				for _, d := range rep.Digests {
					if d.Status != "valid" {
						t.Errorf("%s: %s", d.Key, d.Status)
					}
					gotDigests = append(gotDigests, d.Key)
				}
				slices.Sort(wantLogs)
				slices.Sort(gotLogs)
				slices.Sort(wantDigests)
				slices.Sort(gotDigests)
				if !slices.Equal(wantLogs, gotLogs) || !slices.Equal(wantDigests, gotDigests) || len(wantLogs) < 10 || len(wantDigests) != 3 {
					t.Errorf("%s: validated %d logs and %d digests; the bucket has %d and %d", region, len(gotLogs), len(gotDigests), len(wantLogs), len(wantDigests))
				}
			}
		})
	}
}

// repoRoot returns the repository's root directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := testenv.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// needAWSCLI returns python3 able to import awscli, moto and boto3, or
// skips (fails when TRAILKIT_REQUIRE_INTEROP=1).
func needAWSCLI(t *testing.T) string { return testenv.Python(t) }

// TestAWSCLIValidateLogs runs aws-cli's own validate-logs (the digest
// package's driver, in moto's in-process S3, only the public-key lookup
// replaced) over a bucket gen wrote, untouched and with one log file
// modified, and requires the same exit status and byte-identical output
// from trailkit validate.
func TestAWSCLIValidateLogs(t *testing.T) {
	t.Parallel()
	py := needAWSCLI(t)
	dir := t.TempDir()
	g := parseGen(t, mustCLI(t, "gen", "--dir", dir, "--hours", "2", "--rate", "20", "--regions", "eu-west-1",
		"--prefix", "audit", "--trail", "interop_trail.x", "--signing-key", testKey, "--quiet"))
	// A second copy of the bucket with one log file modified.
	tampered := t.TempDir()
	var modified string
	for name, body := range tree(t, filepath.Join(dir, g.bucket)) {
		p := filepath.Join(tampered, g.bucket, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if modified == "" && strings.Contains(name, "/CloudTrail/eu-west-1/") && !strings.HasSuffix(name, ".metadata.json") {
			modified = name
			body = bytes.Clone(body)
			body[len(body)-5] ^= 0xff // the gzip trailer: the body no longer inflates cleanly
		}
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cp := func(src, dst string) {
		b, _ := os.ReadFile(src)
		os.WriteFile(dst, b, 0o644)
	}
	cp(filepath.Join(dir, "public-keys.json"), filepath.Join(tampered, "public-keys.json"))

	type entry struct {
		Key      string            `json:"key"`
		File     string            `json:"file"`
		Metadata map[string]string `json:"metadata"`
	}
	start, end := g.start.Format(time.RFC3339), g.end.Add(30*time.Minute).Format(time.RFC3339)
	var specs []map[string]string
	type want struct {
		code      int
		out, errs string
	}
	var wants []want
	for _, root := range []string{dir, tampered} {
		store, err := logfile.NewDirStore(root, logfile.DirStoreOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var man []entry
		for key, err := range store.List(context.Background(), g.bucket, "", "") {
			if err != nil {
				t.Fatal(err)
			}
			o, err := store.Get(context.Background(), g.bucket, key)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(root, g.bucket, filepath.FromSlash(key)) // DirStore's layout
			man = append(man, entry{key, path, o.Metadata})
		}
		objects := filepath.Join(t.TempDir(), "objects")
		os.Mkdir(objects, 0o755)
		b, _ := json.Marshal(man)
		os.WriteFile(filepath.Join(objects, "manifest.json"), b, 0o644)
		for _, region := range g.regions {
			specs = append(specs, map[string]string{"objects": objects, "bucket": g.bucket, "trail_arn": g.trailARN,
				"start": start, "end": end, "region": region, "prefix": "audit", "public_keys": filepath.Join(root, "public-keys.json")})
			code, out, errs := cli(t, nil, "validate", "--dir", root, "--bucket", g.bucket, "--trail-arn", g.trailARN,
				"--start", start, "--end", end, "--public-keys", filepath.Join(root, "public-keys.json"), "--prefix", "audit",
				"--region", region, "--verbose")
			wants = append(wants, want{code, out, errs})
		}
	}
	results := testenv.ValidateLogs(t, py, specs)
	sawInvalid := false
	for i, r := range results {
		w := wants[i]
		if r.RC != w.code || r.Stdout != w.out || r.Stderr != w.errs {
			t.Errorf("run %d (%s): aws-cli exit %d, trailkit %d\n--- aws-cli stdout:\n%s--- trailkit stdout:\n%s--- aws-cli stderr:\n%s--- trailkit stderr:\n%s",
				i, specs[i]["region"], r.RC, w.code, r.Stdout, w.out, r.Stderr, w.errs)
		}
		if i < len(g.regions) && (r.RC != 0 || !strings.Contains(r.Stdout, "digest files valid\n")) {
			t.Errorf("aws-cli does not accept the untouched bucket (%s): exit %d\n%s%s", specs[i]["region"], r.RC, r.Stdout, r.Stderr)
		}
		if r.RC == 1 && strings.Contains(r.Stderr, modified) {
			sawInvalid = true
		}
	}
	if !sawInvalid {
		t.Errorf("aws-cli did not flag the modified log file %s", modified)
	}
}

// readBucket returns the records of one account and Region, read directly
// with logfile.Scan.
func readBucket(t *testing.T, dir, bucket, account, region string) []*event.Record {
	t.Helper()
	store, err := logfile.NewDirStore(dir, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var recs []*event.Record
	for r, err := range logfile.Scan(context.Background(), store, logfile.ScanOptions{Location: logfile.Location{Bucket: bucket}, Account: account, Region: region}) {
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	return recs
}

// TestLookupAttributes: lookup finds generated events by each lookup
// attribute: exactly the management events with that value, newest first,
// and --max-results keeps the newest.
func TestLookupAttributes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := parseGen(t, mustCLI(t, "gen", "--dir", dir, "--hours", "1", "--rate", "40", "--start", "2024-03-05T12:00:00Z", "--signing-key", testKey, "--quiet"))
	const account, region = "111122223333", "us-east-1"
	all := readBucket(t, dir, g.bucket, account, region)
	var mgmt []*event.Record
	data := 0
	for _, r := range all {
		if r.EventCategory == event.CategoryManagement {
			mgmt = append(mgmt, r)
		} else {
			data++
		}
	}
	if len(mgmt) < 1500 || data == 0 {
		t.Fatalf("%d management and %d other records", len(mgmt), data)
	}
	// value returns the attribute's value in a record, computed here from
	// the record's fields.
	value := func(r *event.Record, key string) []string {
		switch key {
		case "EventId":
			return []string{r.EventID}
		case "EventName":
			return []string{r.EventName}
		case "EventSource":
			return []string{r.EventSource}
		case "ReadOnly":
			return []string{strconv.FormatBool(r.IsReadOnly())}
		case "AccessKeyId":
			if r.UserIdentity != nil && r.UserIdentity.AccessKeyID != "" {
				return []string{r.UserIdentity.AccessKeyID}
			}
		case "Username":
			if r.UserIdentity != nil && r.UserIdentity.Type == event.IdentityIAMUser {
				return []string{r.UserIdentity.UserName}
			}
		case "ResourceType", "ResourceName":
			var vs []string
			for _, res := range r.Resources {
				if key == "ResourceType" {
					vs = append(vs, res.Type)
				} else if res.ARN != "" {
					vs = append(vs, res.ARN)
				}
			}
			return vs
		}
		return nil
	}
	for _, key := range lookupKeys {
		t.Run(key, func(t *testing.T) {
			// The value of the 100th record that has one.
			var val string
			seen := 0
			for _, r := range mgmt {
				if vs := value(r, key); len(vs) > 0 {
					if seen++; seen == 100 {
						val = vs[0]
						break
					}
				}
			}
			if val == "" {
				t.Fatalf("no record has %s", key)
			}
			var want []*event.Record
			for _, r := range mgmt {
				if slices.Contains(value(r, key), val) {
					want = append(want, r)
				}
			}
			sort.SliceStable(want, func(i, j int) bool {
				if !want[i].EventTime.Equal(want[j].EventTime) {
					return want[i].EventTime.After(want[j].EventTime)
				}
				return want[i].EventID < want[j].EventID
			})
			check := func(max int) {
				out := mustCLI(t, "lookup", "--dir", dir, "--bucket", g.bucket, "--account", account, "--region", region,
					"--lookup-attribute", key+"="+val, "--max-results", strconv.Itoa(max))
				var resp struct {
					Events []struct {
						EventID         string `json:"EventId"`
						EventTime       float64
						CloudTrailEvent string
					}
				}
				if err := json.Unmarshal([]byte(out), &resp); err != nil {
					t.Fatal(err)
				}
				n := min(max, len(want))
				if len(resp.Events) != n {
					t.Fatalf("%s=%s --max-results %d: %d events, want %d", key, val, max, len(resp.Events), n)
				}
				for i, ev := range resp.Events {
					if ev.EventID != want[i].EventID || int64(ev.EventTime) != want[i].EventTime.Unix() {
						t.Fatalf("%s=%s: event %d is %s at %v, want %s at %s", key, val, i, ev.EventID, ev.EventTime, want[i].EventID, want[i].EventTime)
					}
					var r event.Record
					if err := event.Unmarshal([]byte(ev.CloudTrailEvent), &r); err != nil || r.EventID != ev.EventID {
						t.Fatalf("CloudTrailEvent of %s: %v", ev.EventID, err)
					}
				}
			}
			check(100000)
			check(3)
			if key == "EventId" && len(want) != 1 {
				t.Errorf("EventId matched %d events", len(want))
			}
		})
	}
}

// TestInsightsFindsInjectedAnomalies: the insights command finds every
// anomaly gen injected, at the right time, and nothing else; --write
// stores them where lookup --event-category insight finds them.
func TestInsightsFindsInjectedAnomalies(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	g := parseGen(t, mustCLI(t, "gen", "--dir", dir, "--hours", "6", "--rate", "60", "--anomalies", "4", "--start", "2024-03-05T06:00:00Z",
		"--regions", "us-east-1,eu-west-1", "--signing-key", testKey, "--quiet"))
	if len(g.anomalies) != 4 {
		t.Fatalf("gen injected %d anomalies", len(g.anomalies))
	}
	out := mustCLI(t, "insights", "--dir", dir, "--bucket", g.bucket, "--account", "111122223333", "--warm-up", "2h", "--seed", "7", "--write")
	var recs []*event.Record
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		r := new(event.Record)
		if err := event.Unmarshal(sc.Bytes(), r); err != nil {
			t.Fatal(err)
		}
		if err := event.Validate(r); err != nil {
			t.Errorf("invalid Insights record: %v", err)
		}
		recs = append(recs, r)
	}
	if !slices.IsSortedFunc(recs, func(a, b *event.Record) int { return a.EventTime.Compare(b.EventTime) }) {
		t.Error("records are not oldest first")
	}
	// Every anomaly is found: a Start record on its series during it.
	for _, a := range g.anomalies {
		typ := event.APICallRateInsight
		if a.Kind == eventtest.ErrorBurst {
			typ = event.APIErrorRateInsight
		}
		found := false
		for _, r := range recs {
			d := r.InsightDetails
			if d.State == event.InsightStart && d.InsightType == typ && r.AWSRegion == a.Region && d.EventSource == a.EventSource &&
				d.EventName == a.EventName && d.ErrorCode == a.ErrorCode && !r.EventTime.Before(a.Start) && r.EventTime.Before(a.Start.Add(a.Duration)) {
				found = true
			}
		}
		if !found {
			t.Errorf("anomaly not found: %+v", a)
		}
	}
	// Nothing else: every insight is on an injected API, during its anomaly.
	for _, r := range recs {
		d := r.InsightDetails
		ok := false
		for _, a := range g.anomalies {
			if r.AWSRegion == a.Region && d.EventSource == a.EventSource && d.EventName == a.EventName &&
				!r.EventTime.Before(a.Start) && !r.EventTime.After(a.Start.Add(a.Duration).Add(10*time.Minute)) {
				ok = true
			}
		}
		if !ok {
			t.Errorf("insight on no injected anomaly: %s %s %s %s %s at %s", d.State, d.InsightType, r.AWSRegion, d.EventSource, d.EventName, r.EventTime)
		}
	}
	// --write: the Insights files hold the same records.
	n := 0
	for _, region := range g.regions {
		lo := mustCLI(t, "lookup", "--dir", dir, "--bucket", g.bucket, "--account", "111122223333", "--region", region,
			"--event-category", "insight", "--max-results", "1000")
		var resp struct {
			Events []struct {
				EventID string `json:"EventId"`
			}
		}
		json.Unmarshal([]byte(lo), &resp)
		for _, ev := range resp.Events {
			if !slices.ContainsFunc(recs, func(r *event.Record) bool { return r.EventID == ev.EventID }) {
				t.Errorf("stored Insights record %s was not printed", ev.EventID)
			}
		}
		n += len(resp.Events)
	}
	if n != len(recs) {
		t.Errorf("%d Insights records stored, %d printed", n, len(recs))
	}
}

// TestSelectorsAgreeWithFilter: for a generated mix (management and data
// events, several Regions and an account the trail does not cover), the
// selectors command's verdicts equal trail.Filter.Match on the same trail;
// and every record gen stored is judged recorded, as many as gen counted.
func TestSelectorsAgreeWithFilter(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	trailFile := filepath.Join(dir, "trail.json")
	g := parseGen(t, mustCLI(t, "gen", "--dir", dir, "--hours", "1", "--rate", "30", "--regions", "eu-west-1",
		"--trail-json", trailFile, "--signing-key", testKey, "--quiet"))

	// The stored log files: all recorded.
	var logs []string
	filepath.WalkDir(filepath.Join(dir, g.bucket), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.Contains(p, string(filepath.Separator)+"CloudTrail"+string(filepath.Separator)) && strings.HasSuffix(p, ".json.gz") {
			logs = append(logs, p)
		}
		return err
	})
	out := mustCLI(t, append([]string{"selectors", "--trail", trailFile, "--json"}, logs...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != g.recorded {
		t.Errorf("%d verdicts over the stored files, gen recorded %d", len(lines), g.recorded)
	}
	for _, l := range lines {
		if !strings.Contains(l, `"recorded":true`) {
			t.Errorf("stored record judged not recorded: %s", l)
		}
	}

	// A wider mix: two accounts, three Regions.
	gen := eventtest.MustNew(eventtest.Config{Seed: 5, Duration: 30 * time.Minute, Rate: 120,
		Accounts: []string{"111122223333", "999988887777"}, Regions: []string{"eu-west-1", "us-west-2"}})
	var input bytes.Buffer
	var recs []*event.Record
	for r := range gen.Records() {
		input.Write(r.AppendJSON(nil))
		input.WriteByte('\n')
		recs = append(recs, r)
	}
	doc, _ := os.ReadFile(trailFile)
	var tr trail.Trail
	if err := json.Unmarshal(doc, &tr); err != nil {
		t.Fatal(err)
	}
	filter, err := trail.Compile(&tr, trail.CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := cli(t, input.Bytes(), "selectors", "--trail", trailFile, "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines = strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(recs) {
		t.Fatalf("%d verdicts for %d records", len(lines), len(recs))
	}
	counts := map[bool]int{}
	for i, l := range lines {
		var v struct {
			EventID  string `json:"eventID"`
			Recorded bool   `json:"recorded"`
			Reason   string `json:"reason"`
		}
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatal(err)
		}
		if v.EventID != recs[i].EventID || v.Recorded != filter.Match(recs[i]) || v.Reason == "" {
			t.Fatalf("record %d: %+v, filter says %v", i, v, filter.Match(recs[i]))
		}
		counts[v.Recorded]++
	}
	if counts[true] == 0 || counts[false] == 0 {
		t.Errorf("verdicts %v: want both outcomes", counts)
	}
}

// TestDemo runs a shortened demo and the follow-up commands it suggests.
func TestDemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// The demo reuses DIR/signing-key.pem; a committed key saves the
	// key generation.
	key, _ := os.ReadFile(testKey)
	os.WriteFile(filepath.Join(dir, "signing-key.pem"), key, 0o600)
	out := mustCLI(t, "demo", "--dir", dir, "--hours", "4", "--rate", "50", "--warm-up", "1h", "--quiet")
	for _, want := range []string{
		"Records     ", "Log files   ", "Digests     ", "Insights    ",
		"ApiCallRateInsight ", "ApiErrorRateInsight ", ": baseline ",
		"Validation  us-east-1 ", "Result      every digest and log file is valid",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"signing-key.pem", "public-keys.json", "trail.json", "trailkit-demo-bucket"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	mustCLI(t, "validate", "--dir", dir, "--bucket", "trailkit-demo-bucket", "--trail-arn", "arn:aws:cloudtrail:us-east-1:111122223333:trail/trailkit-demo",
		"--start", "2024-03-05T00:00:00Z", "--end", "2024-03-05T05:00:00Z", "--public-keys", filepath.Join(dir, "public-keys.json"), "--region", "eu-west-1")
	if got := mustCLI(t, "selectors", "--trail", filepath.Join(dir, "trail.json")); !strings.Contains(got, "trail trailkit-demo is valid") {
		t.Errorf("selectors: %s", got)
	}
}
