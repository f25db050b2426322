package logging

import (
	"crypto/x509"

	"github.com/trailkit/trailkit/digest"
)

// PublicKey returns the public key of the signer Start builds from
// Options.SigningKeyPEM, as Validate looks it up.
func PublicKey(pemBytes []byte) (*digest.PublicKey, error) {
	k, err := parseSigningKey(pemBytes)
	if err != nil {
		return nil, err
	}
	return digest.ParsePublicKey(x509.MarshalPKCS1PublicKey(&k.PublicKey))
}
