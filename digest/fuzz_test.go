package digest_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

// FuzzValidateDigestObject stores arbitrary bytes (raw, and gzipped) as the
// only digest of a chain: Validate must not panic or fail to run, and must
// report the digest as invalid unless it really verifies.
func FuzzValidateDigestObject(f *testing.F) {
	f.Add([]byte(`{"digestS3Bucket":"b"}`), "deadbeef")
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}, "")
	f.Add([]byte(`{"digestPublicKeyFingerprint":"00","digestS3Bucket":"b","digestS3Object":"k","previousDigestSignature":null,"digestEndTime":"x","digestStartTime":"y","logFiles":[{"s3Bucket":"..","s3Object":"../../x","hashValue":"0"}]}`), "00")
	s, err := os.ReadFile("testdata/testkey.pem")
	if err != nil {
		f.Fatal(err)
	}
	blk, _ := pem.Decode(s)
	key, _ := x509.ParsePKCS1PrivateKey(blk.Bytes)
	signer := fixture.NewKey(key)
	keys := &digest.KeyRing{}
	keys.Add(signer.PublicKey())
	id := logfile.DigestChain{Account: "111122223333", Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"}
	end := time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)
	dkey := id.Key(end, false).String()
	f.Fuzz(func(t *testing.T, body []byte, sig string) {
		for _, b := range [][]byte{body, gz(t, body)} {
			store := logfile.NewMemStore()
			store.Put(context.Background(), logfile.Object{Bucket: "b", Key: dkey, Body: b, Metadata: map[string]string{"signature": sig, "signature-algorithm": "SHA256withRSA"}})
			rep, err := digest.Validate(context.Background(), store, digest.ValidateOptions{
				DigestChain:   logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: id.Account, Trail: "t", HomeRegion: "us-east-1"},
				Start:         end.Add(-time.Hour),
				End:           end,
				Keys:          keys,
				MaxDigestSize: 1 << 16,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Digests) != 1 || rep.Digests[0].Status == digest.StatusValid {
				t.Fatalf("arbitrary bytes accepted: %+v", rep.Digests)
			}
		}
	})
}

// FuzzLoadPublicKeys: never panics; errors are typed.
func FuzzLoadPublicKeys(f *testing.F) {
	f.Add([]byte(`{"PublicKeyList":[{"Value":"MAA=","ValidityStartTime":1.5,"Fingerprint":"x"}]}`))
	f.Add([]byte(`{"PublicKeyList":[{"Value":"TUFBPQ==","ValidityStartTime":"2024-01-01T00:00:00Z"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var r digest.KeyRing
		if err := r.LoadPublicKeys(bytes.NewReader(b)); err != nil && !errors.Is(err, digest.ErrInvalidFormat) {
			t.Fatalf("untyped error %v", err)
		}
	})
}

// sha1Signer signs with a SHA-1 DigestInfo, which aws-cli v1 accepts.
type sha1Signer struct{ *fixture.Key }

func (s sha1Signer) SignString(sts []byte) ([]byte, error) {
	return rsa.SignPKCS1v15(nil, s.PrivateKey, crypto.SHA1, sha1Sum(sts))
}

func TestSHA1SignatureRefused(t *testing.T) {
	b, _ := os.ReadFile("testdata/testkey.pem")
	blk, _ := pem.Decode(b)
	key, _ := x509.ParsePKCS1PrivateKey(blk.Bytes)
	good := fixture.NewKey(key)
	id := logfile.DigestChain{Account: "111122223333", Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"}
	end := time.Date(2024, 1, 1, 1, 0, 0, 0, time.UTC)
	d := &digest.Digest{AWSAccountID: id.Account, DigestStartTime: "2024-01-01T00:00:00Z", DigestEndTime: end.Format(digest.TimeFormat),
		DigestS3Bucket: "b", DigestS3Object: id.Key(end, false).String(), DigestPublicKeyFingerprint: good.Fingerprint().String(), DigestSignatureAlgorithm: "SHA256withRSA", LogFiles: []digest.LogFile{}}
	body, meta, err := fixture.Encode(d, sha1Signer{good})
	if err != nil {
		t.Fatal(err)
	}
	store := logfile.NewMemStore()
	store.Put(context.Background(), logfile.Object{Bucket: "b", Key: d.DigestS3Object, Body: body, Metadata: meta})
	rep := validate(t, store, digest.ValidateOptions{DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: "b"}, Account: id.Account, Trail: "t", HomeRegion: "us-east-1"}, Start: end.Add(-time.Hour), End: end, Keys: ring(good)})
	if rep.Digests[0].Status != digest.StatusSignatureFailed || !errors.Is(rep.Digests[0].Err, digest.ErrSignature) {
		t.Fatalf("SHA-1 signature: %+v", rep.Digests[0])
	}
	if !strings.Contains(rep.Digests[0].Message, "INVALID: signature verification failed") {
		t.Fatal(rep.Digests[0].Message)
	}
}
