package trail

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// describe-trails output, completed with get-event-selectors and
// get-insight-selectors output the documented way: Parse, then
// json.Unmarshal the selector documents into the trail.
func TestParseDescribeTrails(t *testing.T) {
	ts, shape, err := parse(readTestdata(t, "describe-trails.json"))
	if err != nil || shape != shapeDescribeTrails {
		t.Fatal(shape, err)
	}
	if len(ts) != 2 {
		t.Fatalf("%d trails", len(ts))
	}
	want := Trail{
		Name: "management-events", S3BucketName: "aws-cloudtrail-logs-111122223333-abcd1234", S3KeyPrefix: "org",
		SnsTopicName: "trail-notify", SnsTopicARN: "arn:aws:sns:us-east-1:111122223333:trail-notify",
		IncludeGlobalServiceEvents: true, IsMultiRegionTrail: true, HomeRegion: "us-east-1",
		TrailARN:                  "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events",
		LogFileValidationEnabled:  true,
		CloudWatchLogsLogGroupArn: "arn:aws:logs:us-east-1:111122223333:log-group:CloudTrail/logs:*",
		CloudWatchLogsRoleArn:     "arn:aws:iam::111122223333:role/CloudTrail_CloudWatchLogs_Role",
		KmsKeyId:                  "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
		HasCustomEventSelectors:   true, HasInsightSelectors: true,
	}
	if !reflect.DeepEqual(ts[0], want) {
		t.Errorf("trail 0 =\n%+v\nwant\n%+v", ts[0], want)
	}
	if ts[1].Name != "eu-data" || ts[1].region() != "eu-west-1" || ts[1].account() != "111122223333" || ts[1].IsMultiRegionTrail {
		t.Errorf("trail 1 = %+v", ts[1])
	}
	for i := range ts {
		if err := Validate(&ts[i], ValidateOptions{}); err != nil {
			t.Errorf("trail %d: %v", i, err)
		}
	}
	// HasCustomEventSelectors without the selectors: Compile refuses.
	if _, err := Compile(&ts[0], CompileOptions{}); !errors.Is(err, ErrSelectorsNotLoaded) {
		t.Errorf("Compile = %v", err)
	}
	before := ts[0]
	if err := json.Unmarshal(readTestdata(t, "get-event-selectors-advanced.json"), &ts[0]); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(readTestdata(t, "get-insight-selectors.json"), &ts[0]); err != nil {
		t.Fatal(err)
	}
	// Only the selectors changed; describe-trails' settings stay.
	merged := ts[0]
	if len(merged.AdvancedEventSelectors) != 2 || len(merged.InsightSelectors) != 2 || merged.EventSelectors != nil {
		t.Fatalf("selectors not merged: %+v", merged)
	}
	merged.AdvancedEventSelectors, merged.InsightSelectors = nil, nil
	if !reflect.DeepEqual(merged, before) {
		t.Errorf("merging changed the settings:\n%+v\nwas\n%+v", merged, before)
	}
	if err := Validate(&ts[0], ValidateOptions{}); err != nil {
		t.Fatal(err)
	}
	f, err := Compile(&ts[0], CompileOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !f.Match(rec(s3Object("bkt", "k", acctA))) || f.Match(rec(s3Object("bkt", "k", acctA), readOnly(true))) {
		t.Error("merged selectors do not decide as loaded")
	}
}

func TestParseEventSelectors(t *testing.T) {
	o, err := parseEventSelectors(readTestdata(t, "get-event-selectors-basic.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &eventSelectorsDoc{
		TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events",
		EventSelectors: []EventSelector{{ReadWriteType: All, IncludeManagementEvents: ptr(true),
			DataResources:                 []DataResource{{Type: "AWS::S3::Object", Values: []string{"arn:aws:s3:::bkt/"}}},
			ExcludeManagementEventSources: []string{"kms.amazonaws.com"}}},
	}
	if !reflect.DeepEqual(o, want) {
		t.Errorf("got %+v", o)
	}
	o, err = parseEventSelectors(readTestdata(t, "get-event-selectors-advanced.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(o.AdvancedEventSelectors) != 2 || o.AdvancedEventSelectors[1].FieldSelectors[3].StartsWith[0] != "arn:aws:s3:::bkt/" || o.EventSelectors != nil {
		t.Errorf("got %+v", o)
	}
}

func TestParseInsightSelectors(t *testing.T) {
	o, err := parseInsightSelectors(readTestdata(t, "get-insight-selectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []InsightSelector{{InsightType: "ApiCallRateInsight"}, {InsightType: "ApiErrorRateInsight", EventCategories: []string{"Management", "Data"}}}
	if !reflect.DeepEqual(o.InsightSelectors, want) || !strings.HasSuffix(o.TrailARN, "trail/management-events") {
		t.Errorf("got %+v", o)
	}
}

func TestParseSelectorLists(t *testing.T) {
	a, err := parseAdvancedEventSelectorList(readTestdata(t, "advanced-selectors.json"))
	if err != nil || len(a) != 2 || a[1].Name != "KMS VPCE denials" || a[1].FieldSelectors[2].Equals[0] != "VpceAccessDenied" {
		t.Fatalf("advanced list: %+v, %v", a, err)
	}
	b, err := parseEventSelectorList(readTestdata(t, "event-selectors.json"))
	if err != nil || len(b) != 2 || b[0].ReadWriteType != WriteOnly || b[1].includesManagementEvents() || b[1].DataResources[0].Type != "AWS::Lambda::Function" {
		t.Fatalf("basic list: %+v, %v", b, err)
	}
}

func TestParseSniff(t *testing.T) {
	cases := []struct {
		file  string
		shape shape
		n     int
		check func(*testing.T, []Trail)
	}{
		{"describe-trails.json", shapeDescribeTrails, 2, nil},
		{"get-trail.json", shapeTrail, 1, func(t *testing.T, ts []Trail) {
			if ts[0].Name != "org-trail" || !ts[0].IsOrganizationTrail {
				t.Errorf("%+v", ts[0])
			}
		}},
		{"get-event-selectors-basic.json", shapeEventSelectors, 1, func(t *testing.T, ts []Trail) {
			if ts[0].Name != "management-events" || len(ts[0].EventSelectors) != 1 || !ts[0].HasCustomEventSelectors {
				t.Errorf("%+v", ts[0])
			}
		}},
		{"get-event-selectors-advanced.json", shapeEventSelectors, 1, nil},
		{"get-insight-selectors.json", shapeInsightSelectors, 1, func(t *testing.T, ts []Trail) {
			if len(ts[0].InsightSelectors) != 2 || !ts[0].HasInsightSelectors {
				t.Errorf("%+v", ts[0])
			}
		}},
		{"advanced-selectors.json", shapeAdvancedSelectorList, 1, func(t *testing.T, ts []Trail) {
			if len(ts[0].AdvancedEventSelectors) != 2 {
				t.Errorf("%+v", ts[0])
			}
		}},
		{"event-selectors.json", shapeEventSelectorList, 1, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			data := readTestdata(t, c.file)
			ts, err := ReadAll(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			_, shape, _ := parse(data)
			if shape != c.shape || len(ts) != c.n {
				t.Fatalf("shape %v n %d, want %v %d", shape, len(ts), c.shape, c.n)
			}
			if c.check != nil {
				c.check(t, ts)
			}
			for i := range ts {
				// Parse's documented marker: only trail documents give trails
				// with an S3BucketName.
				if settings := shape == shapeTrail || shape == shapeDescribeTrails; (ts[i].S3BucketName != "") != settings {
					t.Errorf("trail %d: S3BucketName %q from a %v document", i, ts[i].S3BucketName, shape)
				}
				o := ValidateOptions{SelectorsOnly: ts[i].S3BucketName == "", SkipInsightPrerequisites: shape == shapeInsightSelectors}
				if err := Validate(&ts[i], o); err != nil {
					t.Errorf("trail %d: %v", i, err)
				}
			}
		})
	}
	// A single trail object without wrapper.
	ts, shape, err := parse([]byte(`{"Name":"abc","IsMultiRegionTrail":false}`))
	if err != nil || shape != shapeTrail || ts[0].Name != "abc" {
		t.Errorf("bare trail: %v %v %v", ts, shape, err)
	}
	// Empty array: a basic list with no selectors.
	ts, shape, err = parse([]byte(` [] `))
	if err != nil || shape != shapeEventSelectorList || len(ts[0].EventSelectors) != 0 {
		t.Errorf("empty list: %v %v %v", ts, shape, err)
	}
}

func TestParseErrors(t *testing.T) {
	cases := []struct {
		name     string
		input    string
		parse    func([]byte) error
		sentinel error
		offset   int64
		path     string
	}{
		{"truncated", `{"trailList": [`, func(b []byte) error { _, err := parseDescribeTrails(b); return err }, ErrMalformed, 15, ""},
		{"syntax", `{"trailList": [}`, func(b []byte) error { _, err := parseDescribeTrails(b); return err }, ErrMalformed, 16, ""},
		{"wrong type", `{"trailList": [{"IsMultiRegionTrail": "yes"}]}`, func(b []byte) error { _, err := parseDescribeTrails(b); return err }, ErrMalformed, -2, "trailList.IsMultiRegionTrail"},
		{"values not strings", `[{"Name":"x","FieldSelectors":[{"Field":"eventCategory","Equals":[1]}]}]`, func(b []byte) error { _, err := parseAdvancedEventSelectorList(b); return err }, ErrMalformed, -2, "FieldSelectors.Equals"},
		{"trailing data", `{"TrailARN":"x"} {}`, func(b []byte) error { _, err := parseEventSelectors(b); return err }, ErrMalformed, -2, ""},
		{"no trailList", `{"trails": []}`, func(b []byte) error { _, err := parseDescribeTrails(b); return err }, ErrMalformed, -1, ""},
		{"unknown shape", `{"foo": 1}`, func(b []byte) error { _, err := Parse(b); return err }, ErrMalformed, -1, ""},
		{"scalar", `42`, func(b []byte) error { _, err := Parse(b); return err }, ErrMalformed, -1, ""},
		{"empty", ``, func(b []byte) error { _, err := Parse(b); return err }, ErrMalformed, 0, ""},
		{"object where list expected", `{"a":1}`, func(b []byte) error { _, err := parseEventSelectorList(b); return err }, ErrMalformed, -2, ""},
		{"too large", `[` + strings.Repeat(" ", maxDocumentSize) + `]`, func(b []byte) error { _, err := Parse(b); return err }, ErrTooLarge, -1, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.parse([]byte(c.input))
			var le *LoadError
			if !errors.As(err, &le) || !errors.Is(err, c.sentinel) {
				t.Fatalf("err = %v, want *LoadError wrapping %v", err, c.sentinel)
			}
			if c.offset != -2 && le.Offset != c.offset {
				t.Errorf("offset %d, want %d (%v)", le.Offset, c.offset, err)
			}
			if c.path != "" && !strings.Contains(le.Path, c.path) {
				t.Errorf("path %q, want %q", le.Path, c.path)
			}
			if le.Document == "" || !strings.Contains(err.Error(), le.Document) {
				t.Errorf("error lacks context: %v", err)
			}
		})
	}
	var se *json.SyntaxError
	if _, err := parseEventSelectorList([]byte(`[}`)); !errors.As(err, &se) {
		t.Errorf("cause not reachable: %v", err)
	}
}

// JSON round trip: what the loaders read, json.Marshal writes back with
// the API's member names.
func TestTrailJSONRoundTrip(t *testing.T) {
	ts, err := parseDescribeTrails(readTestdata(t, "describe-trails.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"trailList": ts})
	if err != nil {
		t.Fatal(err)
	}
	back, err := parseDescribeTrails(b)
	if err != nil || !reflect.DeepEqual(back, ts) {
		t.Errorf("round trip: %v\n%s", err, b)
	}
	for _, name := range []string{`"S3BucketName"`, `"IsMultiRegionTrail"`, `"TrailARN"`, `"KmsKeyId"`, `"CloudWatchLogsLogGroupArn"`} {
		if !bytes.Contains(b, []byte(name)) {
			t.Errorf("marshalled JSON lacks %s", name)
		}
	}
}

func TestParseTrailARN(t *testing.T) {
	r, a, n, ok := ParseTrailARN("arn:aws-us-gov:cloudtrail:us-gov-west-1:111122223333:trail/my.trail")
	if !ok || r != "us-gov-west-1" || a != "111122223333" || n != "my.trail" {
		t.Errorf("got %q %q %q %v", r, a, n, ok)
	}
	for _, bad := range []string{"", "arn:aws:s3:::bkt", "arn:aws:cloudtrail:us-east-1:1:channel/x", "arn:aws:cloudtrail:us-east-1:1:trail/"} {
		if _, _, _, ok := ParseTrailARN(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, name := range []string{"describe-trails.json", "get-trail.json", "get-event-selectors-basic.json", "get-event-selectors-advanced.json",
		"get-insight-selectors.json", "advanced-selectors.json", "event-selectors.json"} {
		f.Add(readTestdata(f, name))
	}
	f.Add([]byte(`[{"FieldSelectors":null}]`))
	f.Add([]byte(`{"Trail":null}`))
	f.Add([]byte(`{"trailList":[null]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ts, shape, err := parse(data)
		if err != nil {
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("untyped error %T %v", err, err)
			}
			return
		}
		if shape == 0 || len(ts) == 0 && shape != shapeDescribeTrails {
			t.Fatalf("shape %v with %d trails", shape, len(ts))
		}
		// Whatever loads can be validated, compiled and matched without panic.
		for i := range ts {
			_ = Validate(&ts[i], ValidateOptions{})
			fl, err := Compile(&ts[i], CompileOptions{})
			if err != nil {
				continue
			}
			for _, r := range fuzzRecords {
				if fl.Match(r) != fl.Explain(r).Recorded {
					t.Fatal("Explain disagrees with Match")
				}
			}
		}
	})
}

var fuzzRecords = recordMix(50, 11)

func FuzzParseLists(f *testing.F) {
	f.Add(readTestdata(f, "advanced-selectors.json"))
	f.Add(readTestdata(f, "event-selectors.json"))
	f.Add([]byte(specExample))
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(err error) {
			var le *LoadError
			if err != nil && !errors.As(err, &le) {
				t.Fatalf("untyped error %T %v", err, err)
			}
		}
		a, err := parseAdvancedEventSelectorList(data)
		check(err)
		b, err2 := parseEventSelectorList(data)
		check(err2)
		_, err = parseEventSelectors(data)
		check(err)
		_, err = parseInsightSelectors(data)
		check(err)
		_, err = parseTrail(data)
		check(err)
		_, err = parseDescribeTrails(data)
		check(err)
		tr := baseTrail()
		tr.AdvancedEventSelectors = a
		_ = Validate(tr, ValidateOptions{})
		if fl, err := Compile(tr, CompileOptions{ResourceFieldsIndependent: true}); err == nil {
			for _, r := range fuzzRecords {
				fl.Match(r)
			}
		}
		tr = baseTrail()
		tr.EventSelectors = b
		_ = Validate(tr, ValidateOptions{})
		if fl, err := Compile(tr, CompileOptions{}); err == nil {
			for _, r := range fuzzRecords {
				fl.Match(r)
			}
		}
	})
}
