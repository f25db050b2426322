package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/trail"
)

const selectorsAbout = `Usage: trailkit selectors --trail FILE [flags] [RECORDS...]

Checks a trail's event selectors (or advanced event selectors) against
CloudTrail's rules, then tells for each record whether that trail would
record it, and why: which selector matched or which field excluded it.

In detail: it loads a trail or its selectors from FILE, in any shape aws-cli prints:
describe-trails ({"trailList":[…]}), get-trail, a trail object (as demo and
gen --trail-json write it), get-event-selectors, get-insight-selectors, or
the bare selector arrays put-event-selectors takes. Then it validates it
with the service's rules (trail.Validate; for selector-only documents, which
carry no S3BucketName, the selector rules only). An invalid trail prints one line per problem,
"<ExceptionName>: <message> (at <JSON path>)", and exits 1 without reading
records.

Records are read from the RECORDS files, or from stdin when none is given:
JSON lines (one record per line), or CloudTrail log files ({"Records":[…]},
gzip or plain). For each record it prints whether the trail would record it
and why (trail.Filter.Explain): "<eventID>\trecorded|not recorded\t<reason>",
with --verbose the verdict of each selector too, or with --json one object
per line: {"eventID": …, "recorded": true|false, "reason": …}. Records that
cannot be parsed are reported on stderr and make the exit status 2. With no
records (an empty stdin) it prints whether the trail is valid.

A selector document carries no trail settings, so the Region and account
checks use the trail ARN in it, if any; otherwise every Region and account
passes and only the selectors decide.`

func runSelectors(e *env, args []string) int {
	fs := newFlags("selectors", selectorsAbout)
	trailPath := fs.String("trail", "", "trail or selectors JSON `file` (required)")
	name := fs.String("name", "", "trail `name` to use when the file holds several trails")
	asJSON := fs.Bool("json", false, "print one JSON object per record")
	verbose := fs.Bool("verbose", false, "also print each selector's verdict")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	if *trailPath == "" {
		return usageError(e, fs, "--trail is required")
	}
	doc, err := os.ReadFile(*trailPath)
	if err != nil {
		return ioError(e, "selectors", err)
	}
	trails, err := trail.Parse(doc)
	if err != nil {
		return ioError(e, "selectors", fmt.Errorf("%s: %w", *trailPath, err))
	}
	t, err := pickTrail(trails, *name)
	if err != nil {
		return ioError(e, "selectors", fmt.Errorf("%s: %w", *trailPath, err))
	}
	// Selector documents give a trail without the bucket every trail has.
	vopts := trail.ValidateOptions{SelectorsOnly: t.S3BucketName == ""}
	if err := trail.Validate(t, vopts); err != nil {
		var ve *trail.ValidationError
		if !errors.As(err, &ve) {
			return ioError(e, "selectors", err)
		}
		for _, p := range ve.Problems {
			if *asJSON {
				writeJSONLine(e.stdout, map[string]any{"exception": p.Exception, "rule": p.Rule, "path": p.Path, "message": p.Message})
				continue
			}
			at := ""
			if p.Path != "" {
				at = " (at " + p.Path + ")"
			}
			fmt.Fprintf(e.stdout, "%s: %s%s\n", p.Exception, p.Message, at)
		}
		return exitProblems
	}
	filter, err := trail.Compile(t, trail.CompileOptions{})
	if err != nil {
		return ioError(e, "selectors", err)
	}

	sources := fs.Args()
	bad, n := 0, 0
	check := func(src string, r io.Reader) error {
		return readRecords(src, r, func(rec *event.Record) {
			n++
			ex := filter.Explain(rec)
			switch {
			case *asJSON:
				writeJSONLine(e.stdout, struct {
					EventID  string `json:"eventID"`
					Recorded bool   `json:"recorded"`
					Reason   string `json:"reason"`
				}{rec.EventID, ex.Recorded, reason(ex)})
			case *verbose:
				fmt.Fprintf(e.stdout, "%s\t%s\n", rec.EventID, ex.String())
			default:
				verdict := "not recorded"
				if ex.Recorded {
					verdict = "recorded"
				}
				fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", rec.EventID, verdict, reason(ex))
			}
		}, func(err error) {
			bad++
			fmt.Fprintf(e.stderr, "trailkit selectors: %v\n", err)
		})
	}
	if len(sources) == 0 {
		if err := check("stdin", e.stdin); err != nil {
			return ioError(e, "selectors", err)
		}
	}
	for _, path := range sources {
		f, err := os.Open(path)
		if err != nil {
			return ioError(e, "selectors", err)
		}
		err = check(path, f)
		f.Close()
		if err != nil {
			return ioError(e, "selectors", err)
		}
	}
	if n == 0 && bad == 0 {
		what := "the selectors are valid"
		if !vopts.SelectorsOnly {
			what = fmt.Sprintf("trail %s is valid", t.Name)
		}
		fmt.Fprintf(e.stdout, "%s (%s)\n", what, selectorSummary(t))
	}
	if bad > 0 {
		return exitUsage
	}
	return exitOK
}

// pickTrail returns the one trail of a document, or the one named.
func pickTrail(trails []trail.Trail, name string) (*trail.Trail, error) {
	if name != "" {
		for i := range trails {
			if trails[i].Name == name || trails[i].TrailARN == name {
				return &trails[i], nil
			}
		}
		return nil, fmt.Errorf("no trail named %q", name)
	}
	switch len(trails) {
	case 0:
		return nil, errors.New("the document holds no trail")
	case 1:
		return &trails[0], nil
	}
	var names []string
	for _, t := range trails {
		names = append(names, t.Name)
	}
	return nil, fmt.Errorf("the document holds %d trails (%s): choose one with --name", len(trails), strings.Join(names, ", "))
}

func selectorSummary(t *trail.Trail) string {
	switch {
	case len(t.AdvancedEventSelectors) > 0:
		return fmt.Sprintf("%d advanced event selectors", len(t.AdvancedEventSelectors))
	case len(t.EventSelectors) > 0:
		return fmt.Sprintf("%d basic event selectors", len(t.EventSelectors))
	}
	return "no selectors: every management event"
}

// reason is the explanation in one line: the decisive fact and, when no
// selector matched, why each did not.
func reason(ex trail.Explanation) string {
	if ex.Recorded || ex.Stage != trail.StageSelectors || len(ex.Selectors) == 0 {
		return ex.Reason
	}
	var b strings.Builder
	b.WriteString(ex.Reason)
	for i, v := range ex.Selectors {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "selector %d", v.Index)
		if v.Name != "" {
			fmt.Fprintf(&b, " %q", v.Name)
		}
		b.WriteString(": " + v.Reason)
	}
	return b.String()
}

func writeJSONLine(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// maxLine bounds one JSON line: four times CloudTrail's 256 KB record limit.
const maxLine = 4 * event.MaxRecordSize

// readRecords calls fn for each record in r: a CloudTrail log file (gzip,
// or JSON starting with {"Records") or JSON lines. Unparsable records go to
// bad and reading goes on; the error returned is for unreadable input.
func readRecords(src string, r io.Reader, fn func(*event.Record), bad func(error)) error {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	isLog := bytes.HasPrefix(head, []byte{0x1f, 0x8b})
	if !isLog && bytes.HasPrefix(trimmed, []byte("{")) {
		rest := bytes.TrimLeft(trimmed[1:], " \t\r\n")
		// A digest file goes to the log file reader too, which names it.
		isLog = bytes.HasPrefix(rest, []byte(`"Records"`)) || bytes.HasPrefix(rest, []byte(`"awsAccountId"`))
	}
	if isLog {
		for rec, err := range logfile.ReadRecords(br, logfile.ReadOptions{}) {
			if err != nil {
				bad(fmt.Errorf("%s: %w", src, err))
				return nil
			}
			fn(rec)
		}
		return nil
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var rec event.Record
		if err := event.Unmarshal(b, &rec); err != nil {
			bad(fmt.Errorf("%s:%d: %w", src, line, err))
			continue
		}
		fn(&rec)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			bad(fmt.Errorf("%s:%d: line longer than %d bytes", src, line+1, maxLine))
			return nil
		}
		return fmt.Errorf("%s: %w", src, err)
	}
	return nil
}
