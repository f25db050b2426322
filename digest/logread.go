package digest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"hash"
	"io"
	"strings"
	"time"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/trailkit/trailkit/logfile"
)

// logSummary is what a digest needs of a stored log file.
type logSummary struct {
	sum            Hash // SHA-256 of the uncompressed bytes
	records        int
	oldest, newest time.Time // eventTime range of the records
	compressed     int64
	uncompressed   int64
}

// logReader reads stored log files as a stream; it is reused between
// files (a gzip reader holds a 32 KB window and the decoder its buffer).
// It is not safe for concurrent use.
type logReader struct {
	zr  kgzip.Reader
	h   hash.Hash
	src countingReader
	out limitedHash
	buf *bytes.Buffer // the head of a file, up to smallLogFile
}

// read summarises the stored log file bucket/key, reading it through
// store.Open: gzip is inflated as it arrives, the inflated bytes feed the
// SHA-256 and a JSON decoder that visits one record at a time, so neither
// the compressed nor the inflated file is ever held in memory whole. A
// file that is not one gzip member of a {"Records":[…]} object with at
// least one record, each with an RFC 3339 eventTime, gives a *FormatError
// (ErrTooLarge above limit uncompressed bytes); a failure of the store or
// of reading its stream is returned as it is.
func (r *logReader) read(ctx context.Context, store logfile.Store, bucket, key string, limit int64) (logSummary, error) {
	rc, _, err := store.Open(ctx, bucket, key)
	if err != nil {
		return logSummary{}, err
	}
	defer rc.Close()
	r.src = countingReader{r: rc}
	if r.h == nil {
		r.h = sha256.New()
	}
	r.h.Reset()
	r.out = limitedHash{h: r.h, left: limit}
	fail := func(err error) (logSummary, error) {
		switch {
		case r.src.err != nil:
			// A failure to read the stored bytes (a broken connection) is
			// the store's error, to retry; only a failure to inflate or
			// parse them makes the file unreadable.
			return logSummary{}, r.src.err
		case r.out.left < 0:
			return logSummary{}, fmt.Errorf("%w: log file %s is larger than %d bytes", ErrTooLarge, key, limit)
		}
		return logSummary{}, &FormatError{Field: "log file " + key, Err: err}
	}
	if err := r.zr.Reset(&r.src); err != nil {
		return fail(err)
	}
	r.zr.Multistream(false)
	body := io.TeeReader(&r.zr, &r.out)
	s := logSummary{}
	visit := func(eventTime string) error {
		t, err := time.Parse(time.RFC3339, eventTime)
		if err != nil {
			return &FormatError{Field: "eventTime in " + key, Value: clip(eventTime), Err: err}
		}
		if s.records == 0 || t.Before(s.oldest) {
			s.oldest = t
		}
		if s.records == 0 || t.After(s.newest) {
			s.newest = t
		}
		s.records++
		return nil
	}
	// Most log files are small: the head of the file, up to smallLogFile,
	// goes into a buffer the reader keeps, and a file that ends there is
	// decoded in one go (a json.Decoder per file costs a sixth more CPU
	// on CloudTrail's typical files of a few KB). A larger file is decoded
	// as it streams, from the buffered head on.
	if r.buf == nil {
		r.buf = bytes.NewBuffer(make([]byte, 0, smallLogFile+2*bytes.MinRead))
	}
	r.buf.Reset()
	n, err := r.buf.ReadFrom(io.LimitReader(body, smallLogFile+1))
	if err != nil {
		return fail(err)
	}
	if n <= smallLogFile {
		err = unmarshalRecords(r.buf.Bytes(), visit)
	} else {
		err = decodeRecords(json.NewDecoder(io.MultiReader(bytes.NewReader(r.buf.Bytes()), body)), visit)
		if err == nil {
			// Hash what follows the object in the member (whitespace) too.
			_, err = io.Copy(io.Discard, body)
		}
	}
	if err != nil {
		if _, ok := err.(*FormatError); ok && r.src.err == nil && r.out.left >= 0 {
			return logSummary{}, err
		}
		return fail(err)
	}
	if s.records == 0 {
		return logSummary{}, &FormatError{Field: "log file " + key, Reason: "no records"}
	}
	r.h.Sum(s.sum[:0])
	s.compressed, s.uncompressed = r.src.n, limit-r.out.left
	return s, nil
}

// smallLogFile is the size up to which a log file is decoded from one
// buffer rather than as a stream.
const smallLogFile = 256 << 10

// unmarshalRecords calls fn with the eventTime of each record of the log
// file body {"Records":[…]}, decoded with json.Unmarshal's rules.
func unmarshalRecords(body []byte, fn func(eventTime string) error) error {
	var v struct {
		Records []struct {
			EventTime string `json:"eventTime"`
		} `json:"Records"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	for _, rec := range v.Records {
		if err := fn(rec.EventTime); err != nil {
			return err
		}
	}
	return nil
}

// decodeRecords walks {"Records":[{…"eventTime":"…"…},…]} token by token
// and calls fn with each record's eventTime, so that memory is bounded by
// the largest record. It follows json.Unmarshal's rules as
// unmarshalRecords does, except that with the member "Records" given twice
// (matched case-insensitively, as Unmarshal does) fn sees the records of
// both rather than of the last. Other members of the object are skipped;
// a second value after the object is an error.
func decodeRecords(dec *json.Decoder, fn func(eventTime string) error) error {
	first, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := first.(json.Delim); first != nil && (!ok || d != '{') {
		return fmt.Errorf("want an object, have %v", first)
	}
	for first != nil && dec.More() { // null holds no record
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if name, _ := tok.(string); !strings.EqualFold(name, "Records") {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		tok, err = dec.Token()
		if err != nil {
			return err
		}
		if tok == nil {
			continue // "Records": null holds no record
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("Records is %v, not an array", tok)
		}
		for dec.More() {
			var rec struct {
				EventTime string `json:"eventTime"`
			}
			if err := dec.Decode(&rec); err != nil {
				return err
			}
			if err := fn(rec.EventTime); err != nil {
				return err
			}
		}
		if err := expectDelim(dec, ']'); err != nil {
			return err
		}
	}
	if first != nil {
		if err := expectDelim(dec, '}'); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			return fmt.Errorf("data after the top-level object")
		}
		return err
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("want %q, have %v", want, tok)
	}
	return nil
}

// countingReader counts the bytes read and remembers the first error other
// than io.EOF its reader returned.
type countingReader struct {
	r   io.Reader
	n   int64
	err error
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if err != nil && err != io.EOF && c.err == nil {
		c.err = err
	}
	return n, err
}
