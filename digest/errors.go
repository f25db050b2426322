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
	// ErrChainClosed: Tick, Close or Resume on a closed Chain, Tick or
	// Close on a closed Digester.
	ErrChainClosed = errors.New("digest: chain closed")
	// ErrBadConfig: a ChainOptions, DigesterOptions or ValidateOptions
	// misses a required field or holds an invalid one (a Signer whose key
	// is not RSA of at least 2048 bits), or Chain.Resume was called for a
	// chain that has started or is outside the options.
	ErrBadConfig = errors.New("digest: invalid configuration")
	// ErrSignature: a digest's signature does not verify with the public
	// key its fingerprint names (Validate reports it in the digest's
	// DigestResult.Err, with StatusSignatureFailed).
	ErrSignature = errors.New("digest: signature verification failed")
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

// tooLarge returns the error for an object over a size cap: it wraps
// ErrTooLarge and names the limit.
func tooLarge(what string, limit int64) error {
	return fmt.Errorf("%w: %s larger than %d bytes", ErrTooLarge, what, limit)
}

func configErr(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrBadConfig}, args...)...)
}
