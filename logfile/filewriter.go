package logfile

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailkit/trailkit/event"
)

// FileWriter writes the framing of one log file to an io.Writer: a single
// gzip member holding {"Records":[r1,r2,…]}, the records in CloudTrail's
// encoding separated by commas, nothing else. It keeps what a digest lists
// for the file: the SHA-256 of the uncompressed bytes, the record count and
// the oldest and newest eventTime. Writer builds each of its files with
// one, so the bytes are the same.
//
// A FileWriter checks each record as Writer.Write does (ErrTooLarge,
// ErrInvalidRecord) and is not safe for concurrent use. An error from
// the underlying io.Writer is returned by that and every later call.
type FileWriter struct {
	gz      *gzip.Writer
	level   int
	sum     hash.Hash
	records int
	size    int64
	oldest  time.Time
	newest  time.Time
	err     error
	done    *FileSummary
}

// FileSummary describes a log file a FileWriter wrote.
type FileSummary struct {
	// SHA256 is the hash of the uncompressed bytes, what a digest lists.
	SHA256  [32]byte
	Records int
	// UncompressedSize counts the bytes SHA256 covers.
	UncompressedSize int64
	// OldestEventTime and NewestEventTime are the records' extreme
	// eventTimes; zero for a file without records.
	OldestEventTime, NewestEventTime time.Time
}

// gzPools holds gzip writers per level (gzip.StatelessCompression, -3, to
// gzip.BestCompression, 9).
var gzPools [13]sync.Pool

// NewFileWriter starts a log file on w, gzip-compressed at level (a
// compress/gzip level; 0 selects 3, as in WriterOptions).
func NewFileWriter(w io.Writer, level int) (*FileWriter, error) {
	if level == 0 {
		level = defaultLevel
	}
	f := &FileWriter{level: level, sum: sha256.New()}
	if i := level + 3; i >= 0 && i < len(gzPools) {
		if gz, ok := gzPools[i].Get().(*gzip.Writer); ok {
			gz.Reset(w)
			f.gz = gz
		}
	}
	if f.gz == nil {
		gz, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return nil, fmt.Errorf("logfile: NewFileWriter: %w", err)
		}
		f.gz = gz
	}
	f.write([]byte(`{"Records":[`))
	return f, f.err
}

// WriteRecord appends r. It returns a *RecordError wrapping ErrTooLarge or
// ErrInvalidRecord (and writes nothing) when Writer.Write would refuse r,
// or the underlying writer's error.
func (f *FileWriter) WriteRecord(r *event.Record) error {
	bp := encodePool.Get().(*[]byte)
	defer putEncodeBuf(bp)
	data, err := encodeRecord(r, bp)
	if err != nil {
		return err
	}
	f.append(data, r.EventTime)
	return f.err
}

// Records returns the number of records written so far.
func (f *FileWriter) Records() int { return f.records }

// Size returns the uncompressed bytes written so far, framing included.
func (f *FileWriter) Size() int64 { return f.size }

// Close ends the JSON and the gzip member (it does not close the
// underlying writer) and returns the file's summary. Calling it again
// returns the same.
func (f *FileWriter) Close() (FileSummary, error) {
	if f.done != nil {
		return *f.done, f.err
	}
	f.write([]byte(`]}`))
	if err := f.gz.Close(); f.err == nil {
		f.err = err
	}
	if i := f.level + 3; i >= 0 && i < len(gzPools) {
		f.gz.Reset(io.Discard)
		gzPools[i].Put(f.gz)
	}
	f.gz = nil
	s := FileSummary{Records: f.records, UncompressedSize: f.size, OldestEventTime: f.oldest, NewestEventTime: f.newest}
	f.sum.Sum(s.SHA256[:0])
	f.sum = nil
	f.done = &s
	return s, f.err
}

// append adds one encoded record with its eventTime.
func (f *FileWriter) append(data []byte, t time.Time) {
	if f.records > 0 {
		f.write([]byte{','})
	}
	f.write(data)
	if f.records == 0 || t.Before(f.oldest) {
		f.oldest = t
	}
	if f.records == 0 || t.After(f.newest) {
		f.newest = t
	}
	f.records++
}

func (f *FileWriter) write(p []byte) {
	if f.err == nil {
		_, f.err = f.gz.Write(p)
	}
	f.sum.Write(p)
	f.size += int64(len(p))
}
