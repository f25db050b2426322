// Command trailkit generates, validates and searches CloudTrail buckets kept
// in a local directory, using the trailkit packages.
//
// Usage:
//
//	trailkit <command> [flags]
//
// The commands are:
//
//	demo       a day of generated activity through a trail into a local bucket, validated and summarised
//	gen        write a deterministic fixture bucket (log files, signed digests)
//	validate   validate a bucket's digest chain like `aws cloudtrail validate-logs`
//	lookup     event history over a bucket, like `aws cloudtrail lookup-events`
//	insights   run the Insights detector over a bucket's log files
//	export     a bucket's records as JSON lines, one record a line, over many accounts and Regions
//	selectors  check a trail's selectors and explain which records it would record
//	metric-filter  which records a CloudWatch Logs metric filter pattern matches
//	alarms     replay a bucket through CloudWatch metric filters and alarms
//	event-pattern  which records an EventBridge event pattern matches, and why
//	emit       write generated records at a steady rate (one of a fleet, or a whole trail with --trail)
//	digester   keep a trail's digest chain from the bucket's listing (one or more per chain)
//	version    print trailkit's version (module version, VCS revision, Go version)
//
// Every command takes -h. The exit status is 0 when all is well, 1 when the
// command found problems (an invalid digest or log file, an invalid trail)
// and 2 for usage and I/O errors.
//
// A bucket is a directory tree as logfile.NewDirStore lays it out: the object
// with key K in bucket B is the file DIR/B/K, and a digest's user metadata
// (its signature) is the sidecar file DIR/B/K.metadata.json.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK       = 0 // all is well
	exitProblems = 1 // the command found problems (invalid files, invalid trail)
	exitUsage    = 2 // bad flags, unreadable input, I/O errors
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(env *env, args []string) int
}

var commands = []command{
	{"demo", "a day of generated activity through a trail into a local bucket, validated and summarised", runDemo},
	{"gen", "write a deterministic fixture bucket (log files, signed hourly digests)", runGen},
	{"validate", "validate a bucket's digest chain like `aws cloudtrail validate-logs`", runValidate},
	{"lookup", "event history over a bucket, like `aws cloudtrail lookup-events`", runLookup},
	{"insights", "run the Insights detector over a bucket's log files", runInsights},
	{"export", "a bucket's records as JSON lines, one record a line, over many accounts and Regions", runExport},
	{"selectors", "check a trail's selectors and explain which records it would record", runSelectors},
	{"metric-filter", "which records a CloudWatch Logs metric filter pattern matches", runMetricFilter},
	{"alarms", "replay a bucket through CloudWatch metric filters and alarms (the CIS set or yours)", runAlarms},
	{"event-pattern", "which records an EventBridge event pattern matches, and why", runEventPattern},
	{"emit", "write generated records at a steady rate (one of a fleet, or a whole trail with --trail)", runEmit},
	{"digester", "keep a trail's digest chain from the bucket's listing (one or more per chain)", runDigester},
	{"version", "print trailkit's version (module version, VCS revision, Go version)", runVersion},
}

// env is what a command may touch: its standard streams. Commands never use
// os.Stdin, os.Stdout or os.Stderr directly, so tests run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// run is the whole program: it dispatches to a command and returns the exit
// status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(e, args[1:])
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "trailkit: unknown command %q\n", args[0])
	fmt.Fprintln(stderr, "Run 'trailkit help' for the list of commands.")
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "trailkit works with CloudTrail buckets kept in a local directory.\n\nUsage:\n\n\ttrailkit <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'trailkit <command> -h' for a command's flags.\n"+
		"Exit status: 0 all well, 1 problems found, 2 usage or I/O error.\n")
}
