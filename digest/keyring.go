package digest

import (
	"bytes"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"sync"
	"time"
)

// PublicKey is one CloudTrail public key: the DER bytes exactly as
// ListPublicKeys returns them (PKCS#1 RSAPublicKey or X.509
// SubjectPublicKeyInfo), the fingerprint (MD5 of those bytes) and the
// validity window. A zero ValidityStart or ValidityEnd means unbounded.
type PublicKey struct {
	Value         []byte
	Fingerprint   Fingerprint
	ValidityStart time.Time
	ValidityEnd   time.Time
	key           *rsa.PublicKey
}

// ParsePublicKey loads a DER public key (PKCS#1 first, then SPKI) and
// fingerprints the DER as given. For the key of a digest signer, pass
// x509.MarshalPKCS1PublicKey of its public key: that DER's fingerprint is
// the one its digests name.
func ParsePublicKey(der []byte) (*PublicKey, error) {
	k, err := x509.ParsePKCS1PublicKey(der)
	if err != nil {
		pk, err2 := x509.ParsePKIXPublicKey(der)
		if err2 != nil {
			return nil, &FormatError{Field: "public key", Reason: "neither PKCS#1 nor SubjectPublicKeyInfo DER", Err: err}
		}
		rk, ok := pk.(*rsa.PublicKey)
		if !ok {
			return nil, &FormatError{Field: "public key", Reason: fmt.Sprintf("%T is not an RSA key", pk)}
		}
		k = rk
	}
	return &PublicKey{Value: bytes.Clone(der), Fingerprint: fingerprintOf(der), key: k}, nil
}

// validIn reports whether k's window overlaps [start, end].
func (k *PublicKey) validIn(start, end time.Time) bool {
	if !k.ValidityStart.IsZero() && !end.IsZero() && k.ValidityStart.After(end) {
		return false
	}
	if !k.ValidityEnd.IsZero() && !start.IsZero() && k.ValidityEnd.Before(start) {
		return false
	}
	return true
}

// KeyRing holds public keys by fingerprint: the keys Validate verifies
// signatures with, as CloudTrail's ListPublicKeys returns them (load its
// JSON with LoadPublicKeys, or Add keys read with ParsePublicKey and their
// validity windows set). The zero value is empty and ready; it is safe for
// concurrent use.
type KeyRing struct {
	mu   sync.RWMutex
	keys map[Fingerprint]*PublicKey
}

// Add puts k in the ring, replacing a key with the same fingerprint.
func (r *KeyRing) Add(k *PublicKey) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.keys == nil {
		r.keys = map[Fingerprint]*PublicKey{}
	}
	r.keys[k.Fingerprint] = k
}

// Keys returns the keys sorted by validity start, then fingerprint.
func (r *KeyRing) Keys() []*PublicKey {
	if r == nil {
		return nil
	}
	r.mu.RLock()
	ks := make([]*PublicKey, 0, len(r.keys))
	for _, k := range r.keys {
		ks = append(ks, k)
	}
	r.mu.RUnlock()
	slices.SortFunc(ks, func(a, b *PublicKey) int {
		if c := a.ValidityStart.Compare(b.ValidityStart); c != 0 {
			return c
		}
		return bytes.Compare(a.Fingerprint[:], b.Fingerprint[:])
	})
	return ks
}

// publicKeys answers what CloudTrail's ListPublicKeys answers: the ring's
// keys whose window overlaps [start, end] (keys without a window always
// do), by fingerprint.
func (r *KeyRing) publicKeys(start, end time.Time) map[Fingerprint]*PublicKey {
	m := map[Fingerprint]*PublicKey{}
	for _, k := range r.Keys() {
		if k.validIn(start, end) {
			m[k.Fingerprint] = k
		}
	}
	return m
}

type wireKeyList struct {
	PublicKeyList []struct {
		Value             json.RawMessage
		ValidityStartTime json.RawMessage
		ValidityEndTime   json.RawMessage
		Fingerprint       json.RawMessage
	}
}

// LoadPublicKeys reads the JSON that `aws cloudtrail list-public-keys`
// prints, {"PublicKeyList":[{"Value","ValidityStartTime","ValidityEndTime",
// "Fingerprint"}]}, and adds every key to r.
//
// Value is base64 of the DER, as aws-cli prints it (aws-cli v1 does not
// decode blobs, so this is also the wire value). Values that were encoded
// twice, as an SDK that decodes blobs and re-encodes them would show them,
// are accepted too: after one decode, bytes that do not start with 0x30 (an
// ASN.1 SEQUENCE) are decoded again.
// Times may be epoch seconds (a number, as aws-cli prints them by default)
// or ISO 8601 strings. A Fingerprint member, when present, must equal the
// MD5 of the final DER, else the whole load fails with a *FormatError and r
// is unchanged.
func (r *KeyRing) LoadPublicKeys(rd io.Reader) error {
	var w wireKeyList
	dec := json.NewDecoder(io.LimitReader(rd, 16<<20))
	if err := dec.Decode(&w); err != nil {
		return &FormatError{Field: "public key list", Err: err}
	}
	var keys []*PublicKey
	for i, e := range w.PublicKeyList {
		field := func(m string) string { return fmt.Sprintf("PublicKeyList[%d].%s", i, m) }
		var v string
		if err := json.Unmarshal(e.Value, &v); err != nil {
			return &FormatError{Field: field("Value"), Err: err}
		}
		der, err := decodeKeyValue(v)
		if err != nil {
			return &FormatError{Field: field("Value"), Err: err}
		}
		k, err := ParsePublicKey(der)
		if err != nil {
			return &FormatError{Field: field("Value"), Err: err}
		}
		if len(e.Fingerprint) > 0 && string(e.Fingerprint) != "null" {
			var fps string
			if err := json.Unmarshal(e.Fingerprint, &fps); err != nil {
				return &FormatError{Field: field("Fingerprint"), Err: err}
			}
			fp, err := parseFingerprint(fps)
			if err != nil {
				return err
			}
			if fp != k.Fingerprint {
				return &FormatError{Field: field("Fingerprint"), Value: fps, Reason: "does not match MD5 of the key, " + k.Fingerprint.String()}
			}
		}
		if k.ValidityStart, err = parseKeyTime(e.ValidityStartTime); err != nil {
			return &FormatError{Field: field("ValidityStartTime"), Err: err}
		}
		if k.ValidityEnd, err = parseKeyTime(e.ValidityEndTime); err != nil {
			return &FormatError{Field: field("ValidityEndTime"), Err: err}
		}
		keys = append(keys, k)
	}
	for _, k := range keys {
		r.Add(k)
	}
	return nil
}

func decodeKeyValue(v string) ([]byte, error) {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, err
	}
	if len(b) > 0 && b[0] == 0x30 {
		return b, nil
	}
	return base64.StdEncoding.DecodeString(string(b))
}

func parseKeyTime(raw json.RawMessage) (time.Time, error) {
	s := string(bytes.TrimSpace(raw))
	if s == "" || s == "null" {
		return time.Time{}, nil
	}
	if s[0] == '"' {
		var str string
		if err := json.Unmarshal(raw, &str); err != nil {
			return time.Time{}, err
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04:05-0700", "2006-01-02T15:04:05.999999-0700"} {
			if t, err := time.Parse(layout, str); err == nil {
				return t.UTC(), nil
			}
		}
		return time.Time{}, fmt.Errorf("unrecognised time %q", clip(str))
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
		return time.Time{}, fmt.Errorf("unrecognised time %q", clip(s))
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
}

// WritePublicKeys writes r's keys as `aws cloudtrail list-public-keys`
// prints them (indented by four spaces like aws-cli's JSON output, times as
// epoch seconds). Value is the base64 of the DER, encoded once: aws-cli v1
// turns off botocore's blob decoding (awscli/customizations/scalarparse.py
// sets blob_parser=identity), so the wire value is what it prints, and its
// validator base64-decodes that once to get the DER (validation.py). Served
// back to aws-cli as a ListPublicKeys answer, this file validates.
func (r *KeyRing) WritePublicKeys(w io.Writer) error {
	type entry struct {
		ValidityStartTime *json.Number `json:"ValidityStartTime,omitempty"`
		ValidityEndTime   *json.Number `json:"ValidityEndTime,omitempty"`
		Value             string       `json:"Value"`
		Fingerprint       string       `json:"Fingerprint"`
	}
	out := struct {
		PublicKeyList []entry `json:"PublicKeyList"`
	}{PublicKeyList: []entry{}}
	epoch := func(t time.Time) *json.Number {
		if t.IsZero() {
			return nil
		}
		n := json.Number(strconv.FormatFloat(float64(t.UnixNano())/1e9, 'f', 1, 64))
		return &n
	}
	for _, k := range r.Keys() {
		out.PublicKeyList = append(out.PublicKeyList, entry{
			ValidityStartTime: epoch(k.ValidityStart),
			ValidityEndTime:   epoch(k.ValidityEnd),
			Value:             base64.StdEncoding.EncodeToString(k.Value),
			Fingerprint:       k.Fingerprint.String(),
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "    ")
	return enc.Encode(out)
}
