package eventpattern

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/testenv"
)

// TestRealCorpus wraps every record of the real-record corpus: the envelope
// is valid JSON whose detail is the record, and a pattern on the record's
// own source, event name and event id matches it (MatchEvent and Explain
// agree) while one on another event id does not.
func TestRealCorpus(t *testing.T) {
	lines := testenv.RecordLines(t)
	var e Event
	for i, line := range lines {
		var r event.Record
		if err := event.Unmarshal(line, &r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		env := Wrap(&r)
		b := env.AppendJSON(nil)
		var m struct {
			Source string          `json:"source"`
			Detail json.RawMessage `json:"detail"`
		}
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("line %d: envelope: %v", i+1, err)
		}
		if err := e.SetRecord(&r); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		id, _ := json.Marshal(r.EventID)
		name, _ := json.Marshal(r.EventName)
		src, _ := json.Marshal(m.Source)
		if r.EventID == "" || r.EventName == "" {
			continue
		}
		p := mustCompile(fmt.Sprintf(`{"source":[%s],"detail":{"eventName":[%s],"eventID":[%s]}}`, src, name, id))
		if !p.MatchEvent(&e) || !p.Explain(&e).Matched {
			t.Errorf("line %d: own pattern does not match: %+v", i+1, p.Explain(&e))
		}
		q := mustCompile(fmt.Sprintf(`{"detail":{"eventName":[%s],"eventID":[{"anything-but":%s}]}}`, name, id))
		if q.MatchEvent(&e) || q.Explain(&e).Matched {
			t.Errorf("line %d: anything-but its own id matches", i+1)
		}
	}
}
