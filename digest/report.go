package digest

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"time"
)

// TextOptions controls WriteText. The zero value prints exactly what
// `aws cloudtrail validate-logs` prints without --verbose.
type TextOptions struct {
	// Verbose prints a line for every valid digest and log file, like
	// --verbose.
	Verbose bool
	// Strict also prints each strict finding as an error line
	// "<Digest|Log> file\ts3://<b>/<k>\tINVALID: <kind> (<detail>)" after the
	// walk, and makes ExitStatus count them.
	Strict bool
}

// WriteText prints the report in aws-cli validate-logs' exact format: the
// header and summary and the verbose lines to stdout, the error and gap
// lines to stderr (each followed by a blank line, preceded by one when the
// previous output was a verbose line). It returns the exit status
// validate-logs would return (see ExitStatus).
func (r *Report) WriteText(stdout, stderr io.Writer, opts TextOptions) (int, error) {
	tw := &textWriter{out: stdout, errw: stderr, verbose: opts.Verbose, doubled: true}
	tw.printf(stdout, "Validating log files for trail "+r.TrailARN+" between "+disp(r.Start)+" and "+disp(r.End)+"\n\n")
	var validD, invalidD, validB, invalidB, validL, invalidL int
	for _, ev := range r.events {
		switch ev.kind {
		case 'd':
			d := &r.Digests[ev.i]
			pfx := ""
			if d.Backfill {
				pfx = "(backfill) "
			}
			if d.Status == StatusValid {
				if d.Backfill {
					validB++
				} else {
					validD++
				}
				tw.status(pfx+d.Message, false)
			} else {
				if d.Backfill {
					invalidB++
				} else {
					invalidD++
				}
				tw.status(pfx+d.Message, true)
			}
		case 'l':
			l := &r.LogFiles[ev.i]
			line := "Log file\ts3://" + l.Bucket + "/" + l.Key + "\t"
			if l.Status == StatusValid {
				validL++
				tw.status(line+"valid", false)
			} else {
				invalidL++
				tw.status(line+"INVALID: "+string(l.Status), true)
			}
		case 'g':
			g := &r.Gaps[ev.i]
			pfx := ""
			if g.Backfill {
				pfx = "(backfill) "
			}
			tw.status(pfx+"No log files were delivered by CloudTrail between "+disp(g.From)+" and "+disp(g.To), true)
		}
	}
	if opts.Strict {
		for _, f := range r.Findings {
			what := "Digest file"
			if !strings.Contains(f.Key, "CloudTrail-Digest") {
				what = "Log file"
			}
			tw.status(what+"\ts3://"+f.Bucket+"/"+f.Key+"\tINVALID: "+string(f.Kind)+" ("+f.Detail+")", true)
		}
	}
	if !tw.doubled {
		tw.printf(stdout, "\n")
	}
	tw.printf(stdout, "Results requested for "+disp(r.Start)+" to "+disp(r.End)+"\n")
	if validD+validB+invalidD+invalidB == 0 {
		tw.printf(stdout, "No digests found\n")
		return r.ExitStatus(opts.Strict), tw.err
	}
	if r.FoundStart.IsZero() || r.FoundEnd.IsZero() {
		tw.printf(stdout, "No valid digests found in range\n")
	} else {
		tw.printf(stdout, "Results found for "+disp(r.FoundStart)+" to "+disp(r.FoundEnd)+":\n")
	}
	ratio := func(valid, invalid int, name string) {
		total := valid + invalid
		if total > 0 {
			tw.printf(stdout, "\n"+strconv.Itoa(valid)+"/"+strconv.Itoa(total)+" "+name+" files valid")
			if invalid > 0 {
				tw.printf(stdout, ", "+strconv.Itoa(invalid)+"/"+strconv.Itoa(total)+" "+name+" files INVALID")
			}
		}
	}
	ratio(validD, invalidD, "digest")
	ratio(validB, invalidB, "backfill digest")
	ratio(validL, invalidL, "log")
	tw.printf(stdout, "\n")
	return r.ExitStatus(opts.Strict), tw.err
}

// ExitStatus is validate-logs' exit status: 1 when any digest or log file
// is invalid or missing, else 0. With strict, findings count too.
func (r *Report) ExitStatus(strict bool) int {
	if !r.OK() || (strict && len(r.Findings) > 0) {
		return 1
	}
	return 0
}

func disp(t time.Time) string { return t.UTC().Format(TimeFormat) }

type textWriter struct {
	out, errw io.Writer
	verbose   bool
	doubled   bool // the last output ended with a blank line
	err       error
}

func (t *textWriter) printf(w io.Writer, s string) {
	if t.err == nil {
		_, t.err = io.WriteString(w, s)
	}
}

func (t *textWriter) status(msg string, isErr bool) {
	if isErr {
		if t.doubled {
			t.printf(t.errw, msg+"\n\n")
		} else {
			t.printf(t.errw, "\n"+msg+"\n\n")
		}
		t.doubled = true
	} else if t.verbose {
		t.doubled = false
		t.printf(t.out, msg+"\n")
	}
}

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
