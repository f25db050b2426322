package logfile

import (
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/trailkit/trailkit/internal/trailname"
)

// Time layouts of the file-name timestamps: log and Insights files carry the
// delivery minute, digests the digest end time to the second.
const (
	logTimeLayout    = "20060102T1504Z"
	digestTimeLayout = "20060102T150405Z"
)

// uniqueStringLen is the length of the random part of a log file name.
const uniqueStringLen = 16

// maxPrefixLen is the longest S3 key prefix a trail accepts.
const maxPrefixLen = 200

// Key is a parsed CloudTrail object key: a log file, an Insights file or a
// digest file. The zero Key is not valid; build one with its fields and
// check it with Validate, or get one from ParseKey.
//
// The key layouts are (brackets mark optional parts):
//
//	[Prefix/]AWSLogs/[OrgID/]Account/CloudTrail/Region/YYYY/MM/DD/Account_CloudTrail_Region_YYYYMMDDTHHmmZ_Unique.json.gz
//	[Prefix/]AWSLogs/[OrgID/]Account/CloudTrail-Insight/Region/YYYY/MM/DD/Account_CloudTrail-Insight_Region_YYYYMMDDTHHmmZ_Unique.json.gz
//	[Prefix/]AWSLogs/[OrgID/]Account/CloudTrail-Digest/Region/YYYY/MM/DD/Account_CloudTrail-Digest_Region_Trail_HomeRegion_YYYYMMDDTHHMMSSZ[_backfill].json.gz
//
// The date folders are the UTC date of Time.
type Key struct {
	Kind ObjectKind
	// Prefix is the trail's S3 key prefix without a trailing "/", or "".
	Prefix string
	// OrgID is the organization id ("o-" and 10 to 32 lower-case letters or
	// digits) of an organization trail, or "".
	OrgID string
	// Account is the 12-digit account id the events belong to.
	Account string
	// Region is the delivering Region, the Region whose events the file holds.
	Region string
	// Time is the delivery time (log and Insights files: used to the minute)
	// or the digest end time (digests: used to the second), in UTC.
	Time time.Time
	// Unique is the random part of a log or Insights file name.
	Unique string
	// Trail and HomeRegion name the trail of a digest and the Region where
	// the trail was created; Backfill marks a backfill digest.
	Trail      string
	HomeRegion string
	Backfill   bool
}

// String returns the object key. It is meaningful for a Key that passes
// Validate; Time is converted to UTC and truncated to the layout's precision.
func (k Key) String() string {
	return string(k.appendKey(make([]byte, 0, 160)))
}

func (k Key) appendKey(b []byte) []byte {
	b = appendKindDir(b, k.Prefix, k.OrgID, k.Account, k.Kind, k.Region)
	t := k.Time.UTC()
	b = t.AppendFormat(b, "2006/01/02/")
	b = append(b, k.Account...)
	b = append(b, '_')
	b = append(b, k.Kind...)
	b = append(b, '_')
	b = append(b, k.Region...)
	b = append(b, '_')
	if k.Kind == KindDigest {
		b = append(b, k.Trail...)
		b = append(b, '_')
		b = append(b, k.HomeRegion...)
		b = append(b, '_')
		b = t.AppendFormat(b, digestTimeLayout)
		if k.Backfill {
			b = append(b, "_backfill"...)
		}
	} else {
		b = t.AppendFormat(b, logTimeLayout)
		b = append(b, '_')
		b = append(b, k.Unique...)
	}
	return append(b, ".json.gz"...)
}

// appendKindDir appends "[prefix/]AWSLogs/[org/]account/kind/region/".
func appendKindDir(b []byte, prefix, org, account string, kind ObjectKind, region string) []byte {
	if prefix != "" {
		b = append(b, prefix...)
		b = append(b, '/')
	}
	b = append(b, "AWSLogs/"...)
	if org != "" {
		b = append(b, org...)
		b = append(b, '/')
	}
	b = append(b, account...)
	b = append(b, '/')
	b = append(b, kind...)
	b = append(b, '/')
	b = append(b, region...)
	return append(b, '/')
}

// MarshalText implements encoding.TextMarshaler; it fails for an invalid Key.
func (k Key) MarshalText() ([]byte, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	return k.appendKey(nil), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with ParseKey. It
// assigns to k only on success.
func (k *Key) UnmarshalText(text []byte) error {
	p, err := ParseKey(string(text))
	if err != nil {
		return err
	}
	*k = p
	return nil
}

// Validate reports whether k can form a key that ParseKey gives back
// unchanged: it returns nil or an *Error wrapping ErrMalformedKey. Time must be in UTC and
// carry no precision the layout drops (seconds for log and Insights files,
// sub-seconds for digests), so that the Key round-trips exactly.
func (k Key) Validate() error {
	bad := func(field, reason string) error {
		return &Error{Op: "validate key", Key: k.String(), Field: field, Err: detail(ErrMalformedKey, reason, nil)}
	}
	switch k.Kind {
	case KindLog, KindInsight:
		if err := checkUnique(k.Unique); err != "" {
			return bad("unique string", err)
		}
		if k.Trail != "" || k.HomeRegion != "" || k.Backfill {
			return bad("kind", "trail, home region and backfill belong to digest keys only")
		}
		if !k.Time.Equal(k.Time.Truncate(time.Minute)) {
			return bad("time", "log file times are whole minutes")
		}
	case KindDigest:
		if err := trailname.Err(k.Trail); err != nil {
			return bad("trail", err.Error())
		}
		if !validRegion(k.HomeRegion) {
			return bad("home region", "not a Region name")
		}
		if k.Unique != "" {
			return bad("unique string", "digest keys have none")
		}
		if !k.Time.Equal(k.Time.Truncate(time.Second)) {
			return bad("time", "digest times are whole seconds")
		}
	default:
		return bad("kind", fmt.Sprintf("unknown object kind %q", k.Kind))
	}
	if err := checkPrefix(k.Prefix); err != "" {
		return bad("prefix", err)
	}
	if k.OrgID != "" && !validOrgID(k.OrgID) {
		return bad("organization id", "want o- and 10 to 32 lower-case letters or digits")
	}
	if !validAccount(k.Account) {
		return bad("account", "want 12 digits")
	}
	if !validRegion(k.Region) {
		return bad("region", "not a Region name")
	}
	if k.Time.Location() != time.UTC {
		return bad("time", "not in UTC")
	}
	if y := k.Time.Year(); y < 1000 || y > 9999 {
		return bad("time", "year outside 1000-9999")
	}
	return nil
}

func checkPrefix(p string) string {
	if p == "" {
		return ""
	}
	if len(p) > maxPrefixLen {
		return "longer than 200 characters"
	}
	if p[0] == '/' || p[len(p)-1] == '/' {
		return "must not begin or end with /"
	}
	if reason := unsafeKey("b", p); reason != "" {
		return reason
	}
	return ""
}

func checkUnique(u string) string {
	if u == "" || len(u) > 128 {
		return "must be 1 to 128 characters"
	}
	for i := 0; i < len(u); i++ {
		if !isAlnum(u[i]) && u[i] != '_' {
			return "only letters, digits and _ are allowed"
		}
	}
	return ""
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func validAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// validRegion accepts Region names such as us-east-1, us-gov-west-1,
// cn-north-1 or eu-isoe-west-1: lower-case letters, digits and single
// hyphens, starting with a letter, with at least one hyphen, at most 32 bytes.
func validRegion(s string) bool {
	if len(s) < 3 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' || s[len(s)-1] == '-' {
		return false
	}
	hyphen := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
		case c == '-':
			if s[i-1] == '-' {
				return false
			}
			hyphen = true
		default:
			return false
		}
	}
	return hyphen
}

func validOrgID(s string) bool {
	if len(s) < 12 || len(s) > 34 || s[:2] != "o-" {
		return false
	}
	for i := 2; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// ParseKey parses a log file, Insights file or digest key. Everything is
// checked: the layout, every field's syntax, and that the account, Region
// and date in the path agree with the file name. It returns the Key or an
// *Error wrapping ErrMalformedKey (Field names the part at fault). ParseKey(k.String()) == k for every k that passes
// Validate.
//
// The path is parsed from its end, so a prefix may itself contain
// "AWSLogs". A digest file name is split by position: Region names never
// contain "_", so the delivering Region is the first field after
// "CloudTrail-Digest_", the home Region the last one before the timestamp,
// and the trail name (which may contain "_") everything between. To match
// digest keys the way aws-cli does, against a known trail, use
// DigestChain.Match and DigestChain.Parse.
func ParseKey(key string) (Key, error) {
	bad := func(field, reason string) (Key, error) {
		return Key{}, &Error{Op: "parse key", Key: key, Field: field, Err: detail(ErrMalformedKey, reason, nil)}
	}
	if len(key) > 1024 {
		return bad("key", "longer than 1024 bytes")
	}
	name, ok := strings.CutSuffix(key, ".json.gz")
	if !ok {
		return bad("file name", "does not end with .json.gz")
	}
	// Path segments from the end: name, DD, MM, YYYY, region, kind, account,
	// then "AWSLogs" or org id + "AWSLogs", then the prefix.
	segs := strings.Split(name, "/")
	if len(segs) < 8 {
		return bad("path", "too few path segments")
	}
	n := len(segs)
	file, dd, mm, yyyy := segs[n-1], segs[n-2], segs[n-3], segs[n-4]
	var k Key
	k.Region, k.Kind, k.Account = segs[n-5], ObjectKind(segs[n-6]), segs[n-7]
	rest := segs[:n-7]
	if rest[len(rest)-1] != "AWSLogs" {
		k.OrgID = rest[len(rest)-1]
		rest = rest[:len(rest)-1]
		if !validOrgID(k.OrgID) {
			return bad("organization id", "want AWSLogs/ or AWSLogs/<o-…>/ before the account")
		}
		if len(rest) == 0 || rest[len(rest)-1] != "AWSLogs" {
			return bad("path", "no AWSLogs segment")
		}
	}
	k.Prefix = strings.Join(rest[:len(rest)-1], "/")
	if len(rest) > 1 && k.Prefix == "" {
		return bad("prefix", "empty path segment")
	}
	if e := checkPrefix(k.Prefix); e != "" {
		return bad("prefix", e)
	}
	if !validAccount(k.Account) {
		return bad("account", "want 12 digits")
	}
	if k.Kind != KindLog && k.Kind != KindInsight && k.Kind != KindDigest {
		return bad("kind", "want CloudTrail, CloudTrail-Insight or CloudTrail-Digest")
	}
	if !validRegion(k.Region) {
		return bad("region", "not a Region name")
	}
	head := k.Account + "_" + string(k.Kind) + "_" + k.Region + "_"
	fields, ok := strings.CutPrefix(file, head)
	if !ok {
		return bad("file name", "want "+head+"… matching the folders")
	}
	var stamp string
	if k.Kind == KindDigest {
		fields, k.Backfill = strings.CutSuffix(fields, "_backfill")
		if len(fields) < len(digestTimeLayout)+1 || fields[len(fields)-len(digestTimeLayout)-1] != '_' {
			return bad("file name", "no _YYYYMMDDTHHMMSSZ timestamp")
		}
		stamp = fields[len(fields)-len(digestTimeLayout):]
		fields = fields[:len(fields)-len(digestTimeLayout)-1]
		i := strings.LastIndexByte(fields, '_')
		if i < 0 {
			return bad("file name", "want <trail>_<home region> before the timestamp")
		}
		k.Trail, k.HomeRegion = fields[:i], fields[i+1:]
		if err := trailname.Err(k.Trail); err != nil {
			return bad("trail", err.Error())
		}
		if !validRegion(k.HomeRegion) {
			return bad("home region", "not a Region name")
		}
	} else {
		if len(fields) < len(logTimeLayout)+2 || fields[len(logTimeLayout)] != '_' {
			return bad("file name", "want <YYYYMMDDTHHmmZ>_<unique> after the Region")
		}
		stamp, k.Unique = fields[:len(logTimeLayout)], fields[len(logTimeLayout)+1:]
		if e := checkUnique(k.Unique); e != "" {
			return bad("unique string", e)
		}
	}
	layout := logTimeLayout
	if k.Kind == KindDigest {
		layout = digestTimeLayout
	}
	t, err := parseStamp(stamp, layout)
	if err != nil {
		return bad("time", err.Error())
	}
	k.Time = t
	if dd+"/"+mm+"/"+yyyy != t.Format("02/01/2006") {
		return bad("date folders", "YYYY/MM/DD does not match the file name's date")
	}
	return k, nil
}

// parseStamp parses a file-name timestamp strictly: every character must be
// where the layout puts it (time.Parse alone accepts some variations).
func parseStamp(s, layout string) (time.Time, error) {
	if len(s) != len(layout) {
		return time.Time{}, fmt.Errorf("timestamp %q is not %s", s, layout)
	}
	for i := 0; i < len(s); i++ {
		if (layout[i] >= '0' && layout[i] <= '9') != (s[i] >= '0' && s[i] <= '9') || layout[i] > '9' && s[i] != layout[i] {
			return time.Time{}, fmt.Errorf("timestamp %q is not %s", s, layout)
		}
	}
	t, err := time.Parse(layout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("timestamp %q: %v", s, err)
	}
	return t.UTC(), nil
}

// Location is where a trail's objects live: the S3 bucket, the trail's
// key prefix (without a trailing "/"; empty for none) and, for an
// organization trail, the organization id. Every options struct that
// addresses a trail's objects embeds one.
type Location struct {
	Bucket string
	Prefix string
	OrgID  string
}

// Dir returns the folder under which an account's objects of one kind for
// one Region live, with a trailing "/":
// "[prefix/]AWSLogs/[org/]account/kind/region/". Listing it yields every
// object of that kind for that account and Region.
func (l Location) Dir(account string, kind ObjectKind, region string) string {
	return string(appendKindDir(nil, l.Prefix, l.OrgID, account, kind, region))
}

// DigestChain identifies one digest chain: CloudTrail keeps one per trail,
// account and delivering Region, in the trail's Location. It is what
// aws-cli validate-logs knows before it lists the bucket, and it builds,
// lists and matches the chain's digest keys.
type DigestChain struct {
	Location
	Account    string
	Region     string // the delivering Region (the digest folder)
	Trail      string // the trail's name
	HomeRegion string // the Region where the trail was created
}

// Key returns the digest key of the chain for end time t (UTC, whole seconds).
func (c DigestChain) Key(t time.Time, backfill bool) Key {
	return Key{Kind: KindDigest, Prefix: c.Prefix, OrgID: c.OrgID, Account: c.Account,
		Region: c.Region, Time: t.UTC().Truncate(time.Second), Trail: c.Trail,
		HomeRegion: c.HomeRegion, Backfill: backfill}
}

// ListPrefix returns the prefix to list the chain's digests with:
// "[prefix/]AWSLogs/[org/]account/CloudTrail-Digest/region/". aws-cli lists
// without the trailing "/"; with it, a Region whose name extends another's
// cannot leak in.
func (c DigestChain) ListPrefix() string {
	return c.Location.Dir(c.Account, KindDigest, c.Region)
}

// Match reports whether key is a digest of this chain, with aws-cli's rule:
// ^(prefix/)?AWSLogs/(org/)?acct/CloudTrail\-Digest/src/\d+/\d+/\d+/acct_CloudTrail\-Digest_src_trail_home_.+(?:_backfill)?\.json\.gz$
// where the prefix and org id parts are those of c. Like aws-cli it accepts
// anything but a line break after "<home>_" (also "/"); Parse is strict.
func (c DigestChain) Match(key string) bool {
	rest, ok := strings.CutPrefix(key, c.ListPrefix())
	if !ok {
		return false
	}
	for range 3 {
		i := strings.IndexByte(rest, '/')
		if i <= 0 {
			return false
		}
		for j := 0; j < i; j++ {
			if rest[j] < '0' || rest[j] > '9' {
				return false
			}
		}
		rest = rest[i+1:]
	}
	head := c.Account + "_" + string(KindDigest) + "_" + c.Region + "_" + c.Trail + "_" + c.HomeRegion + "_"
	rest, ok = strings.CutPrefix(rest, head)
	if !ok || strings.IndexByte(rest, '\n') >= 0 {
		return false
	}
	rest, ok = strings.CutSuffix(rest, ".json.gz")
	return ok && rest != ""
}

// Parse parses key as a digest of this chain: ParseKey, then a check that
// every field agrees with c. It returns an *Error wrapping ErrMalformedKey
// otherwise.
func (c DigestChain) Parse(key string) (Key, error) {
	k, err := ParseKey(key)
	if err != nil {
		return Key{}, err
	}
	if k.Kind != KindDigest || k.Prefix != c.Prefix || k.OrgID != c.OrgID || k.Account != c.Account ||
		k.Region != c.Region || k.Trail != c.Trail || k.HomeRegion != c.HomeRegion {
		return Key{}, &Error{Op: "parse key", Key: key, Field: "chain", Err: detail(ErrMalformedKey, "not a digest of trail "+c.Trail+" for "+c.Account+" in "+c.Region, nil)}
	}
	return k, nil
}

const uniqueAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// newUniqueString returns uniqueStringLen characters drawn uniformly from
// [A-Za-z0-9], reading random bytes from r, or from crypto/rand when r is
// nil. Bytes of 248 or more are discarded so that every character is equally
// likely. An error comes only from r.
func newUniqueString(r io.Reader) (string, error) {
	var out [uniqueStringLen]byte
	var buf [32]byte
	n := 0
	for n < len(out) {
		var err error
		if r == nil {
			_, err = rand.Read(buf[:])
		} else {
			_, err = io.ReadFull(r, buf[:])
		}
		if err != nil {
			return "", fmt.Errorf("logfile: reading random bytes for a unique string: %w", err)
		}
		for _, b := range buf {
			if b >= 248 { // 248 = 4*62: keeps b%62 uniform
				continue
			}
			out[n] = uniqueAlphabet[b%62]
			n++
			if n == len(out) {
				break
			}
		}
	}
	return string(out[:]), nil
}
