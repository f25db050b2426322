package logfile

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The sentinel errors. Every error the package returns wraps one of them
// (test with errors.Is) inside an *Error or a *RecordError that carries the
// evidence (test with errors.As).
var (
	// ErrNotFound: a Store's Get or Open found no object (or no bucket)
	// at the key.
	ErrNotFound = errors.New("object not found")
	// ErrExists: a Store's PutIfAbsent found an object at the key and
	// stored nothing.
	ErrExists = errors.New("object already exists")
	// ErrUnsafeKey: a Store refused a bucket or key that could address
	// something outside the store (see CheckKey), or that a directory
	// store (NewDirStore) cannot hold safely (a reserved name, a symbolic
	// link, a file with other hard links).
	ErrUnsafeKey = errors.New("unsafe bucket or key")
	// ErrKeyConflict: a directory store (NewDirStore) cannot store a key
	// because another key uses its path as a directory ("a/b" and
	// "a/b/c"), or the other way round. S3 allows both; a file system does
	// not.
	ErrKeyConflict = errors.New("key conflicts with another key's directory")
	// ErrMalformedMetadata: a directory store (NewDirStore) found a
	// metadata sidecar that is not a flat JSON object of strings.
	ErrMalformedMetadata = errors.New("malformed metadata sidecar")
	// ErrTooLarge: something is larger than a limit: an object larger
	// than a store's size limit (an *Error with Size and Limit), a log
	// file inflating past ReadOptions.MaxDecompressedSize or a record
	// longer than ReadOptions.MaxRecordBytes (a *RecordError), or a
	// record whose JSON is over 256 KB, CloudTrail's limit, which Write
	// refuses (a *RecordError).
	ErrTooLarge = errors.New("over the size limit")
	// ErrMalformedKey: a key does not follow CloudTrail's layout (ParseKey,
	// DigestChain.Parse), or a Key's fields cannot form one
	// (Key.Validate). The *Error's Field names the part at fault.
	ErrMalformedKey = errors.New("malformed CloudTrail key")
	// ErrMalformedLogFile: the input is not a log file: not {"Records":[…]}
	// JSON, malformed or truncated JSON, a record that cannot be decoded,
	// bytes after the JSON object or the gzip member, or corrupt gzip data;
	// for ReadJSONLines, a line that is not a record.
	ErrMalformedLogFile = errors.New("malformed log file")
	// ErrDigestFile: ReadRecords was given a CloudTrail digest file (its
	// top-level object starts with a digest member such as
	// "awsAccountId"), not a log file.
	ErrDigestFile = errors.New("a digest file, not a log file")
	// ErrInvalidRecord: Write or FileWriter.WriteRecord refused a record
	// whose recipientAccountId or awsRegion cannot name a log file, or
	// whose encoding would not read back as the same record (see
	// Writer.Write). The record was not written.
	ErrInvalidRecord = errors.New("record refused")
	// ErrDeliveryFailed: a Writer's Put of a log file failed. The batch is
	// kept and retried; a Write returning it did accept its record.
	ErrDeliveryFailed = errors.New("log file delivery failed")
	// ErrClosed: Write was called after Close.
	ErrClosed = errors.New("writer closed")
	// ErrSpool: a Writer's spool (WriterOptions.SpoolDir) failed to open,
	// lock, write, sync or read its directory; the cause is an *fs.PathError naming the operation and
	// the file. After a write or sync failure the spool is broken and
	// every later Write fails too. A Write that returns it did not make
	// its record durable: treat the operation the record describes as
	// failed, not as unrecorded.
	ErrSpool = errors.New("spool failed")
)

// Error reports a failed operation on an object, a key or the spool, in
// the manner of *fs.PathError. Err wraps the sentinel that says what went
// wrong (ErrNotFound, ErrTooLarge, ErrMalformedKey, …) and the cause when
// there is one (a store's or the operating system's error).
type Error struct {
	// Op is the operation: "get", "open", "read" (a body being read),
	// "put", "list" (stores); "parse key", "validate key"; "write",
	// "deliver", "spool" (Writer); empty for CheckKey.
	Op string
	// Bucket and Key name the object. For ErrMalformedKey, Key is the key
	// that failed and Bucket is empty.
	Bucket, Key string
	// Field names the part of a key at fault with ErrMalformedKey:
	// "account", "region", "time", "file name", "chain", ….
	Field string
	// Size and Limit come with ErrTooLarge from a store: the object's size
	// in bytes (-1 when the store found out only while reading that it
	// exceeds Limit) and the store's size limit. Both are 0 otherwise.
	Size, Limit int64
	Err         error
}

// Error reads "logfile: <op> s3://<bucket>/<key>: <field>: <err>".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("logfile:")
	if e.Op != "" {
		b.WriteString(" " + e.Op)
	}
	switch {
	case e.Bucket != "":
		b.WriteString(" s3://" + e.Bucket + "/" + e.Key)
	case e.Key != "":
		b.WriteString(" " + strconv.Quote(e.Key))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	if e.Limit > 0 {
		if e.Size >= 0 {
			fmt.Fprintf(&b, " (%d bytes, the limit is %d)", e.Size, e.Limit)
		} else {
			fmt.Fprintf(&b, " (more than the limit of %d bytes)", e.Limit)
		}
	}
	return b.String()
}

// Unwrap returns Err.
func (e *Error) Unwrap() error { return e.Err }

// RecordError reports a record that could not be read from a log file
// (ReadRecords, ReadJSONLines, Scan) or written to one (Writer.Write,
// FileWriter.WriteRecord): where, and why. Err wraps the sentinel
// (ErrMalformedLogFile, ErrDigestFile, ErrTooLarge, ErrInvalidRecord) and
// the cause when there is one (an *event.SyntaxError, an
// *event.EncodeError, a gzip error, a store's error).
//
// Scan yields a *RecordError for every file it skips, also one it could
// not open (Record -1, Err wrapping the store's error); any other error
// ends a scan.
type RecordError struct {
	// Op is "read" or "write".
	Op string
	// Bucket and Key name the file being read, when it is an object (Scan).
	Bucket, Key string
	// Record is the 0-based index of the record being read (for
	// ReadJSONLines, the 0-based line number), or -1 when the problem lies
	// before the first record (the file could not be opened, its gzip
	// header, JSON that is not {"Records":[…]}) and when writing.
	Record int
	// Offset is the byte offset of the problem: in the uncompressed input
	// when reading (for a gzip error, how far inflation got), in the
	// record's encoding where its read-back first differs when writing; -1
	// when unknown.
	Offset int64
	// EventID is the eventID of the record Write refused.
	EventID string
	// Field names the record member at fault when Write refused a record:
	// "recipientAccountId" or "awsRegion" for a record that cannot be
	// routed to a log file, or the dotted path of a raw member that does
	// not read back as itself (e.g. "requestParameters").
	Field string
	Err   error
}

// Error reads "logfile: read s3://<bucket>/<key>: record <n> at offset
// <m>: <err>" or "logfile: write record "<eventID>": <field>: <err>".
func (e *RecordError) Error() string {
	var b strings.Builder
	b.WriteString("logfile: " + e.Op)
	if e.Bucket != "" {
		b.WriteString(" s3://" + e.Bucket + "/" + e.Key)
	}
	switch {
	case e.Op == "write":
		b.WriteString(" record " + strconv.Quote(e.EventID))
	case e.Record >= 0:
		fmt.Fprintf(&b, " record %d", e.Record)
	}
	if e.Offset >= 0 {
		fmt.Fprintf(&b, " at offset %d", e.Offset)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": ")
	if e.Err != nil {
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns Err.
func (e *RecordError) Unwrap() error { return e.Err }

// detail wraps a sentinel with a message and an optional cause: its text
// is "<sentinel>: <msg>: <cause>" and it unwraps to both.
func detail(kind error, msg string, cause error) error {
	return &detailError{kind: kind, msg: msg, cause: cause}
}

type detailError struct {
	kind  error
	msg   string
	cause error
}

func (e *detailError) Error() string {
	s := e.kind.Error()
	if e.msg != "" {
		s += ": " + e.msg
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

func (e *detailError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

// CheckKey reports whether bucket and key are safe to use as a relative
// path below a store's root: it returns nil or an *Error wrapping
// ErrUnsafeKey. Every Store applies it, so a hostile key from a digest
// file cannot address anything outside the store. Valid CloudTrail keys
// always pass.
func CheckKey(bucket, key string) error {
	if reason := unsafeKey(bucket, key); reason != "" {
		return &Error{Bucket: bucket, Key: key, Err: detail(ErrUnsafeKey, reason, nil)}
	}
	return nil
}

// checkKey is CheckKey for the store operation op.
func checkKey(op, bucket, key string) error {
	if reason := unsafeKey(bucket, key); reason != "" {
		return &Error{Op: op, Bucket: bucket, Key: key, Err: detail(ErrUnsafeKey, reason, nil)}
	}
	return nil
}

// unsafeKey returns why bucket and key are unsafe, or "".
func unsafeKey(bucket, key string) string {
	if bucket == "" || len(bucket) > 255 {
		return "bucket name must be 1 to 255 bytes"
	}
	if strings.ContainsAny(bucket, "/\\") || bucket == "." || bucket == ".." {
		return "bucket name must not contain a path separator or be . or .."
	}
	for i := 0; i < len(bucket); i++ {
		if bucket[i] < 0x20 || bucket[i] == 0x7f {
			return "bucket name contains a control character"
		}
	}
	if key == "" {
		return "empty key"
	}
	if len(key) > 1024 {
		return "key longer than 1024 bytes"
	}
	if key[0] == '/' {
		return "absolute key"
	}
	if strings.IndexByte(key, '\\') >= 0 {
		return "key contains a backslash"
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] == 0x7f {
			return "key contains a control character"
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return "key contains an empty path segment"
		case ".", "..":
			return "key contains a . or .. path segment"
		}
	}
	return ""
}
