package digest

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every error this package returns for bad input wraps one
// of them, so callers can test with errors.Is.
var (
	// ErrInvalidFormat: a digest, public key list or wire value is not
	// what CloudTrail writes (not gzip, not JSON, a missing or mistyped
	// field, a malformed hash).
	ErrInvalidFormat = errors.New("digest: invalid format")
	// ErrTooLarge: a digest or log file exceeds the configured size cap.
	ErrTooLarge = errors.New("digest: object too large")
	// ErrNoPublicKeys: the key ring holds no key valid in the requested range.
	ErrNoPublicKeys = errors.New("digest: no public keys found")
	// ErrChainClosed: Add, Tick or Close on a closed Chain.
	ErrChainClosed = errors.New("digest: chain closed")
	// ErrBadConfig: a ChainConfig or ValidateOptions misses a required field
	// or holds an invalid one.
	ErrBadConfig = errors.New("digest: invalid configuration")
)

// FormatError reports malformed input: which field, what value (clipped)
// and why. It wraps ErrInvalidFormat.
type FormatError struct {
	Field  string
	Value  string
	Reason string
	Err    error // underlying cause, if any
}

// Error implements error.
func (e *FormatError) Error() string {
	s := "digest: invalid " + e.Field
	if e.Value != "" {
		s += fmt.Sprintf(" %q", e.Value)
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns ErrInvalidFormat and the underlying cause.
func (e *FormatError) Unwrap() []error {
	if e.Err != nil {
		return []error{ErrInvalidFormat, e.Err}
	}
	return []error{ErrInvalidFormat}
}

// SizeError reports an object over a size cap. It wraps ErrTooLarge.
type SizeError struct {
	What  string // "digest" or "log file"
	Limit int64
}

// Error implements error.
func (e *SizeError) Error() string {
	return fmt.Sprintf("digest: %s larger than %d bytes", e.What, e.Limit)
}

// Unwrap returns ErrTooLarge.
func (e *SizeError) Unwrap() error { return ErrTooLarge }

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadConfig}, args...)...)
}
