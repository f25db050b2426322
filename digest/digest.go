package digest

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// Wire constants written into every digest.
const (
	// signatureAlgorithm is the only algorithm CloudTrail uses, written in
	// digestSignatureAlgorithm and the signature-algorithm metadata.
	signatureAlgorithm = "SHA256withRSA"
	// hashAlgorithm is written in logFiles[].hashAlgorithm and
	// previousDigestHashAlgorithm.
	hashAlgorithm = "SHA-256"
	// timeFormat is the format of every time in a digest.
	timeFormat = "2006-01-02T15:04:05Z"
)

// Metadata names of a digest object (user metadata, without "x-amz-meta-").
const (
	metaSignature           = "signature"
	metaSignatureAlgorithm  = "signature-algorithm"
	metaBackfillGeneratedAt = "backfill-generation-timestamp"
)

// Digest is one digest file. Values are kept as the strings the file holds,
// so a parsed digest keeps exactly what CloudTrail wrote (validation hashes
// the stored bytes and never re-serializes). Nullable members are pointers:
// nil is JSON null. Times are "2006-01-02T15:04:05Z".
type Digest struct {
	AWSAccountID               string
	DigestStartTime            string
	DigestEndTime              string
	DigestS3Bucket             string
	DigestS3Object             string
	DigestPublicKeyFingerprint string
	DigestSignatureAlgorithm   string
	// NewestEventTime and OldestEventTime are nil when LogFiles is empty.
	NewestEventTime *string
	OldestEventTime *string
	// The five previousDigest* members are all nil in a starting digest.
	PreviousDigestS3Bucket      *string
	PreviousDigestS3Object      *string
	PreviousDigestHashValue     *string
	PreviousDigestHashAlgorithm *string
	PreviousDigestSignature     *string
	LogFiles                    []LogFile
}

// LogFile is one entry of a digest's logFiles array.
type LogFile struct {
	S3Bucket        string
	S3Object        string
	HashValue       string // 64 lowercase hex digits: SHA-256 of the uncompressed file
	HashAlgorithm   string // "SHA-256"
	NewestEventTime string
	OldestEventTime string
}

// IsStarting reports whether d starts a chain (no previous digest).
func (d *Digest) IsStarting() bool {
	return d.PreviousDigestS3Bucket == nil || d.PreviousDigestS3Object == nil
}

// MarshalJSON returns the digest's JSON exactly as CloudTrail writes it:
// compact, members in CloudTrail's order, nulls for nil members, '/'
// escaped as "\/" in every string, control characters escaped. These are
// the bytes a digest's hash and signature cover; Encode stores them.
func (d *Digest) MarshalJSON() ([]byte, error) { return d.appendJSON(nil), nil }

// appendJSON appends the JSON MarshalJSON returns.
func (d *Digest) appendJSON(b []byte) []byte {
	b = append(b, `{"awsAccountId":`...)
	b = appendString(b, d.AWSAccountID)
	b = append(b, `,"digestStartTime":`...)
	b = appendString(b, d.DigestStartTime)
	b = append(b, `,"digestEndTime":`...)
	b = appendString(b, d.DigestEndTime)
	b = append(b, `,"digestS3Bucket":`...)
	b = appendString(b, d.DigestS3Bucket)
	b = append(b, `,"digestS3Object":`...)
	b = appendString(b, d.DigestS3Object)
	b = append(b, `,"digestPublicKeyFingerprint":`...)
	b = appendString(b, d.DigestPublicKeyFingerprint)
	b = append(b, `,"digestSignatureAlgorithm":`...)
	b = appendString(b, d.DigestSignatureAlgorithm)
	b = append(b, `,"newestEventTime":`...)
	b = appendNullable(b, d.NewestEventTime)
	b = append(b, `,"oldestEventTime":`...)
	b = appendNullable(b, d.OldestEventTime)
	b = append(b, `,"previousDigestS3Bucket":`...)
	b = appendNullable(b, d.PreviousDigestS3Bucket)
	b = append(b, `,"previousDigestS3Object":`...)
	b = appendNullable(b, d.PreviousDigestS3Object)
	b = append(b, `,"previousDigestHashValue":`...)
	b = appendNullable(b, d.PreviousDigestHashValue)
	b = append(b, `,"previousDigestHashAlgorithm":`...)
	b = appendNullable(b, d.PreviousDigestHashAlgorithm)
	b = append(b, `,"previousDigestSignature":`...)
	b = appendNullable(b, d.PreviousDigestSignature)
	b = append(b, `,"logFiles":[`...)
	for i := range d.LogFiles {
		if i > 0 {
			b = append(b, ',')
		}
		b = d.LogFiles[i].appendJSON(b)
	}
	return append(b, "]}"...)
}

func (f *LogFile) appendJSON(b []byte) []byte {
	b = append(b, `{"s3Bucket":`...)
	b = appendString(b, f.S3Bucket)
	b = append(b, `,"s3Object":`...)
	b = appendString(b, f.S3Object)
	b = append(b, `,"hashValue":`...)
	b = appendString(b, f.HashValue)
	b = append(b, `,"hashAlgorithm":`...)
	b = appendString(b, f.HashAlgorithm)
	b = append(b, `,"newestEventTime":`...)
	b = appendString(b, f.NewestEventTime)
	b = append(b, `,"oldestEventTime":`...)
	b = appendString(b, f.OldestEventTime)
	return append(b, '}')
}

func appendNullable(b []byte, s *string) []byte {
	if s == nil {
		return append(b, "null"...)
	}
	return appendString(b, *s)
}

// appendString writes s as a JSON string the way json-simple (the Java
// library CloudTrail's output matches) does: '"', '\\' and '/' escaped with
// a backslash, \b \f \n \r \t by name, other control characters as \u00XX.
// Invalid UTF-8 becomes U+FFFD so the output is always valid JSON.
func appendString(b []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				b = append(b, `\ufffd`...)
			} else {
				b = append(b, s[i:i+n]...)
			}
			i += n
			continue
		}
		switch c {
		case '"', '\\', '/':
			b = append(b, '\\', c)
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		default:
			if c < 0x20 || c == 0x7f {
				b = append(b, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&0xf])
			} else {
				b = append(b, c)
			}
		}
		i++
	}
	return append(b, '"')
}

// wireDigest receives a digest's members as raw JSON, so a missing member
// (nil) can be told apart from null.
type wireDigest struct {
	AWSAccountID                json.RawMessage `json:"awsAccountId"`
	DigestStartTime             json.RawMessage `json:"digestStartTime"`
	DigestEndTime               json.RawMessage `json:"digestEndTime"`
	DigestS3Bucket              json.RawMessage `json:"digestS3Bucket"`
	DigestS3Object              json.RawMessage `json:"digestS3Object"`
	DigestPublicKeyFingerprint  json.RawMessage `json:"digestPublicKeyFingerprint"`
	DigestSignatureAlgorithm    json.RawMessage `json:"digestSignatureAlgorithm"`
	NewestEventTime             json.RawMessage `json:"newestEventTime"`
	OldestEventTime             json.RawMessage `json:"oldestEventTime"`
	PreviousDigestS3Bucket      json.RawMessage `json:"previousDigestS3Bucket"`
	PreviousDigestS3Object      json.RawMessage `json:"previousDigestS3Object"`
	PreviousDigestHashValue     json.RawMessage `json:"previousDigestHashValue"`
	PreviousDigestHashAlgorithm json.RawMessage `json:"previousDigestHashAlgorithm"`
	PreviousDigestSignature     json.RawMessage `json:"previousDigestSignature"`
	LogFiles                    json.RawMessage `json:"logFiles"`
}

type wireLogFile struct {
	S3Bucket        json.RawMessage `json:"s3Bucket"`
	S3Object        json.RawMessage `json:"s3Object"`
	HashValue       json.RawMessage `json:"hashValue"`
	HashAlgorithm   json.RawMessage `json:"hashAlgorithm"`
	NewestEventTime json.RawMessage `json:"newestEventTime"`
	OldestEventTime json.RawMessage `json:"oldestEventTime"`
}

// Parse decodes the uncompressed JSON of a digest file. It accepts what
// CloudTrail writes: members in any order, unknown members ignored, '\/'
// escapes. It is lenient about values (a 63-digit hash parses; Validate
// flags it) but strict about shape, like aws-cli: the body must be one JSON
// object; the members digestPublicKeyFingerprint, digestS3Bucket,
// digestS3Object, previousDigestSignature, digestEndTime and digestStartTime
// must be present (previousDigestSignature may be null); every present
// member must be a string or null (logFiles an array of objects whose
// members are strings). Violations return a *FormatError wrapping
// ErrInvalidFormat.
func Parse(data []byte) (*Digest, error) {
	var w wireDigest
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&w); err != nil {
		return nil, &FormatError{Field: "digest JSON", Err: err}
	}
	if _, err := dec.Token(); err == nil {
		return nil, &FormatError{Field: "digest JSON", Reason: "data after the top-level object"}
	}
	if !bytes.HasPrefix(bytes.TrimLeft(data, " \t\r\n"), []byte("{")) {
		return nil, &FormatError{Field: "digest JSON", Reason: "not an object"}
	}
	d := &Digest{}
	var err error
	str := func(name string, raw json.RawMessage, required bool, dst *string) {
		if err != nil {
			return
		}
		if raw == nil {
			if required {
				err = &FormatError{Field: name, Reason: "member missing"}
			}
			return
		}
		var p *string
		p, err = decodeNullable(name, raw)
		if err == nil && p == nil && required {
			err = &FormatError{Field: name, Reason: "must not be null"}
		}
		if p != nil {
			*dst = *p
		}
	}
	nullable := func(name string, raw json.RawMessage, required bool, dst **string) {
		if err != nil {
			return
		}
		if raw == nil {
			if required {
				err = &FormatError{Field: name, Reason: "member missing"}
			}
			return
		}
		*dst, err = decodeNullable(name, raw)
	}
	str("awsAccountId", w.AWSAccountID, false, &d.AWSAccountID)
	str("digestStartTime", w.DigestStartTime, true, &d.DigestStartTime)
	str("digestEndTime", w.DigestEndTime, true, &d.DigestEndTime)
	str("digestS3Bucket", w.DigestS3Bucket, true, &d.DigestS3Bucket)
	str("digestS3Object", w.DigestS3Object, true, &d.DigestS3Object)
	str("digestPublicKeyFingerprint", w.DigestPublicKeyFingerprint, true, &d.DigestPublicKeyFingerprint)
	str("digestSignatureAlgorithm", w.DigestSignatureAlgorithm, false, &d.DigestSignatureAlgorithm)
	nullable("newestEventTime", w.NewestEventTime, false, &d.NewestEventTime)
	nullable("oldestEventTime", w.OldestEventTime, false, &d.OldestEventTime)
	nullable("previousDigestS3Bucket", w.PreviousDigestS3Bucket, false, &d.PreviousDigestS3Bucket)
	nullable("previousDigestS3Object", w.PreviousDigestS3Object, false, &d.PreviousDigestS3Object)
	nullable("previousDigestHashValue", w.PreviousDigestHashValue, false, &d.PreviousDigestHashValue)
	nullable("previousDigestHashAlgorithm", w.PreviousDigestHashAlgorithm, false, &d.PreviousDigestHashAlgorithm)
	nullable("previousDigestSignature", w.PreviousDigestSignature, true, &d.PreviousDigestSignature)
	if err != nil {
		return nil, err
	}
	if w.LogFiles != nil && !bytes.Equal(w.LogFiles, []byte("null")) {
		var files []wireLogFile
		if e := json.Unmarshal(w.LogFiles, &files); e != nil {
			return nil, &FormatError{Field: "logFiles", Err: e}
		}
		d.LogFiles = make([]LogFile, len(files))
		for i, f := range files {
			lf := &d.LogFiles[i]
			name := func(m string) string { return "logFiles[" + strconv.Itoa(i) + "]." + m }
			str(name("s3Bucket"), f.S3Bucket, true, &lf.S3Bucket)
			str(name("s3Object"), f.S3Object, true, &lf.S3Object)
			str(name("hashValue"), f.HashValue, true, &lf.HashValue)
			str(name("hashAlgorithm"), f.HashAlgorithm, false, &lf.HashAlgorithm)
			str(name("newestEventTime"), f.NewestEventTime, false, &lf.NewestEventTime)
			str(name("oldestEventTime"), f.OldestEventTime, false, &lf.OldestEventTime)
			if err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

func decodeNullable(name string, raw json.RawMessage) (*string, error) {
	if bytes.Equal(raw, []byte("null")) {
		return nil, nil
	}
	if len(raw) == 0 || raw[0] != '"' {
		return nil, &FormatError{Field: name, Value: clip(string(raw)), Reason: "not a string"}
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, &FormatError{Field: name, Err: err}
	}
	return &s, nil
}
