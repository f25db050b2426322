package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/trailkit/trailkit/logfile"
)

const exportAbout = `Usage: trailkit export --dir DIR --s3-bucket B [flags]

Exports the records of a local bucket as JSON lines, one record a line,
for tools that read that shape (DuckDB's read_json, Athena, jq, CloudWatch
Logs and EventBridge tooling; trailkit selectors and logfile.ReadJSONLines
read it back). Each line is the record exactly as its log file holds it.

By default every account and every Region in the bucket is exported,
found by listing; --account-id and --regions restrict them (comma-separated
lists). --start-time and --end-time bound eventTime (both inclusive). The
accounts and Regions are read in parallel (--parallelism, default the
number of CPUs): the records of one (account, Region) come in delivery
order, file by file, while the streams interleave; with --parallelism 1
the output is in (account, Region, delivery) order. --event-category
insight exports the Insights files instead.

The output goes to stdout or --output FILE. Files that cannot be read are
reported on stderr and the exit status is then 1.`

func runExport(e *env, args []string) int {
	fs := newFlags("export", exportAbout)
	loc := fs.bucketFlags("")
	accounts := fs.accounts("comma-separated 12-digit account `ids` (default: every account in the bucket)")
	regions := fs.regions(nil, "comma-separated `Regions` (default: every Region of each account)")
	start, end := fs.timeRange("earliest eventTime", "latest eventTime")
	format := fs.String("format", "jsonl", "output `format`: jsonl (one record a line)")
	output := fs.String("output", "", "write to `file` instead of stdout")
	category := fs.String("event-category", "", "`category`: insight exports Insights events instead of management and data events")
	par := fs.Int("parallelism", 0, "streams read at once (default the number of CPUs)")
	quiet := fs.quiet()
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "":
		return usageError(e, fs, "--dir and --s3-bucket are required")
	case *format != "jsonl":
		return usageError(e, fs, "--format must be jsonl, not %q", *format)
	case *category != "" && *category != "insight":
		return usageError(e, fs, "--event-category must be insight, not %q", *category)
	case *par < 0:
		return usageError(e, fs, "--parallelism must not be negative")
	case !start.t.IsZero() && !end.t.IsZero() && start.t.After(end.t):
		return usageError(e, fs, "--start-time is after --end-time")
	}
	for _, a := range *accounts {
		if err := checkAccount(a); err != nil {
			return usageError(e, fs, "%v", err)
		}
	}
	if len(*regions) > 0 {
		if err := checkRegions(*regions); err != nil {
			return usageError(e, fs, "%v", err)
		}
	}
	if st, err := os.Stat(loc.dir); err != nil || !st.IsDir() {
		return ioError(e, "export", fmt.Errorf("--dir %s is not a directory", loc.dir))
	}
	store, err := logfile.NewDirStore(loc.dir, logfile.DirStoreOptions{})
	if err != nil {
		return ioError(e, "export", err)
	}
	var out io.Writer = e.stdout
	var file *os.File
	if *output != "" {
		if file, err = os.Create(*output); err != nil {
			return ioError(e, "export", err)
		}
		defer file.Close()
		out = file
	}
	bw := bufio.NewWriterSize(out, 256<<10)
	kind := logfile.KindLog
	if *category == "insight" {
		kind = logfile.KindInsight
	}
	opts := logfile.ScanOptions{
		Location:    loc.Location,
		Kind:        kind,
		Start:       start.t,
		End:         end.t,
		Parallelism: *par,
	}
	if len(*accounts) > 0 {
		opts.Accounts = *accounts
	}
	if len(*regions) > 0 {
		opts.Regions = *regions
	}
	prog := newProgress(e.stderr, *quiet)
	var line []byte
	n, failed := 0, 0
	for r, err := range logfile.ScanAll(context.Background(), store, opts) {
		if err != nil {
			var se *logfile.RecordError
			if !errors.As(err, &se) {
				prog.done()
				return ioError(e, "export", err)
			}
			failed++
			prog.done()
			fmt.Fprintf(e.stderr, "trailkit export: skipped a file: %v\n", err)
			continue
		}
		line = append(r.AppendJSON(line[:0]), '\n')
		if _, err := bw.Write(line); err != nil {
			prog.done()
			return ioError(e, "export", err)
		}
		n++
		prog.update("exported %d records", n)
	}
	prog.done()
	if err := bw.Flush(); err != nil {
		return ioError(e, "export", err)
	}
	if file != nil {
		if err := file.Close(); err != nil {
			return ioError(e, "export", err)
		}
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "trailkit export: %d files could not be read; the export is incomplete\n", failed)
		return exitProblems
	}
	return exitOK
}
