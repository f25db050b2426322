package logfile

import (
	"context"
	"io"
	"iter"
)

// Object is one stored object: a bucket, a key, the body exactly as stored
// (gzip bytes for log and digest files) and its user metadata.
//
// Metadata holds the user metadata without the "x-amz-meta-" prefix, with
// lower-case names, for example {"signature": "…", "signature-algorithm":
// "SHA256withRSA"}. A nil map means no metadata.
type Object struct {
	Bucket   string
	Key      string
	Body     []byte
	Metadata map[string]string
}

// ObjectInfo describes a stored object without its body: what Store.Open
// returns beside the body's reader.
type ObjectInfo struct {
	Bucket string
	Key    string
	// Size is the body's length in bytes, or -1 when the store does not
	// know it before the body has been read.
	Size int64
	// Metadata is the user metadata, as in Object.
	Metadata map[string]string
}

// defaultMaxObjectSize is NewDirStore's size limit when its options leave it
// zero: 64 MiB. CloudTrail's log files are at most 50 MB, its digest files
// a few MB.
const defaultMaxObjectSize = 64 << 20

// Store is where objects go and come from: a local directory, memory, or S3.
//
// Every implementation must follow these rules, which the storetest suite checks:
//   - Put stores the whole object or nothing: a concurrent Get, Open or List
//     never sees a partial body. A Put to an existing key replaces it.
//   - PutIfAbsent is Put on the condition that no object exists at the key
//     (S3's PutObject with If-None-Match: *). When one exists it stores
//     nothing and returns an error wrapping ErrExists. Among any number of
//     concurrent PutIfAbsent calls for one key, in one process or many,
//     exactly one succeeds and the others see ErrExists; a Get after that
//     returns the winner's body and metadata, never a mixture. An error
//     other than ErrExists leaves it unknown whether the object was
//     stored (as with Put): read the key to find out.
//   - Get returns the whole object. Open returns a reader of the body and
//     the object's ObjectInfo (metadata as Get returns it); the reader yields
//     one stored version of the body, the same a Get at the time of Open
//     would have returned, whatever Puts follow, then io.EOF. A body that
//     ends early is an error (io.ErrUnexpectedEOF), never a short object.
//     The caller must Close the reader. Use Open to read a body as a
//     stream, for example to inflate and hash a log file without holding
//     it in memory.
//   - Get and Open return an error wrapping ErrNotFound when the key does
//     not exist.
//   - A store may limit the size of what Get and Open return (NewDirStore's
//     and s3store's default is 64 MiB). Both refuse a larger object with
//     an *Error wrapping ErrTooLarge (with Size and Limit) before reading
//     its body, so a hostile object cannot make a reader allocate or read
//     without bound.
//   - List yields the keys under prefix that sort strictly after startAfter, in
//     lexicographic (byte) order, once each. Metadata sidecars or other
//     implementation files are never yielded. Iteration stops at the first error,
//     which is yielded with an empty key.
//   - Keys that are not safe (see CheckKey) are refused with an *Error
//     wrapping ErrUnsafeKey.
//   - All methods are safe for concurrent use and honour ctx.
type Store interface {
	Put(ctx context.Context, obj Object) error
	PutIfAbsent(ctx context.Context, obj Object) error
	Get(ctx context.Context, bucket, key string) (Object, error)
	Open(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error)
	List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error]
}
