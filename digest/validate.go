package digest

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

// ValidateOptions says which chain to validate. The chain's Location.Bucket,
// Start and Keys are required, and either TrailARN or the chain's Account,
// Trail and HomeRegion; the zero value of every other field selects the
// default.
type ValidateOptions struct {
	// DigestChain names the chain. Its Region is the delivering Region
	// whose digests are checked; empty means HomeRegion (aws-cli: the
	// CLI's --region).
	logfile.DigestChain
	// TrailARN, arn:<partition>:cloudtrail:<home>:<account>:trail/<name>,
	// supplies HomeRegion, Trail and (unless Account is set) Account. It is
	// also printed in the text report's header.
	TrailARN string
	// Start and End bound the delivery times validated; a zero End is now.
	Start, End time.Time
	// Keys holds the public keys. Like aws-cli, Validate uses the keys
	// whose validity window overlaps [Start, End+2h], and for a backfill
	// digest whose key is not among them, those of [generation time-1h,
	// +1h].
	Keys *KeyRing
	// MaxDigestSize and MaxLogFileSize cap uncompressed sizes (a file over
	// its cap is reported with StatusInvalidFormat and an error wrapping
	// ErrTooLarge); zero means 64 MiB for a digest (one listing ten
	// thousand files is about 4 MB) and 2 GiB for a log file (CloudTrail's
	// are at most 50 MB compressed).
	MaxDigestSize  int64
	MaxLogFileSize int64
	// Workers hash log files in parallel; zero means GOMAXPROCS.
	Workers int
	// Progress, when set, is called (never concurrently) after each log
	// file is checked, with the number checked and the number queued so far.
	Progress func(done, queued int)
	// ReportMissingNewest adds a finding when the newest digest found ends
	// more than Interval (zero: one hour) before End, i.e. digests are
	// missing at the newest end of the range. aws-cli cannot notice this.
	ReportMissingNewest bool
	Interval            time.Duration
	// Now is the clock for a zero End; nil means time.Now.
	Now func() time.Time
}

// Status is the outcome for one digest or log file. Its text is the reason
// aws-cli prints after "INVALID: " (or "valid").
type Status string

// Statuses. The reasons are aws-cli's.
const (
	StatusValid             Status = "valid"
	StatusNotFound          Status = "not found"
	StatusMoved             Status = "has been moved from its original location"
	StatusInvalidFormat     Status = "invalid format"
	StatusSignatureFailed   Status = "signature verification failed"
	StatusPublicKeyNotFound Status = "public key not found"
	StatusHashMismatch      Status = "hash value doesn't match"
	StatusError             Status = "error" // anything else; Message has the text
)

// DigestResult is the outcome for one digest file.
type DigestResult struct {
	Bucket, Key string
	Backfill    bool
	Status      Status
	// Message is the exact line aws-cli prints for this digest (without the
	// "(backfill) " prefix, which awscli.WriteText adds).
	Message string
	// Err carries the evidence for an invalid digest (nil when valid).
	Err error `json:"-"`
	// Digest is the parsed digest when it could be parsed.
	Digest *Digest `json:"-"`
	// Hash is the SHA-256 of the uncompressed digest when it was read.
	Hash Hash `json:"-"`
	// Signature is the signature metadata as stored (hex).
	Signature string `json:"-"`
}

// LogFileResult is the outcome for one listed log file.
type LogFileResult struct {
	Bucket, Key string
	// Digest is the key of the digest listing the file.
	Digest   string
	Backfill bool
	Status   Status
	Err      error `json:"-"`
}

// Gap is a break in the chain: a starting digest with an older digest
// before it. It is not an error.
type Gap struct {
	Backfill bool
	// From is the end time of the next older digest, To the start time of
	// the digest that starts the newer part of the chain.
	From, To time.Time
}

// FindingKind names a problem only the strict checks see.
type FindingKind string

// Strict findings.
const (
	FindingPreviousHash      FindingKind = "previous digest hash value doesn't match"
	FindingPreviousSignature FindingKind = "previous digest signature doesn't match"
	FindingMalformedValue    FindingKind = "malformed value"
	FindingAlgorithm         FindingKind = "unsupported algorithm"
	FindingTrailingData      FindingKind = "data after the gzip member"
	FindingDuplicateLogFile  FindingKind = "log file listed more than once"
	FindingChainBroken       FindingKind = "chain link could not be verified"
	FindingMissingNewest     FindingKind = "digests missing at the newest end of the range"
	FindingWindow            FindingKind = "digest window does not continue the previous digest"
	FindingNotVisited        FindingKind = "digest in range never reached by the walk"
	// FindingUnlisted is a log file of the chain's folder, with a key time
	// from Start to the end of the newest valid digest, that no digest of
	// the walk lists: a file dropped into the bucket, or one a crashed
	// writer never got into a digest. aws-cli does not look for these. The
	// text output prints them without --strict too; they fail only Strict.
	FindingUnlisted FindingKind = "log file listed in no digest"
)

// Finding is one strict-check problem, about the object at Bucket/Key.
type Finding struct {
	Kind        FindingKind
	Bucket, Key string
	Detail      string
}

// Report is the outcome of Validate. Digests, LogFiles and Gaps are each in
// the order of aws-cli's walk. aws-cli prints them merged: each valid
// digest is followed by its log files (one LogFileResult per entry of its
// logFiles, in order) and then, when it is a starting digest with an older
// digest before it, by the Gap whose To is its digestStartTime.
type Report struct {
	TrailARN   string
	Start, End time.Time
	Digests    []DigestResult
	LogFiles   []LogFileResult
	Gaps       []Gap
	Findings   []Finding
	// FoundStart and FoundEnd span the valid digests, clipped to the range;
	// they are zero when no digest was valid, that is when nothing was
	// validated at all.
	FoundStart, FoundEnd time.Time
}

// OK reports whether at least one digest was validated and every digest
// and log file is valid. Strict findings are not considered; see Strict.
// (aws-cli exits 0 when it finds no digest at all; a wrong bucket, prefix,
// account or Region then looks like success. OK does not.)
func (r *Report) OK() bool {
	if !r.validated() {
		return false
	}
	for _, d := range r.Digests {
		if d.Status != StatusValid {
			return false
		}
	}
	for _, l := range r.LogFiles {
		if l.Status != StatusValid {
			return false
		}
	}
	return true
}

// validated reports whether at least one digest was found valid, that is
// whether anything was validated at all (then FoundStart is not zero).
func (r *Report) validated() bool {
	for _, d := range r.Digests {
		if d.Status == StatusValid {
			return true
		}
	}
	return false
}

// Strict reports OK() with no strict finding.
func (r *Report) Strict() bool { return r.OK() && len(r.Findings) == 0 }

var arnRE = regexp.MustCompile(`^arn:.+:cloudtrail:.+:\d{12}:trail/.+`)

func (o *ValidateOptions) resolve() (logfile.DigestChain, error) {
	id := o.DigestChain
	if o.TrailARN != "" {
		if !arnRE.MatchString(o.TrailARN) {
			return id, configErr("Invalid trail ARN provided: %s", o.TrailARN)
		}
		parts := strings.Split(o.TrailARN, ":")
		id.HomeRegion = parts[3]
		id.Trail = o.TrailARN[strings.LastIndexByte(o.TrailARN, '/')+1:]
		if id.Account == "" {
			id.Account = parts[4]
		}
	}
	if id.Region == "" {
		id.Region = id.HomeRegion
	}
	switch {
	case id.Account == "" || id.Trail == "" || id.HomeRegion == "":
		return id, configErr("need TrailARN or Account, Trail and HomeRegion")
	case o.Bucket == "":
		return id, configErr("Bucket is required")
	case o.Start.IsZero():
		return id, configErr("Start is required")
	case o.Keys == nil:
		return id, configErr("Keys is required")
	}
	return id, nil
}

// Validate walks the digest chain newest to oldest exactly as aws-cli's
// validate-logs does (§3.9 of the format notes): it lists the chain's
// digest keys in [Start, End+1h], starts at the newest, verifies each
// digest (format, location, public key, signature), checks the log files
// of valid digests, follows previousDigestS3Object links, reports gaps at
// starting digests and resumes from the listing after a missing or invalid
// digest, until a digest starts before Start; then it walks the backfill
// digests the same way. On top it makes the strict checks listed with
// FindingKind. Log files are hashed by a pool of Workers.
//
// The returned error is for failures to run at all (bad options, a List
// error, no public keys in range, ctx done); problems with the objects are
// in the Report.
func Validate(ctx context.Context, store logfile.Store, opts ValidateOptions) (*Report, error) {
	id, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	end := opts.End
	if end.IsZero() {
		now := time.Now
		if opts.Now != nil {
			now = opts.Now
		}
		end = now()
	}
	start, end := opts.Start.UTC().Truncate(time.Second), end.UTC().Truncate(time.Second)
	if start.After(end) {
		return nil, configErr("Invalid time range specified: start-time must occur before end-time")
	}
	v := &validator{
		store: store, id: id, opts: opts, start: start, end: end,
		rep:  &Report{TrailARN: opts.TrailARN, Start: start, End: end},
		seen: map[string]string{},
	}
	if v.maxDigest = opts.MaxDigestSize; v.maxDigest <= 0 {
		v.maxDigest = defaultMaxDigestSize
	}
	if v.maxLog = opts.MaxLogFileSize; v.maxLog <= 0 {
		v.maxLog = defaultMaxLogFileSize
	}
	v.startPool(ctx)
	err = v.run(ctx)
	v.stopPool()
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return nil, err
	}
	return v.rep, nil
}

type validator struct {
	store             logfile.Store
	id                logfile.DigestChain
	opts              ValidateOptions
	start, end        time.Time
	rep               *Report
	maxDigest, maxLog int64
	seen              map[string]string // log file s3 path -> digest key listing it
	listed            map[string][2][]string
	newestListed      time.Time
	newestEnd         time.Time // end of the newest valid normal digest

	jobs   chan logJob
	wg     sync.WaitGroup
	mu     sync.Mutex // guards rep.LogFiles[i].Status/Err and progress
	done   int
	queued int
	trails []Finding // trailing-data findings from workers
}

func (v *validator) run(ctx context.Context) error {
	normal, backfill, err := v.list(ctx, v.opts.Bucket)
	if err != nil {
		return err
	}
	keys := v.opts.Keys.publicKeys(v.start, v.end.Add(2*time.Hour))
	if len(keys) == 0 {
		return fmt.Errorf("%w between %s and %s", ErrNoPublicKeys, v.start.Format(timeFormat), v.end.Add(2*time.Hour).Format(timeFormat))
	}
	if err := v.walk(ctx, append([]string(nil), normal...), keys, false); err != nil {
		return err
	}
	if v.opts.ReportMissingNewest {
		iv := v.opts.Interval
		if iv <= 0 {
			iv = time.Hour
		}
		if v.newestListed.IsZero() || v.end.Sub(v.newestListed) > iv {
			from := v.start
			if !v.newestListed.IsZero() {
				from = v.newestListed
			}
			v.finding(Finding{Kind: FindingMissingNewest, Bucket: v.opts.Bucket, Key: strings.TrimSuffix(v.id.ListPrefix(), "/"),
				Detail: fmt.Sprintf("no digest covers %s to %s", from.Format(timeFormat), v.end.Format(timeFormat))})
		}
	}
	// Backfill keys are loaded lazily by fingerprint, like aws-cli.
	if err := v.walk(ctx, append([]string(nil), backfill...), map[Fingerprint]*PublicKey{}, true); err != nil {
		return err
	}
	if err := v.unlisted(ctx); err != nil {
		return err
	}
	// aws-cli's walk can skip listed digests (for example every digest
	// newer than a moved one that sorts last); say so.
	visited := map[string]bool{}
	for _, d := range v.rep.Digests {
		visited[d.Bucket+"/"+d.Key] = true
	}
	for _, k := range append(append([]string(nil), normal...), backfill...) {
		if !visited[v.opts.Bucket+"/"+k] {
			v.finding(Finding{Kind: FindingNotVisited, Bucket: v.opts.Bucket, Key: k, Detail: "listed in the range but not validated"})
		}
	}
	return nil
}

// list returns the chain's normal and backfill digest keys in bucket, in
// key order, filtered like aws-cli's DigestProvider.
func (v *validator) list(ctx context.Context, bucket string) (normal, backfill []string, err error) {
	if l, ok := v.listed[bucket]; ok {
		return append([]string(nil), l[0]...), append([]string(nil), l[1]...), nil
	}
	marker := v.id.Key(v.start.Add(-time.Minute), false).String()
	lo := v.start.Format(keyTimeFormat)
	hi := v.end.Add(time.Hour).Format(keyTimeFormat)
	for key, err := range v.store.List(ctx, bucket, v.id.ListPrefix(), marker) {
		if err != nil {
			return nil, nil, err
		}
		if !v.id.Match(key) {
			continue
		}
		ts, ok := keyTimeText(key)
		if !ok {
			continue
		}
		if ts > hi {
			break
		}
		if ts < lo {
			continue
		}
		if _, ok := keyTime(key); !ok {
			continue // aws-cli would crash parsing this date; skip it
		}
		if isBackfillKey(key) {
			backfill = append(backfill, key)
		} else {
			normal = append(normal, key)
			if t, _ := keyTime(key); t.After(v.newestListed) {
				v.newestListed = t
			}
		}
	}
	if v.listed == nil {
		v.listed = map[string][2][]string{}
	}
	v.listed[bucket] = [2][]string{append([]string(nil), normal...), append([]string(nil), backfill...)}
	return normal, backfill, nil
}

// popBefore implements aws-cli's _get_last_digest: it pops keys from the end
// of *list until one is strictly older than before (or the newest when
// before is "").
func popBefore(list *[]string, before string) (string, time.Time) {
	l := *list
	if len(l) == 0 {
		return "", time.Time{}
	}
	if before == "" {
		k := l[len(l)-1]
		*list = l[:len(l)-1]
		t, _ := keyTime(k)
		return k, t
	}
	bt, _ := keyTime(before)
	for len(l) > 0 {
		k := l[len(l)-1]
		l = l[:len(l)-1]
		if t, _ := keyTime(k); t.Before(bt) {
			*list = l
			return k, t
		}
	}
	*list = l
	return "", time.Time{}
}

func (v *validator) walk(ctx context.Context, digests []string, keys map[Fingerprint]*PublicKey, backfill bool) error {
	bucket := v.opts.Bucket
	key, endDate := popBefore(&digests, "")
	lastStart := endDate
	var newer *DigestResult // the valid digest whose previous link led to key
	for key != "" && !v.start.After(lastStart) {
		if err := ctx.Err(); err != nil {
			return err
		}
		res := v.check(ctx, bucket, key, keys, backfill)
		v.addDigest(res)
		if newer != nil {
			v.checkLink(newer, res)
		}
		newer = nil
		if res.Status != StatusValid {
			key, endDate = popBefore(&digests, key)
			continue
		}
		d := res.Digest
		st, err := time.Parse(timeFormat, d.DigestStartTime)
		if err != nil {
			// aws-cli parses the start before yielding the digest, so a
			// verified digest with an unparseable start is reported invalid
			// with the parser's text. (aws-cli's dateutil parser accepts
			// more layouts than timeFormat; CloudTrail writes only that.)
			res2 := *res
			res2.Status, res2.Err = StatusError, err
			res2.Message = digestLine(bucket, key, "Unable to parse date value: "+d.DigestStartTime)
			v.rep.Digests[len(v.rep.Digests)-1] = res2
			key, endDate = popBefore(&digests, key)
			continue
		}
		lastStart = st
		v.trackFound(d)
		if et, err := time.Parse(timeFormat, d.DigestEndTime); err == nil && !backfill && et.After(v.newestEnd) {
			v.newestEnd = et
		}
		v.queueLogs(res)
		if d.IsStarting() {
			next, nextEnd := popBefore(&digests, key)
			if next != "" {
				v.rep.Gaps = append(v.rep.Gaps, Gap{Backfill: backfill, From: nextEnd, To: st})
			}
			key, endDate = next, nextEnd
			continue
		}
		prevBucket, prevKey := *d.PreviousDigestS3Bucket, *d.PreviousDigestS3Object
		newer = res
		key = prevKey
		if prevBucket != bucket {
			if err := logfile.CheckKey(prevBucket, prevKey); err != nil {
				v.addDigest(&DigestResult{Bucket: prevBucket, Key: prevKey, Backfill: backfill, Status: StatusError, Err: err,
					Message: digestLine(prevBucket, prevKey, err.Error())})
				newer = nil
				key, endDate = popBefore(&digests, key)
				continue
			}
			bucket = prevBucket
			n, b, err := v.list(ctx, bucket)
			if err != nil {
				return err
			}
			if digests = n; backfill {
				digests = b
			}
		}
	}
	return nil
}

// unlisted reports the chain's log files with a key time from the range's
// start to the newest valid digest's end that no digest walked lists.
func (v *validator) unlisted(ctx context.Context) error {
	if v.newestEnd.IsZero() {
		return nil
	}
	to := v.newestEnd
	if lim := v.end.Add(time.Hour); to.After(lim) {
		to = lim
	}
	from := v.start.Truncate(time.Minute)
	dir := v.id.Location.Dir(v.id.Account, logfile.KindLog, v.id.Region)
	after := dir + from.AddDate(0, 0, -1).Format("2006/01/02/~")
	lastDay := dir + to.Format("2006/01/02/~")
	for key, err := range v.store.List(ctx, v.opts.Bucket, dir, after) {
		if err != nil {
			return err
		}
		if key > lastDay {
			break
		}
		k, err := logfile.ParseKey(key)
		if err != nil || k.Kind != logfile.KindLog || k.Account != v.id.Account || k.Region != v.id.Region {
			continue
		}
		if k.Time.Before(from) || !k.Time.Before(to) {
			continue
		}
		if _, ok := v.seen[v.opts.Bucket+"/"+key]; !ok {
			v.finding(Finding{Kind: FindingUnlisted, Bucket: v.opts.Bucket, Key: key,
				Detail: "key time " + k.Time.Format(timeFormat) + ", newest digest ends " + v.newestEnd.Format(timeFormat)})
		}
	}
	return nil
}

func digestLine(bucket, key, reason string) string {
	return "Digest file\ts3://" + bucket + "/" + key + "\tINVALID: " + reason
}

func (v *validator) addDigest(res *DigestResult) {
	v.rep.Digests = append(v.rep.Digests, *res)
}

func (v *validator) finding(f Finding) {
	v.rep.Findings = append(v.rep.Findings, f)
}

func (v *validator) trackFound(d *Digest) {
	st, err1 := time.Parse(timeFormat, d.DigestStartTime)
	et, err2 := time.Parse(timeFormat, d.DigestEndTime)
	if err1 != nil || err2 != nil {
		return
	}
	if st.Before(v.start) {
		st = v.start
	}
	if et.After(v.end) {
		et = v.end
	}
	if v.rep.FoundStart.IsZero() || st.Before(v.rep.FoundStart) {
		v.rep.FoundStart = st
	}
	if v.rep.FoundEnd.IsZero() || et.After(v.rep.FoundEnd) {
		v.rep.FoundEnd = et
	}
}

// check loads and verifies one digest in aws-cli's order: fetch (not
// found; gunzip and JSON: invalid format; signature metadata: signature
// verification failed; backfill timestamp: invalid format), required
// members (invalid format), location (moved), public key, signature.
func (v *validator) check(ctx context.Context, bucket, key string, keys map[Fingerprint]*PublicKey, backfill bool) *DigestResult {
	res := &DigestResult{Bucket: bucket, Key: key, Backfill: backfill}
	fail := func(st Status, err error, reason string) *DigestResult {
		res.Status, res.Err = st, err
		if reason == "" {
			reason = string(st)
		}
		res.Message = digestLine(bucket, key, reason)
		return res
	}
	body, obj, err := v.store.Open(ctx, bucket, key)
	if err != nil {
		if errors.Is(err, logfile.ErrNotFound) {
			return fail(StatusNotFound, err, "")
		}
		return fail(StatusError, err, err.Error())
	}
	raw, trailing, err := readDigest(body, v.maxDigest)
	body.Close()
	if err != nil {
		return fail(StatusInvalidFormat, err, "")
	}
	res.Hash = sumHash(raw)
	d, err := Parse(raw)
	if err != nil {
		return fail(StatusInvalidFormat, err, "")
	}
	res.Digest = d
	res.Signature = metaValue(obj.Metadata, metaSignature)
	if !metaHas(obj.Metadata, metaSignature) || !metaHas(obj.Metadata, metaSignatureAlgorithm) {
		return fail(StatusSignatureFailed, fmt.Errorf("%w: signature metadata missing", ErrSignature), "")
	}
	if backfill && !metaHas(obj.Metadata, metaBackfillGeneratedAt) {
		return fail(StatusInvalidFormat, &FormatError{Field: "metadata", Reason: "backfill-generation-timestamp missing"}, "")
	}
	if d.DigestS3Bucket != bucket || d.DigestS3Object != key {
		return fail(StatusMoved, fmt.Errorf("digest: s3://%s/%s names itself s3://%s/%s", bucket, key, clip(d.DigestS3Bucket), clip(d.DigestS3Object)), "")
	}
	fp, fperr := parseFingerprint(d.DigestPublicKeyFingerprint)
	pk := keys[fp]
	if fperr == nil && pk == nil && backfill {
		if bt, err := parseISO(metaValue(obj.Metadata, metaBackfillGeneratedAt)); err == nil {
			more := v.opts.Keys.publicKeys(bt.Add(-time.Hour), bt.Add(time.Hour))
			if len(more) == 0 {
				return fail(StatusError, ErrNoPublicKeys, fmt.Sprintf("No public keys found between %s and %s", bt.Add(-time.Hour).Format(timeFormat), bt.Add(time.Hour).Format(timeFormat)))
			}
			for f, k := range more {
				keys[f] = k
			}
			pk = keys[fp]
		}
	}
	if pk == nil {
		return fail(StatusPublicKeyNotFound, fperr, fmt.Sprintf("public key not found in region %s for fingerprint %s", v.id.HomeRegion, d.DigestPublicKeyFingerprint))
	}
	sig, err := parseSignature(metaValue(obj.Metadata, metaSignature))
	if err != nil {
		return fail(StatusSignatureFailed, err, "")
	}
	sts := stringToSign(d.DigestEndTime, d.DigestS3Bucket, d.DigestS3Object, res.Hash, d.PreviousDigestSignature)
	if err := pk.verify(sts, sig); err != nil {
		return fail(StatusSignatureFailed, err, "")
	}
	if _, err := time.Parse(timeFormat, d.DigestEndTime); err != nil {
		return fail(StatusError, err, "Unable to parse date value: "+d.DigestEndTime)
	}
	res.Status = StatusValid
	res.Message = "Digest file\ts3://" + bucket + "/" + key + "\tvalid"
	v.strictDigest(res, obj.Metadata, trailing)
	return res
}

func parseISO(s string) (time.Time, error) {
	for _, l := range []string{timeFormat, time.RFC3339Nano} {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, &FormatError{Field: "time", Value: clip(s)}
}

// strictDigest makes the checks aws-cli skips on a valid digest.
func (v *validator) strictDigest(res *DigestResult, metadata map[string]string, trailing bool) {
	d := res.Digest
	at := func(kind FindingKind, detail string) {
		v.finding(Finding{Kind: kind, Bucket: res.Bucket, Key: res.Key, Detail: detail})
	}
	if a := metaValue(metadata, metaSignatureAlgorithm); a != signatureAlgorithm {
		at(FindingAlgorithm, fmt.Sprintf("signature-algorithm metadata %q", clip(a)))
	}
	if d.DigestSignatureAlgorithm != signatureAlgorithm {
		at(FindingAlgorithm, fmt.Sprintf("digestSignatureAlgorithm %q", clip(d.DigestSignatureAlgorithm)))
	}
	if trailing {
		at(FindingTrailingData, errTrailingData.Error())
	}
	if !d.IsStarting() {
		if d.PreviousDigestHashValue == nil {
			at(FindingMalformedValue, "previousDigestHashValue is null")
		} else if _, err := parseHash(*d.PreviousDigestHashValue); err != nil {
			at(FindingMalformedValue, err.Error())
		}
		if d.PreviousDigestHashAlgorithm == nil || *d.PreviousDigestHashAlgorithm != hashAlgorithm {
			at(FindingAlgorithm, "previousDigestHashAlgorithm is not SHA-256")
		}
	}
	for i, lf := range d.LogFiles {
		if lf.HashAlgorithm != hashAlgorithm {
			at(FindingAlgorithm, fmt.Sprintf("logFiles[%d].hashAlgorithm %q", i, clip(lf.HashAlgorithm)))
		}
		if _, err := parseHash(lf.HashValue); err != nil {
			at(FindingMalformedValue, fmt.Sprintf("logFiles[%d]: %v", i, err))
		}
	}
}

// checkLink verifies the newer digest's previousDigest* members against
// the digest its link led to.
func (v *validator) checkLink(newer, prev *DigestResult) {
	d := newer.Digest
	at := func(kind FindingKind, detail string) {
		v.finding(Finding{Kind: kind, Bucket: newer.Bucket, Key: newer.Key, Detail: detail})
	}
	if prev.Status != StatusValid {
		at(FindingChainBroken, fmt.Sprintf("previous digest s3://%s/%s is %s", prev.Bucket, prev.Key, prev.Status))
		return
	}
	if h := prev.Hash.String(); d.PreviousDigestHashValue == nil || *d.PreviousDigestHashValue != h {
		got := "null"
		if d.PreviousDigestHashValue != nil {
			got = clip(*d.PreviousDigestHashValue)
		}
		at(FindingPreviousHash, fmt.Sprintf("expected %s, calculated %s", got, h))
	}
	// The previous digest's signature is in its metadata; the store is
	// re-read lazily only here, so keep it on the result instead.
	if sig := prev.Signature; d.PreviousDigestSignature == nil || *d.PreviousDigestSignature != sig {
		at(FindingPreviousSignature, fmt.Sprintf("previous digest's signature metadata is %s", clip(sig)))
	}
	if prev.Digest.DigestEndTime != d.DigestStartTime {
		at(FindingWindow, fmt.Sprintf("digestStartTime %s, previous digestEndTime %s", d.DigestStartTime, prev.Digest.DigestEndTime))
	}
}

func (v *validator) queueLogs(res *DigestResult) {
	for _, lf := range res.Digest.LogFiles {
		path := lf.S3Bucket + "/" + lf.S3Object
		if first, dup := v.seen[path]; dup {
			v.finding(Finding{Kind: FindingDuplicateLogFile, Bucket: lf.S3Bucket, Key: lf.S3Object,
				Detail: fmt.Sprintf("listed in %s and %s", first, res.Key)})
		} else {
			v.seen[path] = res.Key
		}
		v.mu.Lock()
		v.rep.LogFiles = append(v.rep.LogFiles, LogFileResult{Bucket: lf.S3Bucket, Key: lf.S3Object, Digest: res.Key, Backfill: res.Backfill})
		i := len(v.rep.LogFiles) - 1
		v.queued++
		v.mu.Unlock()
		v.jobs <- logJob{i, lf}
	}
}
