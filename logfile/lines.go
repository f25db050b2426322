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

// ReadJSONLines yields the records of a JSON-lines stream: one CloudTrail
// record per line, the shape CloudWatch Logs, EventBridge and CloudTrail
// Lake exports take, beside the {"Records":[…]} log files ReadRecords reads.
// Each non-blank line is one of
//
//   - a record object (it must have "eventVersion", as every CloudTrail
//     record has), as a CloudWatch Logs log event's message or a
//     Lake event holds it, and as trailkit export --format jsonl writes it;
//   - an EventBridge event whose "detail" is the record (an object with
//     "detail-type" and "detail" members and no "eventVersion");
//   - a CloudWatch Logs export line: a timestamp, one space, then the
//     record object (2024-03-05T10:17:42.000Z {"eventVersion":…}).
//
// Lines end with "\n" (a preceding "\r" is dropped); blank lines are
// skipped. The input may be gzip-compressed (recognised by the magic bytes
// 1f 8b; concatenated members, as Firehose writes them, are one stream).
//
// Memory is bounded by one line: a line longer than opts.MaxRecordBytes
// gives ErrTooLarge and ends the stream, as do input inflating past
// opts.MaxDecompressedSize (ErrTooLarge) and read or gzip errors
// (ErrMalformedLogFile). A line that is not a record gives
// ErrMalformedLogFile, and the lines after it are still read if the loop
// goes on. Every error is a *RecordError whose Record is the 0-based line
// number (-1 for a bad gzip header) and Offset the byte offset of the line
// in the uncompressed input.
func ReadJSONLines(r io.Reader, opts ReadOptions) iter.Seq2[*event.Record, error] {
	if opts.MaxDecompressedSize == 0 {
		opts.MaxDecompressedSize = defaultMaxDecompressedSize
	}
	if opts.MaxRecordBytes <= 0 {
		opts.MaxRecordBytes = defaultMaxRecordBytes
	}
	return func(yield func(*event.Record, error) bool) {
		br := bufio.NewReaderSize(r, 32<<10)
		var src io.Reader = br
		if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
			gz, err := gzip.NewReader(br)
			if err != nil {
				yield(nil, &RecordError{Op: "read", Record: -1, Offset: 0, Err: detail(ErrMalformedLogFile, "gzip header", err)})
				return
			}
			defer gz.Close()
			src = gz
		}
		lr := bufio.NewReaderSize(src, 32<<10)
		var (
			off  int64 // offset of the current line
			line []byte
			no   int
		)
		fail := func(kind, cause error, msg string) *RecordError {
			return &RecordError{Op: "read", Record: no, Offset: off, Err: detail(kind, fmt.Sprintf("line %d", no+1)+msg, cause)}
		}
		for ; ; no++ {
			line = line[:0]
			var err error
			for {
				var part []byte
				part, err = lr.ReadSlice('\n')
				if len(line)+len(part) > opts.MaxRecordBytes+2 { // + "\r\n"
					yield(nil, fail(ErrTooLarge, nil, fmt.Sprintf(": longer than %d bytes (MaxRecordBytes)", opts.MaxRecordBytes)))
					return
				}
				line = append(line, part...)
				if err != bufio.ErrBufferFull {
					break
				}
			}
			if opts.MaxDecompressedSize > 0 && off+int64(len(line)) > opts.MaxDecompressedSize {
				yield(nil, fail(ErrTooLarge, nil, fmt.Sprintf(": input inflates to more than %d bytes (MaxDecompressedSize)", opts.MaxDecompressedSize)))
				return
			}
			if err != nil && err != io.EOF {
				yield(nil, fail(ErrMalformedLogFile, err, ""))
				return
			}
			if rec, perr := parseLine(line); perr != nil {
				if !yield(nil, fail(ErrMalformedLogFile, perr, "")) {
					return
				}
			} else if rec != nil && !yield(rec, nil) {
				return
			}
			off += int64(len(line))
			if err == io.EOF {
				return
			}
		}
	}
}

var errNotRecord = errors.New("not a CloudTrail record, EventBridge event or CloudWatch Logs export line")

// parseLine decodes one line; nil, nil for a blank line.
func parseLine(line []byte) (*event.Record, error) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return nil, nil
	}
	if line[0] != '{' {
		// CloudWatch Logs export: "<timestamp> <message>".
		sp := bytes.IndexByte(line, ' ')
		if sp <= 0 || sp+1 >= len(line) || line[sp+1] != '{' || bytes.ContainsAny(line[:sp], "{}\"") {
			return nil, errNotRecord
		}
		line = line[sp+1:]
	}
	rec := new(event.Record)
	if err := event.Unmarshal(line, rec); err != nil {
		return nil, err
	}
	if rec.EventVersion == "" {
		if _, ok := rec.Unknown.Get("detail-type"); ok {
			detail, ok := rec.Unknown.Get("detail")
			if !ok || len(detail) == 0 || detail[0] != '{' {
				return nil, errors.New(`EventBridge event without a "detail" object`)
			}
			rec = new(event.Record)
			if err := event.Unmarshal(detail, rec); err != nil {
				return nil, err
			}
		}
	}
	if rec.EventVersion == "" {
		return nil, errNotRecord
	}
	return rec, nil
}
