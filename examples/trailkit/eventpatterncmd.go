package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/eventpattern"
)

const eventPatternAbout = `Usage: trailkit event-pattern --pattern JSON [--explain] [--json] [RECORDS...]

Tells which records an EventBridge event pattern matches on the default
event bus: each record is put in the envelope EventBridge gives CloudTrail
events (detail-type "AWS API Call via CloudTrail" and the others, source
aws.<service>, account, region, time, the record as detail; package
eventpattern) and the pattern is evaluated as EventBridge does, e.g.
'{"source":["aws.iam"],"detail":{"userIdentity":{"type":["Root"]}}}'.

Records are read from the RECORDS files, or from stdin when none is given:
JSON lines or CloudTrail log files (gzip or plain). By default it prints one
line per matching record, "<eventID>\t<eventTime>\t<eventSource>\t<eventName>";
with --explain one line per record, "<eventID>\tmatch|no match\t<reason>";
with --json one object per record, {"eventID": …, "match": true|false},
with "reason" and each field's verdict under --explain. JSON may be given
as file://PATH, as in aws-cli.

A pattern that is not valid is reported on stderr with the position of the
problem, and the exit status is 2; so is a record that cannot be parsed
(the others are still judged).`

func runEventPattern(e *env, args []string) int {
	fs := newFlags("event-pattern", eventPatternAbout)
	patternArg := fs.String("pattern", "", "event pattern `JSON` (required), or file://PATH")
	explain := fs.Bool("explain", false, "say for each record why it matches or not")
	asJSON := fs.Bool("json", false, "print one JSON object per record")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	if *patternArg == "" {
		return usageError(e, fs, "--pattern is required")
	}
	src, err := patternText(*patternArg)
	if err != nil {
		return ioError(e, "event-pattern", err)
	}
	p, err := eventpattern.Compile(src)
	if err != nil {
		var se *eventpattern.SyntaxError
		if errors.As(err, &se) {
			reportPosition(e.stderr, "event-pattern", err, se.Pattern, se.Offset)
			return exitUsage
		}
		return ioError(e, "event-pattern", err)
	}
	var ev eventpattern.Event
	bad := 0
	judge := func(rec *event.Record) {
		if err := ev.SetRecord(rec); err != nil {
			bad++
			fmt.Fprintf(e.stderr, "trailkit event-pattern: %s: %v\n", rec.EventID, err)
			return
		}
		if !*explain {
			match := p.MatchEvent(&ev)
			switch {
			case *asJSON:
				writeJSONLine(e.stdout, struct {
					EventID string `json:"eventID"`
					Match   bool   `json:"match"`
				}{rec.EventID, match})
			case match:
				fmt.Fprintf(e.stdout, "%s\t%s\t%s\t%s\n", rec.EventID, rec.EventTime.Format(time.RFC3339), rec.EventSource, rec.EventName)
			}
			return
		}
		x := p.Explain(&ev)
		if *asJSON {
			writeJSONLine(e.stdout, struct {
				EventID string                      `json:"eventID"`
				Match   bool                        `json:"match"`
				Reason  string                      `json:"reason"`
				Fields  []eventpattern.FieldVerdict `json:"fields"`
			}{rec.EventID, x.Matched, x.Reason, x.Fields})
			return
		}
		verdict := "no match"
		if x.Matched {
			verdict = "match"
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", rec.EventID, verdict, x.Reason)
	}
	if _, code := eachRecord(e, "event-pattern", fs.Args(), judge); code != exitOK {
		return code
	}
	if bad > 0 {
		return exitUsage
	}
	return exitOK
}
