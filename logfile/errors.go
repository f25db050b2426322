package logfile

import (
	"errors"
	"fmt"
	"strings"
)

// NotFoundError reports a missing object. It wraps ErrNotFound.
type NotFoundError struct {
	Bucket, Key string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("logfile: s3://%s/%s: object not found", e.Bucket, e.Key)
}

// Unwrap returns ErrNotFound.
func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// ExistsError reports that PutIfAbsent found an object at the key. It
// wraps ErrExists.
type ExistsError struct {
	Bucket, Key string
}

func (e *ExistsError) Error() string {
	return fmt.Sprintf("logfile: s3://%s/%s: object already exists", e.Bucket, e.Key)
}

// Unwrap returns ErrExists.
func (e *ExistsError) Unwrap() error { return ErrExists }

// ErrUnsafeKey is wrapped by every *KeyError.
var ErrUnsafeKey = errors.New("logfile: unsafe bucket or key")

// KeyError reports a bucket or key that a Store refuses because it could
// address something outside the store: empty, absolute, containing a "." or
// ".." path segment, a backslash, a NUL or another control character, or
// longer than S3's 1024-byte key limit. It wraps ErrUnsafeKey.
type KeyError struct {
	Bucket, Key string
	Reason      string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("logfile: refusing bucket %q key %q: %s", e.Bucket, e.Key, e.Reason)
}

// Unwrap returns ErrUnsafeKey.
func (e *KeyError) Unwrap() error { return ErrUnsafeKey }

// CheckKey reports whether bucket and key are safe to use as a relative path
// below a store's root: it returns nil or a *KeyError. Every Store applies
// it, so a hostile key from a digest file cannot address anything outside
// the store. Valid CloudTrail keys always pass.
func CheckKey(bucket, key string) error {
	bad := func(reason string) error { return &KeyError{Bucket: bucket, Key: key, Reason: reason} }
	if bucket == "" || len(bucket) > 255 {
		return bad("bucket name must be 1 to 255 bytes")
	}
	if strings.ContainsAny(bucket, "/\\") || bucket == "." || bucket == ".." {
		return bad("bucket name must not contain a path separator or be . or ..")
	}
	for i := 0; i < len(bucket); i++ {
		if bucket[i] < 0x20 || bucket[i] == 0x7f {
			return bad("bucket name contains a control character")
		}
	}
	if key == "" {
		return bad("empty key")
	}
	if len(key) > 1024 {
		return bad("key longer than 1024 bytes")
	}
	if key[0] == '/' {
		return bad("absolute key")
	}
	if strings.IndexByte(key, '\\') >= 0 {
		return bad("key contains a backslash")
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x20 || key[i] == 0x7f {
			return bad("key contains a control character")
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		switch seg {
		case "":
			return bad("key contains an empty path segment")
		case ".", "..":
			return bad("key contains a . or .. path segment")
		}
	}
	return nil
}
