package logfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"iter"

	"github.com/klauspost/compress/gzip"

	"github.com/trailkit/trailkit/event"
)

// ReadOptions defaults.
const (
	defaultMaxDecompressedSize = 1 << 30
	defaultMaxRecordBytes      = 1 << 20
)

// ReadOptions configures ReadRecords and ReadJSONLines; the zero value
// selects the defaults.
type ReadOptions struct {
	// MaxDecompressedSize caps the uncompressed bytes read (default 1 GiB,
	// 20 times the largest file CloudTrail writes; negative: no cap).
	MaxDecompressedSize int64
	// MaxRecordBytes caps the length of one record's JSON (default 1 MiB,
	// four times CloudTrail's 256 KB limit). It bounds the memory used.
	MaxRecordBytes int
}

// digestMembers are the top-level keys of a digest file.
var digestMembers = map[string]bool{
	"awsAccountId": true, "digestStartTime": true, "digestEndTime": true, "digestS3Bucket": true,
	"digestS3Object": true, "digestPublicKeyFingerprint": true, "digestSignatureAlgorithm": true,
	"newestEventTime": true, "oldestEventTime": true, "previousDigestS3Bucket": true,
	"previousDigestS3Object": true, "previousDigestHashValue": true, "previousDigestHashAlgorithm": true,
	"previousDigestSignature": true, "logFiles": true,
}

// reader is ReadRecords' state: a scanner over the uncompressed bytes.
type reader struct {
	br      *bufio.Reader
	gz      *gzip.Reader
	src     io.Reader // the uncompressed bytes
	opts    ReadOptions
	buf     []byte
	pos     int   // next unread byte in buf
	end     int   // end of valid bytes in buf
	off     int64 // offset of buf[0] in the uncompressed stream
	total   int64 // uncompressed bytes read so far
	eof     bool
	state   int
	records int
	err     error
}

const (
	stateStart = iota
	stateFirst // after '[': an element or ']'
	stateNext  // after an element: ',' or ']'
	stateDone  // after the final '}' and the checks
)

// ReadRecords streams the records of one log file or Insights file in r:
// gzip (recognised by the magic bytes 1f 8b) or plain JSON of the form
// {"Records":[…]} with any JSON whitespace between tokens. It never holds
// more than one record's JSON plus a 32 KiB window, whatever the file's
// size: a scanner finds each element's bytes inside the Records array and
// event.Unmarshal decodes them.
//
// What it accepts and rejects: the top-level object must start with the
// member "Records" (spelled without escapes) whose value is an array of objects, and end right after
// it (like the AWS CloudTrail Processing Library). A digest file gives
// ErrDigestFile; other JSON gives ErrMalformedLogFile; a gzip stream must
// be a single member followed by nothing, and plain JSON may be followed
// only by whitespace (ErrMalformedLogFile). Input inflating past
// MaxDecompressedSize and a record longer than MaxRecordBytes give
// ErrTooLarge. Every error is a *RecordError saying where (Record, Offset),
// and ends the iteration; so does the end of the file.
//
// The iterator reads r as it goes: range over it once. Insights files are
// read the same way (their records have EventType AwsCloudTrailInsight).
func ReadRecords(r io.Reader, opts ReadOptions) iter.Seq2[*event.Record, error] {
	return func(yield func(*event.Record, error) bool) {
		rd := newReader(r, opts)
		for {
			rec, err := rd.Next()
			if err == io.EOF || !yield(rec, err) || err != nil {
				return
			}
		}
	}
}

// newReader returns a reader of the log file in r. It reads nothing until
// the first call of Next.
func newReader(r io.Reader, opts ReadOptions) *reader {
	if opts.MaxDecompressedSize == 0 {
		opts.MaxDecompressedSize = defaultMaxDecompressedSize
	}
	if opts.MaxRecordBytes <= 0 {
		opts.MaxRecordBytes = defaultMaxRecordBytes
	}
	return &reader{br: bufio.NewReaderSize(r, 32<<10), opts: opts}
}

func (r *reader) fail(kind error, cause error, msg string) error {
	rec := r.records
	if r.state == stateStart {
		rec = -1
	}
	r.err = &RecordError{Op: "read", Record: rec, Offset: r.off + int64(r.pos), Err: detail(kind, msg, cause)}
	return r.err
}

// open detects gzip and sets up src.
func (r *reader) open() error {
	magic, err := r.br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		r.gz, err = gzip.NewReader(r.br)
		if err != nil {
			return r.fail(ErrMalformedLogFile, err, "gzip header")
		}
		r.gz.Multistream(false)
		r.src = r.gz
	} else {
		if err != nil && err != io.EOF {
			return r.fail(ErrMalformedLogFile, err, "")
		}
		r.src = r.br
	}
	r.buf = make([]byte, 32<<10)
	return nil
}

// fill reads more uncompressed bytes, compacting the buffer first and
// growing it when the unread part fills it. It returns io.EOF at the end.
func (r *reader) fill() error {
	if r.eof {
		return io.EOF
	}
	if r.pos > 0 {
		n := copy(r.buf, r.buf[r.pos:r.end])
		r.off += int64(r.pos)
		r.pos, r.end = 0, n
	}
	if r.end == len(r.buf) {
		if len(r.buf) >= r.opts.MaxRecordBytes+64 {
			return r.fail(ErrTooLarge, nil, fmt.Sprintf("record longer than %d bytes (MaxRecordBytes)", r.opts.MaxRecordBytes))
		}
		nb := make([]byte, min(2*len(r.buf), r.opts.MaxRecordBytes+64))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for {
		n, err := r.src.Read(r.buf[r.end:])
		r.end += n
		r.total += int64(n)
		if r.opts.MaxDecompressedSize > 0 && r.total > r.opts.MaxDecompressedSize {
			return r.fail(ErrTooLarge, nil, fmt.Sprintf("inflates to more than %d bytes (MaxDecompressedSize)", r.opts.MaxDecompressedSize))
		}
		if err == io.EOF {
			r.eof = true
			if n > 0 {
				return nil
			}
			return io.EOF
		}
		if err != nil {
			r.pos = r.end
			return r.fail(ErrMalformedLogFile, err, "reading input")
		}
		if n > 0 {
			return nil
		}
	}
}

// peek skips JSON whitespace and returns the next byte without consuming it.
func (r *reader) peek() (byte, error) {
	for {
		for r.pos < r.end {
			switch c := r.buf[r.pos]; c {
			case ' ', '\t', '\n', '\r':
				r.pos++
			default:
				return c, nil
			}
		}
		if err := r.fill(); err != nil {
			return 0, err
		}
	}
}

// expect consumes byte want after whitespace.
func (r *reader) expect(want byte, what string) error {
	c, err := r.peek()
	if err == io.EOF {
		return r.fail(ErrMalformedLogFile, io.ErrUnexpectedEOF, "want "+what)
	}
	if err != nil {
		return err
	}
	if c != want {
		return r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("want %s, found %q", what, c))
	}
	r.pos++
	return nil
}

// header reads up to and including the '[' of the Records array.
func (r *reader) header() error {
	if err := r.open(); err != nil {
		return err
	}
	c, err := r.peek()
	if err == io.EOF {
		return r.fail(ErrMalformedLogFile, nil, "empty input")
	}
	if err != nil {
		return err
	}
	if c != '{' {
		return r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("want a JSON object, found %q", c))
	}
	r.pos++
	if c, err = r.peek(); err != nil && err != io.EOF {
		return err
	}
	if err == io.EOF || c != '"' {
		return r.fail(ErrMalformedLogFile, nil, `want the member "Records"`)
	}
	// The first key: read it raw (CloudTrail and digest keys need no escapes).
	r.pos++
	start := r.pos
	for {
		if r.pos == r.end {
			shift := r.pos - start
			r.pos = start
			if err := r.fill(); err != nil {
				if err == io.EOF {
					return r.fail(ErrMalformedLogFile, io.ErrUnexpectedEOF, "in the first member name")
				}
				return err
			}
			start, r.pos = r.pos, r.pos+shift
		}
		if r.buf[r.pos] == '"' {
			break
		}
		if r.pos-start > 64 {
			return r.fail(ErrMalformedLogFile, nil, `want the member "Records"`)
		}
		r.pos++
	}
	key := string(r.buf[start:r.pos])
	r.pos++
	switch {
	case key == "Records":
	case digestMembers[key]:
		return r.fail(ErrDigestFile, nil, fmt.Sprintf("first member %q", key))
	default:
		return r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("first member is %q, want \"Records\"", key))
	}
	if err := r.expect(':', "':'"); err != nil {
		return err
	}
	if c, err = r.peek(); err == nil && c != '[' {
		return r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("Records is not an array: found %q", c))
	}
	if err := r.expect('[', "'['"); err != nil {
		return err
	}
	r.state = stateFirst
	return nil
}

// span returns the bytes of the JSON value starting at r.pos (an object)
// and consumes them. The slice is valid until the next fill. It tracks only
// strings and bracket depth; event.Unmarshal validates the rest.
func (r *reader) span() ([]byte, error) {
	i, depth, inStr := r.pos, 0, false
	for {
		buf := r.buf[:r.end]
	scan:
		for i < len(buf) {
			if inStr {
				// Most of a record is string bytes: jump to the next quote
				// and look back for escaping backslashes.
				j := bytes.IndexByte(buf[i:], '"')
				if j < 0 {
					i = len(buf)
					break scan
				}
				i += j
				bs := 0
				for k := i - 1; buf[k] == '\\'; k-- {
					bs++
				}
				i++
				if bs%2 == 0 {
					inStr = false
				}
				continue
			}
			switch buf[i] {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					if i+1-r.pos > r.opts.MaxRecordBytes {
						return nil, r.fail(ErrTooLarge, nil, fmt.Sprintf("record longer than %d bytes (MaxRecordBytes)", r.opts.MaxRecordBytes))
					}
					rec := buf[r.pos : i+1]
					r.pos = i + 1
					return rec, nil
				}
			}
			i++
		}
		if i-r.pos > r.opts.MaxRecordBytes {
			return nil, r.fail(ErrTooLarge, nil, fmt.Sprintf("record longer than %d bytes (MaxRecordBytes)", r.opts.MaxRecordBytes))
		}
		shift := r.pos
		if err := r.fill(); err != nil {
			if err == io.EOF {
				r.pos = r.end
				return nil, r.fail(ErrMalformedLogFile, io.ErrUnexpectedEOF, "truncated record")
			}
			return nil, err
		}
		i -= shift
	}
}

// finish checks what follows the Records array: '}', then nothing.
func (r *reader) finish() error {
	if err := r.expect('}', "'}' after the Records array"); err != nil {
		return err
	}
	switch c, err := r.peek(); {
	case err == nil:
		return r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("%q after the JSON object", c))
	case err != io.EOF:
		return err
	}
	if r.gz != nil {
		// The member's CRC and length were checked by the gzip reader when it
		// returned io.EOF; now nothing may follow it.
		if _, err := r.br.ReadByte(); err == nil {
			return r.fail(ErrMalformedLogFile, nil, "bytes after the gzip member")
		} else if err != io.EOF {
			return r.fail(ErrMalformedLogFile, err, "reading input")
		}
	}
	r.state = stateDone
	return nil
}

// Next returns the next record, or io.EOF after the last one. Errors are
// *RecordError values; see ReadRecords. After an error it returns the same
// error again.
func (r *reader) Next() (*event.Record, error) {
	return r.next()
}

func (r *reader) next() (*event.Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.state == stateStart {
		if err := r.header(); err != nil {
			return nil, err
		}
	}
	if r.state == stateDone {
		return nil, io.EOF
	}
	c, err := r.peek()
	if err == io.EOF {
		return nil, r.fail(ErrMalformedLogFile, io.ErrUnexpectedEOF, "unterminated Records array")
	}
	if err != nil {
		return nil, err
	}
	if r.state == stateNext {
		switch c {
		case ',':
			r.pos++
			if c, err = r.peek(); err == io.EOF {
				return nil, r.fail(ErrMalformedLogFile, io.ErrUnexpectedEOF, "unterminated Records array")
			} else if err != nil {
				return nil, err
			}
			if c != '{' {
				return nil, r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("want a record object after ',', found %q", c))
			}
		case ']':
		default:
			return nil, r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("want ',' or ']' in Records, found %q", c))
		}
	}
	if c == ']' {
		r.pos++
		if err := r.finish(); err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	if c != '{' {
		return nil, r.fail(ErrMalformedLogFile, nil, fmt.Sprintf("want a record object, found %q", c))
	}
	start := r.off + int64(r.pos)
	data, err := r.span()
	if err != nil {
		return nil, err
	}
	rec := new(event.Record)
	if err := event.Unmarshal(data, rec); err != nil {
		off := start
		var se *event.SyntaxError
		if errors.As(err, &se) {
			off += se.Offset
		}
		r.err = &RecordError{Op: "read", Record: r.records, Offset: off, Err: detail(ErrMalformedLogFile, "", err)}
		return nil, r.err
	}
	r.records++
	r.state = stateNext
	return rec, nil
}
