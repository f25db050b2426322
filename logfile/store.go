package logfile

import (
	"context"
	"errors"
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

// Store is where objects go and come from: a local directory, memory, or S3.
//
// Every implementation must follow these rules, which the storetest suite checks:
//   - Put stores the whole object or nothing: a concurrent Get or List never
//     sees a partial body. A Put to an existing key replaces it.
//   - PutIfAbsent is Put on the condition that no object exists at the key
//     (S3's PutObject with If-None-Match: *). When one exists it stores
//     nothing and returns an error wrapping ErrExists. Among any number of
//     concurrent PutIfAbsent calls for one key, in one process or many,
//     exactly one succeeds and the others see ErrExists; a Get after that
//     returns the winner's body and metadata, never a mixture. An error
//     other than ErrExists leaves it unknown whether the object was
//     stored (as with Put): read the key to find out.
//   - Get returns an error wrapping ErrNotFound when the key does not exist.
//   - List yields the keys under prefix that sort strictly after startAfter, in
//     lexicographic (byte) order, once each. Metadata sidecars or other
//     implementation files are never yielded. Iteration stops at the first error,
//     which is yielded with an empty key.
//   - Keys that are not safe (see CheckKey) are refused with a *KeyError.
//   - All methods are safe for concurrent use and honour ctx.
type Store interface {
	Put(ctx context.Context, obj Object) error
	PutIfAbsent(ctx context.Context, obj Object) error
	Get(ctx context.Context, bucket, key string) (Object, error)
	List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error]
}

// ErrNotFound is wrapped by the error a Store returns for a missing object or bucket.
var ErrNotFound = errors.New("logfile: object not found")

// ErrExists is wrapped by the error a Store's PutIfAbsent returns when an
// object already exists at the key.
var ErrExists = errors.New("logfile: object already exists")
