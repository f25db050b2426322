package main

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/trailkit/trailkit/digest"
)

// loadOrCreateSigner reads the RSA private key in the PEM file at path
// (PKCS#1 "RSA PRIVATE KEY" or PKCS#8 "PRIVATE KEY"). When the file does not
// exist it generates a 2048-bit key and writes it there (PKCS#1, mode 0600),
// and created is true.
func loadOrCreateSigner(path string) (s *rsa.PrivateKey, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, false, err
		}
		if err := writeSigningKey(path, key); err != nil {
			return nil, false, err
		}
		return key, true, nil
	}
	if err != nil {
		return nil, false, err
	}
	s, err = parseSigningKey(b)
	if err != nil {
		return nil, false, fmt.Errorf("%s: %w", path, err)
	}
	return s, false, nil
}

// parseSigningKey parses a PEM RSA private key.
func parseSigningKey(b []byte) (*rsa.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, errors.New("no PEM block found (want an RSA private key)")
	}
	var key *rsa.PrivateKey
	switch blk.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
		if err != nil {
			return nil, err
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("the key is a %T, not an RSA key", k)
		}
		key = rk
	default:
		return nil, fmt.Errorf("PEM block %q is not a private key", blk.Type)
	}
	if n := key.N.BitLen(); n < 2048 {
		return nil, fmt.Errorf("RSA key of %d bits; need at least 2048", n)
	}
	return key, nil
}

// publicKey returns the public half of s as digests name it: its
// fingerprint is that of the PKCS#1 DER.
func publicKey(s *rsa.PrivateKey) (*digest.PublicKey, error) {
	return digest.ParsePublicKey(x509.MarshalPKCS1PublicKey(&s.PublicKey))
}

// writeSigningKey writes key to path as PKCS#1 PEM, readable only by its
// owner.
func writeSigningKey(path string, key *rsa.PrivateKey) error {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
	return os.WriteFile(path, b, 0o600)
}

// publicKeysJSON returns the list-public-keys JSON for s, with a validity
// window covering [start, end] (at least the 30 days CloudTrail's keys last).
func publicKeysJSON(s *rsa.PrivateKey, start, end time.Time) ([]byte, error) {
	pk, err := publicKey(s)
	if err != nil {
		return nil, err
	}
	pk.ValidityStart = start.UTC().Truncate(24 * time.Hour)
	pk.ValidityEnd = pk.ValidityStart.Add(30 * 24 * time.Hour)
	if pk.ValidityEnd.Before(end) {
		pk.ValidityEnd = end.UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	}
	var ring digest.KeyRing
	ring.Add(pk)
	var buf bytes.Buffer
	if err := ring.WritePublicKeys(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writePublicKeys writes the list-public-keys JSON for s to path, valid
// from a day ago to 30 days ahead ('trailkit validate --public-keys').
func writePublicKeys(path string, s *rsa.PrivateKey) error {
	now := time.Now()
	j, err := publicKeysJSON(s, now.Add(-24*time.Hour), now.Add(30*24*time.Hour))
	if err != nil {
		return err
	}
	return os.WriteFile(path, j, 0o644)
}
