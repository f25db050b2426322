package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/metricfilter"
)

const metricFilterAbout = `Usage: trailkit metric-filter --pattern PATTERN [--json] [RECORDS...]

Tells which records a CloudWatch Logs metric filter pattern matches, as
CloudWatch Logs evaluates JSON filter patterns on the log events a trail
delivers to a log group (package metricfilter; the pattern syntax is
CloudWatch Logs', e.g. '{ ($.eventName = "ConsoleLogin") &&
($.additionalEventData.MFAUsed != "Yes") }').

Records are read from the RECORDS files, or from stdin when none is given:
JSON lines (one record per line) or CloudTrail log files ({"Records":[…]},
gzip or plain). By default it prints one line per matching record,
"<eventID>\t<eventTime>\t<eventSource>\t<eventName>"; with --json one
object per record, {"eventID": …, "match": true|false}, with "value" (the
metric value, see --metric-value) when it matches. PATTERN may be given as
file://PATH, as in aws-cli.

A pattern that does not parse is reported on stderr with the position of
the problem, and the exit status is 2; so is a record that cannot be
parsed (the others are still judged).`

func runMetricFilter(e *env, args []string) int {
	fs := newFlags("metric-filter", metricFilterAbout)
	patternArg := fs.String("pattern", "", "filter `pattern` (required), or file://PATH")
	asJSON := fs.Bool("json", false, "print one JSON object per record")
	valueArg := fs.String("metric-value", "1", "metric `value` published per match: a number or a selector such as $.latency")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	if *patternArg == "" {
		return usageError(e, fs, "--pattern is required")
	}
	src, err := patternText(*patternArg)
	if err != nil {
		return ioError(e, "metric-filter", err)
	}
	p, err := metricfilter.Compile(src)
	if err != nil {
		var se *metricfilter.SyntaxError
		if errors.As(err, &se) {
			reportPosition(e.stderr, "metric-filter", err, se.Pattern, se.Offset)
			return exitUsage
		}
		return ioError(e, "metric-filter", err)
	}
	value, err := metricfilter.ParseMetricValue(*valueArg)
	if err != nil {
		return usageError(e, fs, "--metric-value: %v", err)
	}
	var (
		ev  metricfilter.LogEvent
		buf []byte
	)
	bad := 0
	judge := func(rec *event.Record) {
		// The record's log event is its JSON, as CloudTrail delivers it
		// to CloudWatch Logs.
		buf = rec.AppendJSON(buf[:0])
		if err := ev.SetMessage(buf); err != nil {
			bad++
			fmt.Fprintf(e.stderr, "trailkit metric-filter: record %s: %v\n", rec.EventID, err)
			return
		}
		match := p.MatchEvent(&ev)
		switch {
		case *asJSON:
			out := struct {
				EventID string   `json:"eventID"`
				Match   bool     `json:"match"`
				Value   *float64 `json:"value,omitempty"`
			}{EventID: rec.EventID, Match: match}
			if v, ok := value.Value(&ev); match && ok {
				out.Value = &v
			}
			writeJSONLine(e.stdout, out)
		case match:
			fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", rec.EventID, rec.EventTime.Format(time.RFC3339), rec.EventSource, rec.EventName)
		}
	}
	if _, code := eachRecord(e, "metric-filter", fs.Args(), judge); code != exitOK {
		return code
	}
	if bad > 0 {
		return exitUsage
	}
	return exitOK
}

// patternText reads a pattern given as file://PATH, as aws-cli does.
func patternText(arg string) (string, error) {
	if path, ok := strings.CutPrefix(arg, "file://"); ok {
		b, err := os.ReadFile(path)
		return string(b), err
	}
	return arg, nil
}

// reportPosition prints a pattern error with the pattern's line and a caret
// under the offending byte.
func reportPosition(w io.Writer, cmd string, err error, pattern string, offset int) {
	fmt.Fprintf(w, "trailkit %s: %v\n", cmd, err)
	start := strings.LastIndexByte(pattern[:min(offset, len(pattern))], '\n') + 1
	end := strings.IndexByte(pattern[start:], '\n')
	if end < 0 {
		end = len(pattern)
	} else {
		end += start
	}
	line := pattern[start:end]
	fmt.Fprintf(w, "  %s\n  %s^\n", line, strings.Repeat(" ", len([]rune(pattern[start:min(offset, len(pattern))]))))
}

// eachRecord runs fn on every record of the files, or of stdin when there
// are none. Unparsable records are reported on stderr; the result is their
// number and exitUsage for them or for unreadable input.
func eachRecord(e *env, cmd string, paths []string, fn func(*event.Record)) (bad int, code int) {
	report := func(err error) {
		bad++
		fmt.Fprintf(e.stderr, "trailkit %s: %v\n", cmd, err)
	}
	if len(paths) == 0 {
		if err := readRecords("stdin", e.stdin, fn, report); err != nil {
			return bad, ioError(e, cmd, err)
		}
	}
	for _, path := range paths {
		f, err := os.Open(path)
		if err != nil {
			return bad, ioError(e, cmd, err)
		}
		err = readRecords(path, f, fn, report)
		f.Close()
		if err != nil {
			return bad, ioError(e, cmd, err)
		}
	}
	if bad > 0 {
		return bad, exitUsage
	}
	return 0, exitOK
}
