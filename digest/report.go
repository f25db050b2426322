package digest

import (
	"encoding/json"
	"time"
)

func disp(t time.Time) string { return t.UTC().Format(timeFormat) }

type jsonResult struct {
	Bucket   string `json:"bucket"`
	Key      string `json:"key"`
	Digest   string `json:"digest,omitempty"`
	Backfill bool   `json:"backfill,omitempty"`
	Status   Status `json:"status"`
	Valid    bool   `json:"valid"`
	Error    string `json:"error,omitempty"`
}

// MarshalJSON writes the report as one JSON object: trailArn, start, end,
// foundStart, foundEnd (null when nothing valid), digests and logFiles (each
// {bucket, key, digest?, backfill?, status, valid, error?} in report order),
// gaps ({backfill, from, to}), findings ({kind, bucket, key, detail}), ok
// and strictOK.
func (r *Report) MarshalJSON() ([]byte, error) {
	type gap struct {
		Backfill bool   `json:"backfill"`
		From     string `json:"from"`
		To       string `json:"to"`
	}
	type finding struct {
		Kind   FindingKind `json:"kind"`
		Bucket string      `json:"bucket"`
		Key    string      `json:"key"`
		Detail string      `json:"detail"`
	}
	opt := func(t time.Time) *string {
		if t.IsZero() {
			return nil
		}
		s := disp(t)
		return &s
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	out := struct {
		TrailARN   string       `json:"trailArn"`
		Start      string       `json:"start"`
		End        string       `json:"end"`
		FoundStart *string      `json:"foundStart"`
		FoundEnd   *string      `json:"foundEnd"`
		Digests    []jsonResult `json:"digests"`
		LogFiles   []jsonResult `json:"logFiles"`
		Gaps       []gap        `json:"gaps"`
		Findings   []finding    `json:"findings"`
		OK         bool         `json:"ok"`
		StrictOK   bool         `json:"strictOK"`
	}{TrailARN: r.TrailARN, Start: disp(r.Start), End: disp(r.End), FoundStart: opt(r.FoundStart), FoundEnd: opt(r.FoundEnd),
		Digests: []jsonResult{}, LogFiles: []jsonResult{}, Gaps: []gap{}, Findings: []finding{}, OK: r.OK(), StrictOK: r.Strict()}
	for _, d := range r.Digests {
		out.Digests = append(out.Digests, jsonResult{Bucket: d.Bucket, Key: d.Key, Backfill: d.Backfill, Status: d.Status, Valid: d.Status == StatusValid, Error: errText(d.Err)})
	}
	for _, l := range r.LogFiles {
		out.LogFiles = append(out.LogFiles, jsonResult{Bucket: l.Bucket, Key: l.Key, Digest: l.Digest, Backfill: l.Backfill, Status: l.Status, Valid: l.Status == StatusValid, Error: errText(l.Err)})
	}
	for _, g := range r.Gaps {
		out.Gaps = append(out.Gaps, gap{g.Backfill, disp(g.From), disp(g.To)})
	}
	for _, f := range r.Findings {
		out.Findings = append(out.Findings, finding{f.Kind, f.Bucket, f.Key, f.Detail})
	}
	return json.Marshal(out)
}
