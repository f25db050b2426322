package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Hash is a SHA-256 value as digests write it: 64 lowercase hex digits.
type Hash [32]byte

// SumHash returns the SHA-256 of b.
func SumHash(b []byte) Hash { return Hash(sha256.Sum256(b)) }

// String returns the 64 lowercase hex digits of h.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText implements encoding.TextMarshaler.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParseHash's rules.
// It assigns only on success.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// ParseHash parses exactly 64 lowercase hex digits. Anything else (upper
// case, 63 digits as in some real digests' previousDigestHashValue) is a
// *FormatError wrapping ErrInvalidFormat.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if err := parseLowerHex(h[:], s, "hash"); err != nil {
		return Hash{}, err
	}
	return h, nil
}

// Fingerprint identifies a public key: the MD5 of its DER bytes exactly as
// ListPublicKeys returns them, written as 32 lowercase hex digits.
type Fingerprint [16]byte

// FingerprintOf returns the fingerprint of a DER-encoded public key.
func FingerprintOf(der []byte) Fingerprint { return Fingerprint(md5.Sum(der)) }

// String returns the 32 lowercase hex digits of f.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// MarshalText implements encoding.TextMarshaler.
func (f Fingerprint) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it assigns only on success.
func (f *Fingerprint) UnmarshalText(b []byte) error {
	v, err := ParseFingerprint(string(b))
	if err != nil {
		return err
	}
	*f = v
	return nil
}

// ParseFingerprint parses exactly 32 lowercase hex digits.
func ParseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	if err := parseLowerHex(f[:], s, "fingerprint"); err != nil {
		return Fingerprint{}, err
	}
	return f, nil
}

// Signature is an RSA signature; on the wire (the digest's signature
// metadata and the next digest's previousDigestSignature) it is lowercase hex.
type Signature []byte

// String returns the lowercase hex of s.
func (s Signature) String() string { return hex.EncodeToString(s) }

// MarshalText implements encoding.TextMarshaler.
func (s Signature) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; it assigns only on success.
func (s *Signature) UnmarshalText(b []byte) error {
	v, err := ParseSignature(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// ParseSignature parses a non-empty, even-length string of lowercase hex digits.
func ParseSignature(s string) (Signature, error) {
	if s == "" || len(s)%2 != 0 {
		return nil, &FormatError{Field: "signature", Value: clip(s), Reason: "need a non-empty even number of hex digits"}
	}
	b := make([]byte, len(s)/2)
	if err := parseLowerHex(b, s, "signature"); err != nil {
		return nil, err
	}
	return Signature(b), nil
}

func parseLowerHex(dst []byte, s, field string) error {
	if len(s) != 2*len(dst) {
		return &FormatError{Field: field, Value: clip(s), Reason: fmt.Sprintf("need %d lowercase hex digits, have %d characters", 2*len(dst), len(s))}
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return &FormatError{Field: field, Value: clip(s), Reason: fmt.Sprintf("character %q at %d is not a lowercase hex digit", c, i)}
		}
	}
	_, err := hex.Decode(dst, []byte(s))
	return err
}

// clip shortens s for error messages, so a hostile value cannot make an
// error huge.
func clip(s string) string {
	const max = 128
	if len(s) > max {
		return s[:max] + "…"
	}
	return s
}
