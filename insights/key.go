package insights

import (
	"hash/maphash"

	"github.com/trailkit/trailkit/event"
)

// The packed key is a SeriesKey as bytes: AccountID, Region, EventSource,
// EventName and, for an ApiErrorRateInsight key, ErrorCode, each as one
// length byte followed by its bytes. The length bytes delimit the fields
// and the number of fields tells the type, so two keys are equal exactly
// when their packed keys are. A series keeps its packed key inline (kb),
// so that finding a record's series compares one short byte string in a
// cache line the lookup reads anyway, instead of five strings elsewhere.
const (
	// packMax is the longest packed key; a longer key is hashed field by
	// field and compared as a SeriesKey.
	packMax = 176
	// keyInline is the longest packed key a series holds inline; a series
	// with a longer key is compared as a SeriesKey.
	keyInline = 144
)

// packBase writes the packed base fields (all but the type and error
// code) to buf and returns their length, or 0 when they do not fit.
func packBase(buf *[packMax]byte, account, region, source, name string) int {
	n := len(account) + len(region) + len(source) + len(name) + 4
	if n > packMax {
		return 0
	}
	// n <= packMax < 256, so every length fits its byte.
	i := 0
	buf[i] = byte(len(account))
	i += 1 + copy(buf[i+1:], account)
	buf[i] = byte(len(region))
	i += 1 + copy(buf[i+1:], region)
	buf[i] = byte(len(source))
	i += 1 + copy(buf[i+1:], source)
	buf[i] = byte(len(name))
	copy(buf[i+1:], name)
	return n
}

// packError appends an error code to a packed base of length n and
// returns the packed error-rate key's length, or 0 when it does not fit.
func packError(buf *[packMax]byte, n int, code string) int {
	if n == 0 || n+1+len(code) > packMax {
		return 0
	}
	buf[n] = byte(len(code))
	copy(buf[n+1:], code)
	return n + 1 + len(code)
}

// packKey packs k into buf. It returns the length of the base fields and
// of the whole key, 0 for what does not fit.
func packKey(k *SeriesKey, buf *[packMax]byte) (base, full int) {
	base = packBase(buf, k.AccountID, k.Region, k.EventSource, k.EventName)
	full = base
	if k.InsightType != event.APICallRateInsight {
		full = packError(buf, base, k.ErrorCode)
	}
	return base, full
}

// baseHash hashes the fields every key has: the packed base fields in one
// pass (n is their length), or, when they did not fit (n is 0), field by
// field. keyHash adds the type and error code; a record's two series share
// the base hash.
func baseHash(buf *[packMax]byte, n int, account, region, source, name string) uint64 {
	if n > 0 {
		return maphash.Bytes(hashSeed, buf[:n])
	}
	h := hashValue(name)
	h = (h^hashValue(source))*0x9e3779b97f4a7c15 + 1
	h = (h^hashValue(region))*0x9e3779b97f4a7c15 + 2
	return (h^hashValue(account))*0x9e3779b97f4a7c15 + 3
}

// keyHash is the hash of k whose base fields hash (baseHash) to base.
func keyHash(k *SeriesKey, base uint64) uint64 {
	if k.InsightType == event.APICallRateInsight {
		return base
	}
	return errorKeyHash(base, hashValue(k.ErrorCode))
}

// errorKeyHash is keyHash of an ApiErrorRateInsight key whose ErrorCode
// hashes (hashValue) to code.
func errorKeyHash(base, code uint64) uint64 {
	return (base^code)*0xbf58476d1ce4e5b9 + 5
}

// probe is what finding a series needs: the key's hash and its packed
// form when that fits inline (pk), else the key itself.
type probe struct {
	h  uint64
	pk []byte
	k  *SeriesKey
}

// probeKey makes the probe of k, packing it into buf.
func probeKey(k *SeriesKey, buf *[packMax]byte) probe {
	base, full := packKey(k, buf)
	p := probe{h: keyHash(k, baseHash(buf, base, k.AccountID, k.Region, k.EventSource, k.EventName)), k: k}
	if full > 0 && full <= keyInline {
		p.pk = buf[:full]
	}
	return p
}

// matches reports whether s is the series of the probe.
func (p *probe) matches(s *series) bool {
	if p.pk != nil {
		return int(s.kn) == len(p.pk) && string(s.kb[:s.kn]) == string(p.pk)
	}
	return s.kn == 0 && s.key == *p.k
}
