package metricfilter

import (
	"slices"
	"testing"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/testenv"
)

// TestCISRealCorpus runs both CIS versions over the real-record corpus:
// the filters decide the same on each record's line as delivered
// (SetMessage) and on the decoded record (setRecord), and the v1.4.0
// decisions equal the independent classifier's.
func TestCISRealCorpus(t *testing.T) {
	lines := testenv.RecordLines(t)
	var fromLine, fromRec LogEvent
	fired := 0
	for _, v := range []string{"1.2.0", "1.4.0"} {
		filters := filtersOf(map[string][]Alarm{"1.2.0": CIS120(), "1.4.0": CIS140()}[v])
		for i, line := range lines {
			var r event.Record
			if err := event.Unmarshal(line, &r); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			if err := fromLine.SetMessage(line); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			if err := fromRec.setRecord(&r); err != nil {
				t.Fatalf("line %d: %v", i+1, err)
			}
			var a, b []int
			for k, f := range filters {
				if f.Pattern.MatchEvent(&fromLine) {
					a = append(a, k+1)
				}
				if f.Pattern.MatchEvent(&fromRec) {
					b = append(b, k+1)
				}
			}
			if !slices.Equal(a, b) {
				t.Errorf("%s line %d (%s): delivered line fires %v, decoded record %v", v, i+1, r.EventID, a, b)
			}
			if v == "1.4.0" {
				fired += len(a)
				if want := cisClass(&r); !slices.Equal(a, want) {
					t.Errorf("line %d (%s %s %s): controls %v fire, classifier says %v", i+1, r.EventSource, r.EventName, r.ErrorCode, a, want)
				}
			}
		}
	}
	t.Logf("%d records; %d v1.4.0 control matches", len(lines), fired)
}
