package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// newFlags returns a flag set for a command. about is the command's help
// text, printed above the flag list by -h.
func newFlags(name, about string) *flag.FlagSet {
	fs := flag.NewFlagSet("trailkit "+name, flag.ContinueOnError)
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "%s\n\nFlags:\n", strings.TrimSpace(about))
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args. When it returns ok false, the command must return
// code: 0 after -h (the help went to stdout), 2 after a bad flag (the error
// and the help went to stderr).
func parseFlags(e *env, fs *flag.FlagSet, args []string) (ok bool, code int) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		e.stdout.Write(buf.Bytes())
		return false, exitOK
	}
	if err != nil {
		e.stderr.Write(buf.Bytes())
		return false, exitUsage
	}
	fs.SetOutput(e.stderr)
	return true, 0
}

// usageError prints a usage problem found after flag parsing and returns
// exit status 2.
func usageError(e *env, fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fmt.Fprintf(e.stderr, "Run '%s -h' for usage.\n", fs.Name())
	return exitUsage
}

// ioError prints an I/O or input error and returns exit status 2.
func ioError(e *env, name string, err error) int {
	fmt.Fprintf(e.stderr, "trailkit %s: %v\n", name, err)
	return exitUsage
}

// timeFlag is a flag holding a UTC time, written in RFC 3339
// (2024-03-05T00:00:00Z), without seconds (2024-03-05T00:00Z) or as a date
// (2024-03-05, midnight UTC).
type timeFlag struct{ t time.Time }

var timeLayouts = []string{time.RFC3339, "2006-01-02T15:04Z07:00", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"}

func (f *timeFlag) String() string {
	if f == nil || f.t.IsZero() {
		return ""
	}
	return f.t.Format(time.RFC3339)
}

func (f *timeFlag) Set(s string) error {
	t, err := parseTime(s)
	if err != nil {
		return err
	}
	f.t = t
	return nil
}

func parseTime(s string) (time.Time, error) {
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339, such as 2024-03-05T00:00:00Z, or a date such as 2024-03-05)", s)
}

// listFlag is a comma-separated list.
type listFlag []string

func (f *listFlag) String() string { return strings.Join(*f, ",") }

func (f *listFlag) Set(s string) error {
	*f = nil
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			*f = append(*f, v)
		}
	}
	if len(*f) == 0 {
		return errors.New("empty list")
	}
	return nil
}

// progress prints a one-line progress report to stderr, rewritten in place,
// for work that takes more than a second. It is off when stderr is not a
// terminal or the user asked for --quiet.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
	shown bool
}

func newProgress(stderr io.Writer, quiet bool) *progress {
	return &progress{w: stderr, on: !quiet && isTerminal(stderr), start: time.Now()}
}

// isTerminal reports whether w is a character device, such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// update shows the message, at most five times a second and only after the
// first second.
func (p *progress) update(format string, args ...any) {
	if p == nil || !p.on {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < time.Second || now.Sub(p.last) < 200*time.Millisecond {
		return
	}
	p.last = now
	p.shown = true
	fmt.Fprintf(p.w, "\r\033[K%s", fmt.Sprintf(format, args...))
}

// done erases the progress line.
func (p *progress) done() {
	if p != nil && p.shown {
		fmt.Fprint(p.w, "\r\033[K")
		p.shown = false
	}
}
