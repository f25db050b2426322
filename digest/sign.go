package digest

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
)

// stringToSign returns the exact bytes CloudTrail signs for a digest (see
// the package documentation). The values are the decoded JSON strings (so
// "\/" is "/"); previousSignature is nil for a starting digest.
func stringToSign(endTime, bucket, object string, digestHash Hash, previousSignature *string) []byte {
	prev := "null"
	if previousSignature != nil {
		prev = *previousSignature
	}
	b := make([]byte, 0, len(endTime)+len(bucket)+len(object)+len(prev)+70)
	b = append(b, endTime...)
	b = append(b, '\n')
	b = append(b, bucket...)
	b = append(b, '/')
	b = append(b, object...)
	b = append(b, '\n')
	b = append(b, digestHash.String()...)
	b = append(b, '\n')
	return append(b, prev...)
}

// Signer signs digests. Implementations must be safe for concurrent use.
type Signer interface {
	// Sign returns the SHA256withRSA (RSASSA-PKCS1-v1_5 with SHA-256)
	// signature of stringToSign; the signer hashes it itself.
	Sign(stringToSign []byte) ([]byte, error)
	// Fingerprint identifies the public key that verifies the signatures.
	Fingerprint() Fingerprint
}

// RSASigner is a Signer holding an RSA private key.
type RSASigner struct {
	key         *rsa.PrivateKey
	der         []byte // PKCS#1 DER of the public key
	fingerprint Fingerprint
}

// NewRSASigner returns a signer for key. The public key is published in
// PKCS#1 DER (as ListPublicKeys does) and the fingerprint is the MD5 of that
// DER. Keys shorter than 2048 bits are refused (CloudTrail uses 2048).
func NewRSASigner(key *rsa.PrivateKey) (*RSASigner, error) {
	if key == nil {
		return nil, configErr("nil RSA key")
	}
	if key.N.BitLen() < 2048 {
		return nil, configErr("RSA key of %d bits; need at least 2048", key.N.BitLen())
	}
	der := x509.MarshalPKCS1PublicKey(&key.PublicKey)
	return &RSASigner{key: key, der: der, fingerprint: fingerprintOf(der)}, nil
}

// Sign implements Signer. PKCS#1 v1.5 signatures are deterministic.
func (s *RSASigner) Sign(stringToSign []byte) ([]byte, error) {
	h := sha256.Sum256(stringToSign)
	return rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, h[:])
}

// Fingerprint implements Signer.
func (s *RSASigner) Fingerprint() Fingerprint { return s.fingerprint }

// PublicKey returns the public half as a PublicKey with no validity window,
// ready for a KeyRing.
func (s *RSASigner) PublicKey() *PublicKey {
	return &PublicKey{Value: s.der, Fingerprint: s.fingerprint, key: &s.key.PublicKey}
}

// verify checks sig over stringToSign with SHA256withRSA; it returns nil
// or an error wrapping ErrSignature. Only SHA-256 DigestInfo is accepted
// (aws-cli v1 would also take a SHA-1 signature; this does not).
func (k *PublicKey) verify(stringToSign, sig []byte) error {
	if k.key == nil {
		return fmt.Errorf("%w with key %s: no RSA key loaded", ErrSignature, k.Fingerprint)
	}
	h := sha256.Sum256(stringToSign)
	if err := rsa.VerifyPKCS1v15(k.key, crypto.SHA256, h[:], sig); err != nil {
		return fmt.Errorf("%w with key %s: %w", ErrSignature, k.Fingerprint, err)
	}
	return nil
}
