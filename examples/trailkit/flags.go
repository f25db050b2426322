package main

import (
	"bytes"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/trailkit/trailkit/internal/termsafe"
	"github.com/trailkit/trailkit/logfile"
)

// Flags shared by the commands. Every command that takes one of these
// concepts registers it with the helper below, so the spelling is the same
// everywhere:
//
//	--dir DIR                 root directory of the local bucket (fs.bucketFlags)
//	--s3-bucket, --bucket     bucket name (fs.bucketFlags)
//	--s3-prefix, --prefix     the trail's S3 key prefix (fs.bucketFlags)
//	--org-id                  organization id (fs.bucketFlags)
//	--trail, --home-region    a trail's digest chain (fs.trailFlags)
//	--signing-key             its RSA key in PEM (fs.trailFlags)
//	--public-keys             list-public-keys JSON to write (fs.trailFlags)
//	--account-id, --account   12-digit account id (fs.account), or a list (fs.accounts)
//	--region                  one Region (fs.region)
//	--regions, --region       several Regions, comma-separated (fs.regions)
//	--start-time, --start     start of a time range (fs.timeRange)
//	--end-time, --end         end of a time range (fs.timeRange)
//	--quiet                   no progress on stderr (fs.quiet)
//
// The first spelling is aws-cli's (validate-logs, lookup-events); the
// second is an alias kept for the short form.

// flagSet is a command's flags: a flag.FlagSet plus aliases (other names
// of the same flag, shown on one line by -h).
type flagSet struct {
	*flag.FlagSet
	about   string
	aliases map[string][]string // canonical name -> its aliases
	isAlias map[string]bool
}

// newFlags returns a flag set for a command. about is the command's help
// text, printed above the flag list by -h.
func newFlags(name, about string) *flagSet {
	fs := &flagSet{
		FlagSet: flag.NewFlagSet("trailkit "+name, flag.ContinueOnError),
		about:   about,
		aliases: map[string][]string{},
		isAlias: map[string]bool{},
	}
	fs.Usage = func() { fs.printUsage(fs.Output()) }
	return fs
}

// alias makes each of names another name for the defined flag canonical.
func (fs *flagSet) alias(canonical string, names ...string) {
	f := fs.Lookup(canonical)
	if f == nil {
		panic("alias of undefined flag " + canonical)
	}
	for _, n := range names {
		fs.Var(f.Value, n, "alias of --"+canonical)
		fs.aliases[canonical] = append(fs.aliases[canonical], n)
		fs.isAlias[n] = true
	}
}

// printUsage writes the about text and the flags, one entry per flag with
// its aliases, in name order.
func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "%s\n\nFlags:\n", strings.TrimSpace(fs.about))
	fs.VisitAll(func(f *flag.Flag) {
		if fs.isAlias[f.Name] {
			return
		}
		placeholder, usage := flag.UnquoteUsage(f)
		names := append([]string{f.Name}, fs.aliases[f.Name]...)
		for i, n := range names {
			names[i] = "--" + n
			if placeholder != "" {
				names[i] += " " + placeholder
			}
		}
		fmt.Fprintf(w, "  %s\n    \t%s", strings.Join(names, ", "), strings.ReplaceAll(usage, "\n", "\n    \t"))
		switch f.DefValue {
		case "", "0", "false", "0s":
		default:
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// bucketFlags locates a trail's objects in a local bucket: the DirStore
// root and the trail's logfile.Location in it.
type bucketFlags struct {
	dir string
	logfile.Location
}

// chain returns the digest chain of account and delivering region in the
// bucket's location (Trail and HomeRegion left for the caller).
func (b *bucketFlags) chain(account, region string) logfile.DigestChain {
	return logfile.DigestChain{Location: b.Location, Account: account, Region: region}
}

// bucketFlags registers --dir, --s3-bucket (--bucket), --s3-prefix
// (--prefix) and --org-id. defBucket is the bucket's default name ("" for
// none).
func (fs *flagSet) bucketFlags(defBucket string) *bucketFlags {
	b := &bucketFlags{}
	dirUsage := "root `directory` holding the bucket (required)"
	fs.StringVar(&b.dir, "dir", "", dirUsage)
	bucketUsage := "bucket `name` (required)"
	if defBucket != "" {
		bucketUsage = "bucket `name`"
	}
	fs.StringVar(&b.Bucket, "s3-bucket", defBucket, bucketUsage)
	fs.alias("s3-bucket", "bucket")
	fs.StringVar(&b.Prefix, "s3-prefix", "", "the trail's S3 key `prefix`")
	fs.alias("s3-prefix", "prefix")
	fs.StringVar(&b.OrgID, "org-id", "", "organization `id` (o-…) of an organization trail")
	return b
}

// trailFlags name a trail's digest chain and the key that signs it.
type trailFlags struct {
	name, home, keyPath, pubPath string
}

// trailFlags registers --trail, --home-region, --signing-key and
// --public-keys. required says whether --trail and --signing-key must be
// given (digester) or turn the digest chain on together (emit).
func (fs *flagSet) trailFlags(required bool) *trailFlags {
	t := &trailFlags{}
	need, with := " (required)", ""
	if !required {
		need, with = " (with --trail)", " (with --trail)"
	}
	trailUsage := "trail `name` (required)"
	if !required {
		trailUsage = "trail `name`: also write the digest chain (with --signing-key)"
	}
	fs.StringVar(&t.name, "trail", "", trailUsage)
	fs.StringVar(&t.home, "home-region", "", "the trail's home `Region`"+with+"; default --region")
	fs.StringVar(&t.keyPath, "signing-key", "", "RSA private key `file` in PEM signing the digests"+need)
	fs.StringVar(&t.pubPath, "public-keys", "", "write the list-public-keys JSON for the key to `file`"+with)
	return t
}

// chain returns the trail's digest chain of account and delivering region
// in the bucket's location; the home Region defaults to region.
func (t *trailFlags) chain(loc *bucketFlags, account, region string) logfile.DigestChain {
	c := loc.chain(account, region)
	c.Trail, c.HomeRegion = t.name, t.home
	if c.HomeRegion == "" {
		c.HomeRegion = region
	}
	return c
}

// signer reads the --signing-key file and, with --public-keys, writes the
// key's list-public-keys JSON.
func (t *trailFlags) signer() (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(t.keyPath)
	if err != nil {
		return nil, err
	}
	s, err := parseSigningKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", t.keyPath, err)
	}
	if t.pubPath != "" {
		if err := writePublicKeys(t.pubPath, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// account registers --account-id (alias --account).
func (fs *flagSet) account(def, usage string) *string {
	p := fs.String("account-id", def, usage)
	fs.alias("account-id", "account")
	return p
}

// accounts registers --account-id (alias --account) as a comma-separated
// list, for commands that take several accounts.
func (fs *flagSet) accounts(usage string) *listFlag {
	var l listFlag
	fs.Var(&l, "account-id", usage)
	fs.alias("account-id", "account")
	return &l
}

// region registers --region, for commands that take one Region.
func (fs *flagSet) region(usage string) *string {
	return fs.String("region", "", usage)
}

// regions registers --regions (alias --region), a comma-separated list,
// for commands that take several Regions.
func (fs *flagSet) regions(def []string, usage string) *listFlag {
	l := listFlag(def)
	fs.Var(&l, "regions", usage)
	fs.alias("regions", "region")
	return &l
}

// timeRange registers --start-time (alias --start) and --end-time (alias
// --end). Either may have a default.
func (fs *flagSet) timeRange(startUsage, endUsage string) (start, end *timeFlag) {
	start, end = &timeFlag{}, &timeFlag{}
	fs.Var(start, "start-time", startUsage+"; a `time`: "+timeFormats)
	fs.alias("start-time", "start")
	if endUsage != "" {
		fs.Var(end, "end-time", endUsage+"; a `time`: "+timeFormats)
		fs.alias("end-time", "end")
	}
	return start, end
}

// quiet registers --quiet.
func (fs *flagSet) quiet() *bool {
	return fs.Bool("quiet", false, "no progress on stderr (it is off anyway when stderr is not a terminal)")
}

// parseFlags parses args. When it returns ok false, the command must return
// code: 0 after -h (the help went to stdout), 2 after a bad flag (one line
// with the error and one with a hint went to stderr).
func parseFlags(e *env, fs *flagSet, args []string) (ok bool, code int) {
	var buf bytes.Buffer
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		e.stdout.Write(buf.Bytes())
		return false, exitOK
	}
	if err != nil {
		fmt.Fprintf(e.stderr, "%s: %v\n", fs.Name(), err)
		fmt.Fprintln(e.stderr, fs.hint(err))
		return false, exitUsage
	}
	fs.SetOutput(e.stderr)
	return true, 0
}

var undefinedFlag = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)

// hint is the line printed after a flag error: the nearest defined flag
// name when the flag is unknown, and where the help is.
func (fs *flagSet) hint(err error) string {
	help := fmt.Sprintf("Run '%s -h' for usage.", fs.Name())
	m := undefinedFlag.FindStringSubmatch(err.Error())
	if m == nil {
		return help
	}
	best, bestD := "", 3
	fs.VisitAll(func(f *flag.Flag) {
		if d := editDistance(m[1], f.Name); d < bestD || (d == bestD && best == "" && strings.HasPrefix(f.Name, m[1])) {
			best, bestD = f.Name, d
		}
	})
	if best == "" {
		return help
	}
	return fmt.Sprintf("Did you mean --%s? %s", best, help)
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// usageError prints a usage problem found after flag parsing, in one line
// and a hint, and returns exit status 2.
func usageError(e *env, fs *flagSet, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fmt.Fprintf(e.stderr, "Run '%s -h' for usage.\n", fs.Name())
	return exitUsage
}

// ioError prints an I/O or input error and returns exit status 2.
func ioError(e *env, name string, err error) int {
	fmt.Fprintf(e.stderr, "trailkit %s: %v\n", name, err)
	return exitUsage
}

// timeFormats describes what parseTime accepts, for flag usage lines.
const timeFormats = "RFC 3339, 20160129T19:00:00Z, 2016-01-29 or epoch seconds, UTC unless a zone is given"

// timeFlag is a flag holding a UTC time (see parseTime).
type timeFlag struct{ t time.Time }

// timeLayouts are the layouts parseTime tries, in order: RFC 3339 (with
// optional fractional seconds), RFC 3339 without seconds, aws-cli's
// compact forms (20160129T19:00:00Z as validate-logs' documentation
// writes it, and ISO 8601 basic 20160129T190000Z), a space instead of T,
// and times without a zone (UTC) down to a bare date.
var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04Z07:00",
	"20060102T15:04:05Z07:00",
	"20060102T150405Z07:00",
	"20060102T1504Z07:00",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"20060102T15:04:05",
	"20060102T150405",
	"2006-01-02T15:04",
	"2006-01-02 15:04",
	"2006-01-02",
}

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

var epochSeconds = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// parseTime parses a time as aws-cli does for its timestamp parameters: a
// number is epoch seconds (botocore tries that first), except eight digits,
// which are a date (20240305); anything else is one of timeLayouts. The
// result is in UTC.
func parseTime(s string) (time.Time, error) {
	if len(s) == 8 && epochSeconds.MatchString(s) {
		// Eight digits are an ISO 8601 basic-form date (20240305), as
		// dateutil, which validate-logs uses, reads them.
		if t, err := time.Parse("20060102", s); err == nil {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%q is not a date (YYYYMMDD)", s)
	}
	if epochSeconds.MatchString(s) {
		sec, frac, _ := strings.Cut(s, ".")
		n, err := strconv.ParseInt(sec, 10, 64)
		if err == nil && n < 1<<40 {
			var nsec int64
			if frac != "" {
				frac = (frac + "000000000")[:9]
				nsec, _ = strconv.ParseInt(frac, 10, 64)
			}
			return time.Unix(n, nsec).UTC(), nil
		}
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a time (want RFC 3339 such as 2024-03-05T00:00:00Z, 20240305T00:00:00Z, a date such as 2024-03-05, or epoch seconds)", s)
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

// isTerminal reports whether w is a character device, such as a terminal,
// other than the null device (which is one too, but nobody reads it).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
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

// escapeControl makes s safe to print on a terminal: C0 and C1 control
// characters and DEL (which a hostile key or file name can carry, and which
// a terminal would obey) are written as \xNN or \u00NN; invalid UTF-8 bytes
// as \xNN.
func escapeControl(s string) string { return termsafe.Escape(s, false) }
