package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
)

// Hash is a SHA-256 value as digests write it: 64 lowercase hex digits.
type Hash [32]byte

func sumHash(b []byte) Hash { return Hash(sha256.Sum256(b)) }

// String returns the 64 lowercase hex digits of h.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// parseHash parses exactly 64 lowercase hex digits. Anything else (upper
// case, 63 digits as in some real digests' previousDigestHashValue) is a
// *FormatError wrapping ErrInvalidFormat.
func parseHash(s string) (Hash, error) {
	var h Hash
	if err := parseLowerHex(h[:], s, "hash"); err != nil {
		return Hash{}, err
	}
	return h, nil
}

// Fingerprint identifies a public key: the MD5 of its DER bytes exactly as
// ListPublicKeys returns them, written as 32 lowercase hex digits.
type Fingerprint [16]byte

func fingerprintOf(der []byte) Fingerprint { return Fingerprint(md5.Sum(der)) }

// String returns the 32 lowercase hex digits of f.
func (f Fingerprint) String() string { return hex.EncodeToString(f[:]) }

// parseFingerprint parses exactly 32 lowercase hex digits.
func parseFingerprint(s string) (Fingerprint, error) {
	var f Fingerprint
	if err := parseLowerHex(f[:], s, "fingerprint"); err != nil {
		return Fingerprint{}, err
	}
	return f, nil
}

// parseSignature parses a signature as stored (the digest's signature
// metadata, the next digest's previousDigestSignature): a non-empty,
// even-length string of lowercase hex digits.
func parseSignature(s string) ([]byte, error) {
	if s == "" || len(s)%2 != 0 {
		return nil, &FormatError{Field: "signature", Value: clip(s), Reason: "need a non-empty even number of hex digits"}
	}
	b := make([]byte, len(s)/2)
	if err := parseLowerHex(b, s, "signature"); err != nil {
		return nil, err
	}
	return b, nil
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
