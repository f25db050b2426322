package digest

import (
	"crypto"
	"crypto/rand"
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

// checkSigner returns an error wrapping ErrBadConfig unless s signs with
// an RSA key of at least 2048 bits (CloudTrail uses 2048).
func checkSigner(s crypto.Signer) error {
	if s == nil {
		return configErr("Signer is required")
	}
	pub, ok := s.Public().(*rsa.PublicKey)
	if !ok {
		return configErr("Signer's public key is %T, not an RSA key", s.Public())
	}
	if pub.N.BitLen() < 2048 {
		return configErr("RSA key of %d bits; need at least 2048", pub.N.BitLen())
	}
	return nil
}

// signerFingerprint is the MD5 of the PKCS#1 DER of s's public key (which
// checkSigner accepted), as ListPublicKeys publishes it.
func signerFingerprint(s crypto.Signer) Fingerprint {
	return fingerprintOf(x509.MarshalPKCS1PublicKey(s.Public().(*rsa.PublicKey)))
}

// signString returns s's SHA256withRSA signature of stringToSign:
// s.Sign of its SHA-256 with crypto.SHA256, which an *rsa.PrivateKey
// answers with RSASSA-PKCS1-v1_5 (deterministic).
func signString(s crypto.Signer, stringToSign []byte) ([]byte, error) {
	h := sha256.Sum256(stringToSign)
	return s.Sign(rand.Reader, h[:], crypto.SHA256)
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
