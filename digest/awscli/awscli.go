// Package awscli prints a digest.Report the way `aws cloudtrail
// validate-logs` (aws-cli v1 and v2) prints its results, and gives its exit
// status, so that a tool built on digest.Validate can stand in for aws-cli.
//
// Where aws-cli's own checks apply the output is byte-identical to aws-cli's
// (the digest package's interop tests compare it with aws-cli runs). Where
// aws-cli would pass a trail that is not whole, it differs, always in the
// direction of failing:
//   - A log file of the chain's folder that no digest lists
//     (digest.FindingUnlisted) is printed as an error line on stderr (without
//     Strict only when aws-cli's own checks passed, so that a run aws-cli
//     fails prints exactly aws-cli's lines),
//     "Log file\ts3://<bucket>/<key>\tINVALID: log file listed in no digest
//     (<detail>)", and counted in a summary line "<n> log files listed in no
//     digest"; it fails the exit status only with Strict.
//   - When no digest was validated (none found: a wrong bucket, prefix,
//     account or Region; or none valid), the exit status is 1 and stderr
//     says so; aws-cli prints "No digests found" and exits 0.
//   - With Strict, every strict finding is an error line and the summary
//     ends with "<n> strict checks failed", so the summary never reads as a
//     success while the status is 1.
package awscli

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/internal/termsafe"
)

// Options controls WriteText. The zero value prints exactly what
// `aws cloudtrail validate-logs` prints without --verbose.
type Options struct {
	// Verbose prints a line for every valid digest and log file, like
	// --verbose.
	Verbose bool
	// Strict also prints each strict finding as an error line
	// "<Digest|Log> file\ts3://<b>/<k>\tINVALID: <kind> (<detail>)" after the
	// walk, and makes ExitStatus count them.
	Strict bool
}

// WriteText prints the report in aws-cli validate-logs' format: the header
// and summary and the verbose lines to stdout, the error and gap lines to
// stderr (each followed by a blank line, preceded by one when the previous
// output was a verbose line). It returns ExitStatus(r, opts.Strict) and the
// first write error.
func WriteText(stdout, stderr io.Writer, r *digest.Report, opts Options) (int, error) {
	tw := &textWriter{out: stdout, errw: stderr, verbose: opts.Verbose, doubled: true}
	tw.printf(stdout, "Validating log files for trail "+r.TrailARN+" between "+disp(r.Start)+" and "+disp(r.End)+"\n\n")
	var validD, invalidD, validB, invalidB, validL, invalidL int
	li, gi := 0, 0 // the next log file and gap to print (see digest.Report)
	for i := range r.Digests {
		d := &r.Digests[i]
		pfx := ""
		if d.Backfill {
			pfx = "(backfill) "
		}
		if d.Status != digest.StatusValid {
			if d.Backfill {
				invalidB++
			} else {
				invalidD++
			}
			tw.status(pfx+escape(d.Message), true)
			continue
		}
		if d.Backfill {
			validB++
		} else {
			validD++
		}
		tw.status(pfx+escape(d.Message), false)
		if d.Digest == nil { // not from Validate
			continue
		}
		for n := len(d.Digest.LogFiles); n > 0 && li < len(r.LogFiles); n-- {
			l := &r.LogFiles[li]
			li++
			line := "Log file\ts3://" + escape(l.Bucket+"/"+l.Key) + "\t"
			if l.Status == digest.StatusValid {
				validL++
				tw.status(line+"valid", false)
			} else {
				invalidL++
				tw.status(line+"INVALID: "+string(l.Status), true)
			}
		}
		if gi < len(r.Gaps) && d.Digest.IsStarting() {
			if g := r.Gaps[gi]; g.Backfill == d.Backfill && disp(g.To) == d.Digest.DigestStartTime {
				gi++
				tw.status(pfx+"No log files were delivered by CloudTrail between "+disp(g.From)+" and "+disp(g.To), true)
			}
		}
	}
	// Unlisted files are printed without Strict only when aws-cli's own
	// checks passed: where aws-cli fails the run, the output stays its own.
	unlisted := 0
	for _, f := range r.Findings {
		if f.Kind == digest.FindingUnlisted && (opts.Strict || r.OK()) {
			unlisted++
		}
		if opts.Strict || (f.Kind == digest.FindingUnlisted && r.OK()) {
			what := "Digest file"
			if !strings.Contains(f.Key, "CloudTrail-Digest") {
				what = "Log file"
			}
			tw.status(what+"\ts3://"+escape(f.Bucket+"/"+f.Key)+"\tINVALID: "+string(f.Kind)+" ("+escape(f.Detail)+")", true)
		}
	}
	if r.FoundStart.IsZero() { // no digest was valid
		tw.status("No digest was validated: check the bucket, prefix, account, Region and time range", true)
	}
	if !tw.doubled {
		tw.printf(stdout, "\n")
	}
	tw.printf(stdout, "Results requested for "+disp(r.Start)+" to "+disp(r.End)+"\n")
	if validD+validB+invalidD+invalidB == 0 {
		tw.printf(stdout, "No digests found\n")
		return ExitStatus(r, opts.Strict), tw.err
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
	if unlisted > 0 {
		tw.printf(stdout, "\n"+plural(unlisted, "log file")+" listed in no digest")
	}
	if opts.Strict && len(r.Findings) > 0 {
		tw.printf(stdout, "\n"+plural(len(r.Findings), "strict check")+" failed")
	}
	tw.printf(stdout, "\n")
	return ExitStatus(r, opts.Strict), tw.err
}

// escape writes C0 and C1 control characters and DEL as \xNN or \u00NN,
// invalid UTF-8 bytes as \xNN, and keeps tabs: a key or message read from
// a hostile digest cannot drive the terminal. CloudTrail's keys and
// messages have none, so aws-cli's lines are unchanged.
func escape(s string) string { return termsafe.Escape(s, true) }

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return strconv.Itoa(n) + " " + what + "s"
}

// ExitStatus is the exit status WriteText's output stands for: 1 when any
// digest or log file is invalid or missing or when no digest was validated
// at all (see digest.Report.OK; aws-cli exits 0 then), else 0. With strict,
// strict findings (including log files listed in no digest) count too.
func ExitStatus(r *digest.Report, strict bool) int {
	if !r.OK() || (strict && len(r.Findings) > 0) {
		return 1
	}
	return 0
}

func disp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

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
