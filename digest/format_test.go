package digest_test

import (
	"bufio"
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/digest"
)

func TestRealDigestParsesAndReencodesByteForByte(t *testing.T) {
	f, err := os.Open(filepath.Join(sharedDir(t), "cloudtrail-realdata", "digests.jsonl"))
	if err != nil {
		t.Skipf("real digest sample absent: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		n++
		d, err := digest.Parse(line)
		if err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		// The sample stores the JSON decoded from CloudTrail's bytes;
		// CloudTrail's own bytes escape '/', which AppendJSON reproduces.
		want := strings.ReplaceAll(string(line), "/", `\/`)
		if got := string(marshal(d)); got != want {
			t.Fatalf("re-encoding differs\n got %s\nwant %s", got, want)
		}
		if d.PreviousDigestHashValue != nil {
			_, err := digest.ParseHash(*d.PreviousDigestHashValue)
			if len(*d.PreviousDigestHashValue) == 63 && !errors.Is(err, digest.ErrInvalidFormat) {
				t.Fatalf("63-digit previousDigestHashValue accepted by ParseHash")
			}
		}
		if _, err := digest.ParseFingerprint(d.DigestPublicKeyFingerprint); err != nil {
			t.Fatal(err)
		}
	}
	if n == 0 {
		t.Fatal("no digests in sample")
	}
}

func TestRealPublicKeys(t *testing.T) {
	path := filepath.Join(sharedDir(t), "cloudtrail-realdata", "public-keys.json")
	b, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("absent: %v", err)
	}
	var r digest.KeyRing
	if err := r.LoadPublicKeys(bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	ks := r.Keys()
	if len(ks) != 1 || ks[0].Fingerprint.String() != "7f3f401420072e50a65a141430817ab3" || ks[0].ValidityStart.Unix() != 1453076702 || ks[0].ValidityEnd.Unix() != 1455668702 {
		t.Fatalf("keys %+v", ks)
	}
	// A wrong fingerprint is refused and leaves the ring unchanged.
	bad := bytes.Replace(b, []byte("7f3f401420072e50a65a141430817ab3"), []byte("00000000000000000000000000000000"), 1)
	var r2 digest.KeyRing
	if err := r2.LoadPublicKeys(bytes.NewReader(bad)); !errors.Is(err, digest.ErrInvalidFormat) || len(r2.Keys()) != 0 {
		t.Fatalf("bad fingerprint: %v", err)
	}
}

func TestPublicKeysWriteLoadRoundTrip(t *testing.T) {
	s := testSigner(t)
	r := ring(s)
	var buf bytes.Buffer
	if err := r.WritePublicKeys(&buf); err != nil {
		t.Fatal(err)
	}
	// Value is base64(DER) once: what aws-cli prints and its validator decodes.
	var r2 digest.KeyRing
	if err := r2.LoadPublicKeys(bytes.NewReader(buf.Bytes())); err != nil {
		t.Fatal(err)
	}
	k := lookup(&r2, s.Fingerprint())
	if k == nil || !bytes.Equal(k.Value, s.PublicKey().Value) {
		t.Fatalf("round trip lost the key: %s", buf.String())
	}
	once := base64.StdEncoding.EncodeToString(k.Value)
	if !strings.Contains(buf.String(), `"Value": "`+once+`"`) {
		t.Fatalf("Value is not base64(DER) encoded once: %s", buf.String())
	}
	// ISO times and double encoding (an SDK that decodes blobs and re-encodes) load too.
	twice := base64.StdEncoding.EncodeToString([]byte(once))
	js := `{"PublicKeyList":[{"Value":"` + twice + `","ValidityStartTime":"2024-01-01T00:00:00Z","ValidityEndTime":"2024-01-31T00:00:00+00:00","Fingerprint":"` + s.Fingerprint().String() + `"}]}`
	var r3 digest.KeyRing
	if err := r3.LoadPublicKeys(strings.NewReader(js)); err != nil || lookup(&r3, s.Fingerprint()).ValidityEnd.Day() != 31 {
		t.Fatalf("ISO/double: %v", err)
	}
	for _, bad := range []string{`{"PublicKeyList":[{"Value":"!!"}]}`, `{"PublicKeyList":[{"Value":"AAAA"}]}`, `[`, `{"PublicKeyList":[{"Value":"` + once + `","ValidityStartTime":"yesterday"}]}`} {
		if err := new(digest.KeyRing).LoadPublicKeys(strings.NewReader(bad)); !errors.Is(err, digest.ErrInvalidFormat) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestStringToSignExact(t *testing.T) {
	h, _ := digest.ParseHash(strings.Repeat("ab", 32))
	got := digest.StringToSign("2024-03-05T10:17:42Z", "bkt", "a/b.json.gz", h, nil)
	want := "2024-03-05T10:17:42Z\nbkt/a/b.json.gz\n" + strings.Repeat("ab", 32) + "\nnull"
	if string(got) != want {
		t.Fatalf("%q", got)
	}
	sig := "0f"
	if got := digest.StringToSign("t", "b", "k", h, &sig); !strings.HasSuffix(string(got), "\n0f") || bytes.Count(got, []byte("\n")) != 3 {
		t.Fatalf("%q", got)
	}
}

func TestDigestJSONEscaping(t *testing.T) {
	d := &digest.Digest{AWSAccountID: "1", DigestS3Object: "a/b\"c\\d\n\x01é<&>", LogFiles: []digest.LogFile{}}
	got := string(marshal(d))
	if !strings.Contains(got, `"digestS3Object":"a\/b\"c\\d\n\u0001é<&>"`) || !strings.Contains(got, `"newestEventTime":null`) {
		t.Fatal(got)
	}
	d2, err := digest.Parse([]byte(got))
	if err != nil || d2.DigestS3Object != d.DigestS3Object {
		t.Fatalf("%v %q", err, d2.DigestS3Object)
	}
}

func TestWireValues(t *testing.T) {
	for _, bad := range []string{"", strings.Repeat("A", 64), strings.Repeat("a", 63), strings.Repeat("g", 64)} {
		if _, err := digest.ParseHash(bad); !errors.Is(err, digest.ErrInvalidFormat) {
			t.Errorf("ParseHash(%q) = %v", bad, err)
		}
	}
	if _, err := digest.ParseSignature("abc"); !errors.Is(err, digest.ErrInvalidFormat) {
		t.Error("odd signature accepted")
	}
	if _, err := digest.ParseFingerprint("zz"); !errors.Is(err, digest.ErrInvalidFormat) {
		t.Error("short fingerprint accepted")
	}
}

// FuzzParse: Parse never panics, and whatever it accepts re-encodes to JSON
// that parses to the same digest.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"awsAccountId":"1","digestStartTime":"2024-01-01T00:00:00Z","digestEndTime":"2024-01-01T01:00:00Z","digestS3Bucket":"b","digestS3Object":"k\/x","digestPublicKeyFingerprint":"00","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":null,"oldestEventTime":null,"previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[{"s3Bucket":"b","s3Object":"l","hashValue":"00","hashAlgorithm":"SHA-256","newestEventTime":"x","oldestEventTime":"y"}]}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"logFiles":[1]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := digest.Parse(b)
		if err != nil {
			if !errors.Is(err, digest.ErrInvalidFormat) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		again, err := digest.Parse([]byte(marshal(d)))
		if err != nil {
			t.Fatalf("re-encoded digest does not parse: %v", err)
		}
		if string(marshal(again)) != string(marshal(d)) {
			t.Fatal("round trip differs")
		}
	})
}

// A key published as SubjectPublicKeyInfo DER (as one of the documented
// samples is) loads, is fingerprinted over the SPKI bytes as delivered, and
// verifies signatures.
func TestSPKIPublicKey(t *testing.T) {
	s := testSigner(t)
	pk := s.PublicKey()
	rk, err := x509.ParsePKCS1PublicKey(pk.Value)
	if err != nil {
		t.Fatal(err)
	}
	spki, err := x509.MarshalPKIXPublicKey(rk)
	if err != nil {
		t.Fatal(err)
	}
	js := `{"PublicKeyList":[{"Value":"` + base64.StdEncoding.EncodeToString(spki) + `","ValidityStartTime":1453076702.0,"ValidityEndTime":1455668702.0,"Fingerprint":"` + digest.FingerprintOf(spki).String() + `"}]}`
	var r digest.KeyRing
	if err := r.LoadPublicKeys(strings.NewReader(js)); err != nil {
		t.Fatal(err)
	}
	k := lookup(&r, digest.FingerprintOf(spki))
	if k == nil || k.Fingerprint == s.Fingerprint() {
		t.Fatal("SPKI key not loaded under its own fingerprint")
	}
	sts := []byte("2024-01-01T00:00:00Z\nb/k\n" + strings.Repeat("0", 64) + "\nnull")
	sig, _ := s.SignString(sts)
	if err := digest.Verify(k, sts, sig); err != nil {
		t.Fatal(err)
	}
	sig[0] ^= 1
	if err := digest.Verify(k, sts, sig); !errors.Is(err, digest.ErrSignature) {
		t.Fatalf("bad signature: %v", err)
	}
}

// TestStringToSign: the four lines CloudTrail signs, with no trailing
// newline and "null" for a starting digest.
func TestStringToSign(t *testing.T) {
	h := digest.SumHash([]byte(`{"awsAccountId":"444455556666"}`))
	got := string(digest.StringToSign("2024-03-05T10:17:42Z", "example-trail-bucket", "AWSLogs/444455556666/x.json.gz", h, nil))
	want := "2024-03-05T10:17:42Z\nexample-trail-bucket/AWSLogs/444455556666/x.json.gz\n" +
		"3abe54cf1e473faa313a5c51362c46ee99ab28e191e50314f5a82721fb406fa9\nnull"
	if got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
