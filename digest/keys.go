package digest

import (
	"regexp"
	"strings"
	"time"
)

// keyTimeFormat is the timestamp in a digest's file name (with seconds).
const keyTimeFormat = "20060102T150405Z"

// ChainID names one digest chain: CloudTrail keeps one per (account,
// delivering region, trail). Prefix is the trail's S3 key prefix (no
// leading or trailing '/'); OrgID is set for organization trails.
type ChainID struct {
	Prefix     string
	OrgID      string
	Account    string
	Region     string // the delivering (source) region whose logs are digested
	Trail      string // the trail name
	HomeRegion string // the region where the trail was created
}

func (c ChainID) awsLogs(kind string) string {
	var b strings.Builder
	if c.Prefix != "" {
		b.WriteString(c.Prefix)
		b.WriteByte('/')
	}
	b.WriteString("AWSLogs/")
	if c.OrgID != "" {
		b.WriteString(c.OrgID)
		b.WriteByte('/')
	}
	b.WriteString(c.Account)
	b.WriteByte('/')
	b.WriteString(kind)
	b.WriteByte('/')
	b.WriteString(c.Region)
	return b.String()
}

// DigestPrefix returns the key prefix under which the chain's digests are
// listed: [<prefix>/]AWSLogs/[<org>/]<account>/CloudTrail-Digest/<region>.
func (c ChainID) DigestPrefix() string { return c.awsLogs("CloudTrail-Digest") }

// DigestKey returns the key of the chain's digest ending at end:
//
//	[<prefix>/]AWSLogs/[<org>/]<acct>/CloudTrail-Digest/<region>/YYYY/MM/DD/
//	  <acct>_CloudTrail-Digest_<region>_<trail>_<home>_YYYYMMDDTHHMMSSZ.json.gz
//
// The date folders and timestamp are end in UTC; backfill appends
// "_backfill" before ".json.gz".
func (c ChainID) DigestKey(end time.Time, backfill bool) string {
	end = end.UTC()
	var b strings.Builder
	b.WriteString(c.DigestPrefix())
	b.WriteString(end.Format("/2006/01/02/"))
	b.WriteString(c.Account)
	b.WriteString("_CloudTrail-Digest_")
	b.WriteString(c.Region)
	b.WriteByte('_')
	b.WriteString(c.Trail)
	b.WriteByte('_')
	b.WriteString(c.HomeRegion)
	b.WriteByte('_')
	b.WriteString(end.Format(keyTimeFormat))
	if backfill {
		b.WriteString("_backfill")
	}
	b.WriteString(".json.gz")
	return b.String()
}

// keyRegexp is aws-cli's filter for the chain's digest keys, quoted the
// same way (it matches normal and backfill digests).
func (c ChainID) keyRegexp() *regexp.Regexp {
	q := regexp.QuoteMeta
	var s strings.Builder
	s.WriteByte('^')
	if c.Prefix != "" {
		s.WriteString(q(c.Prefix) + "/")
	}
	s.WriteString("AWSLogs/")
	if c.OrgID != "" {
		s.WriteString(c.OrgID + "/")
	}
	s.WriteString(q(c.Account) + `/CloudTrail\-Digest/` + q(c.Region) + `/\d+/\d+/\d+/` +
		q(c.Account) + `_CloudTrail\-Digest_` + q(c.Region) + "_" + q(c.Trail) + "_" + q(c.HomeRegion) +
		`_.+(?:_backfill)?\.json\.gz$`)
	return regexp.MustCompile(s.String())
}

// IsBackfillKey reports whether a digest key names a backfill digest.
func IsBackfillKey(key string) bool { return strings.HasSuffix(key, "_backfill.json.gz") }

// KeyTime extracts the timestamp from a digest key by position, as aws-cli
// does (key[-24:-8], or key[-33:-17] for backfill), and parses it. ok is
// false when the key is too short or the text is not a timestamp.
func KeyTime(key string) (t time.Time, ok bool) {
	s, ok := keyTimeText(key)
	if !ok {
		return time.Time{}, false
	}
	t, err := time.Parse(keyTimeFormat, s)
	return t, err == nil
}

func keyTimeText(key string) (string, bool) {
	if IsBackfillKey(key) {
		if len(key) < 33 {
			return "", false
		}
		return key[len(key)-33 : len(key)-17], true
	}
	if len(key) < 24 {
		return "", false
	}
	return key[len(key)-24 : len(key)-8], true
}
