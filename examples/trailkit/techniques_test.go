package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/trailkit/trailkit/event/eventtest"
	"github.com/trailkit/trailkit/logfile"
)

// TestGenTruth: gen --techniques --truth writes one JSON line per attack
// and anomaly, and the eventIds of an attack are exactly the records the
// bucket holds from the attacker's address.
func TestGenTruth(t *testing.T) {
	dir := t.TempDir()
	truthPath := filepath.Join(dir, "truth.jsonl")
	mustCLI(t, "gen", "--dir", dir, "--hours", "2", "--rate", "30", "--regions", "eu-west-1,us-east-1", "--anomalies", "2",
		"--techniques", "aws.defense-evasion.cloudtrail-event-selectors,aws.credential-access.ec2-get-password-data,aws.persistence.iam-create-admin-user",
		"--truth", truthPath, "--signing-key", testKey, "--quiet")
	f, err := os.Open(truthPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	type line struct {
		Kind, Name, TechniqueID, Account, Region string
		Actor                                    struct{ SourceIPAddress string }
		EventIDs                                 []string `json:"eventIds"`
	}
	var lines []line
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("%v: %s", err, sc.Text())
		}
		lines = append(lines, l)
	}
	if len(lines) != 5 || lines[0].Name != "aws.defense-evasion.cloudtrail-event-selectors" || lines[3].Kind != "anomaly" {
		t.Fatalf("truth: %+v", lines)
	}
	var want []string
	for _, l := range lines[:3] {
		if l.Kind != "attack" || l.Actor.SourceIPAddress != "203.0.113.66" || len(l.EventIDs) == 0 {
			t.Errorf("attack line %+v", l)
		}
		want = append(want, l.EventIDs...)
	}
	store, err := logfile.NewDirStore(dir, logfile.DirStoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, region := range []string{"eu-west-1", "us-east-1"} {
		for r, err := range logfile.Scan(context.Background(), store, logfile.ScanOptions{Location: logfile.Location{Bucket: "trailkit-fixture-bucket"}, Account: "111122223333", Region: region}) {
			if err != nil {
				t.Fatal(err)
			}
			if r.SourceIPAddress == "203.0.113.66" {
				got = append(got, r.EventID)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("bucket holds %d records of the attacker, the truth lists %d", len(got), len(want))
	}
	// 1 PutEventSelectors + 30 GetPasswordData + 3 IAM calls.
	if len(want) != 34 {
		t.Errorf("%d attack records, want 34", len(want))
	}
}

// TestTruthJSON: gen --truth's JSON form of the truth holds every field.
func TestTruthJSON(t *testing.T) {
	g := eventtest.MustNew(eventtest.Config{Seed: 2, Attacks: []eventtest.Attack{{Technique: "aws.defense-evasion.cloudtrail-stop", Region: "us-east-1"}},
		Anomalies: []eventtest.Anomaly{{Kind: eventtest.Drop}}})
	var got []map[string]any
	for _, tr := range g.Truth() {
		b, err := truthJSON(tr)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	a, d := got[0], got[1]
	actor, _ := a["actor"].(map[string]any)
	if a["kind"] != "attack" || a["name"] != "aws.defense-evasion.cloudtrail-stop" || a["tacticId"] != "TA0005" || a["techniqueId"] != "T1562.008" ||
		a["account"] != "111122223333" || a["first"] != "2024-03-05T00:30:00Z" || len(a["eventIds"].([]any)) != 1 ||
		actor["sourceIPAddress"] != "203.0.113.66" || actor["userName"] != "svc-reports" || actor["type"] != "IAMUser" {
		t.Errorf("attack: %v", a)
	}
	if d["kind"] != "anomaly" || d["name"] != "drop" || d["actor"] != nil || len(d["eventIds"].([]any)) != 0 {
		t.Errorf("drop: %v", d)
	}
}
