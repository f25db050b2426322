package insights

import (
	"fmt"
	"strings"
	"testing"

	"github.com/trailkit/trailkit/event"
)

// TestKeyHash: equal keys in distinct memory hash alike; distinct keys
// (every field length from 0 to 40, fields differing in one byte at every
// position, and a realistic set of 30,000 APIs) hash apart; the boundaries
// between fields count. The series index does not need distinct hashes
// (it compares keys), but collisions would slow it down.
func TestKeyHash(t *testing.T) {
	seen := make(map[uint64]SeriesKey)
	add := func(k SeriesKey) {
		h := baseHash(&k)
		if o, ok := seen[h]; ok && o != k {
			t.Fatalf("baseHash(%+v) == baseHash(%+v)", k, o)
		}
		seen[h] = k
		c := SeriesKey{AccountID: strings.Clone(k.AccountID), Region: strings.Clone(k.Region),
			EventSource: strings.Clone(k.EventSource), EventName: strings.Clone(k.EventName)}
		if baseHash(&c) != h {
			t.Fatalf("baseHash(%+v) differs for a copy", k)
		}
	}
	base := strings.Repeat("0123456789abcdef", 3)
	for n := 0; n <= 40; n++ {
		name := base[:n]
		add(SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: name})
		for i := range n {
			b := []byte(name)
			b[i] ^= 0x40
			add(SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: "s3.amazonaws.com", EventName: string(b)})
			add(SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: string(b), EventName: "Get"})
		}
	}
	for i := range 30000 {
		add(SeriesKey{AccountID: fmt.Sprintf("%012d", i%7), Region: []string{"us-east-1", "eu-west-1", "ap-south-1"}[i%3],
			EventSource: fmt.Sprintf("svc%d.amazonaws.com", i%97), EventName: fmt.Sprintf("Op%d", i)})
	}
	k1 := SeriesKey{AccountID: "1", Region: "us-east-1", EventSource: "ab", EventName: "c"}
	k2 := SeriesKey{AccountID: "1", Region: "us-east-1", EventSource: "a", EventName: "bc"}
	if baseHash(&k1) == baseHash(&k2) {
		t.Error("baseHash ignores the boundary between EventSource and EventName")
	}
}

// FuzzKeyHash: equal fields fold alike wherever they are stored.
func FuzzKeyHash(f *testing.F) {
	f.Add("DeleteBucket", "DeleteBucket")
	f.Add("abcdefgh1", "abcdefgh2")
	f.Fuzz(func(t *testing.T, a, b string) {
		ka := SeriesKey{AccountID: "1", Region: "r", EventSource: a, EventName: b}
		kb := SeriesKey{AccountID: "1", Region: "r", EventSource: strings.Clone(a), EventName: strings.Clone(b)}
		if baseHash(&ka) != baseHash(&kb) {
			t.Fatalf("baseHash differs for equal keys %+v", ka)
		}
	})
}

// TestSameKey: sameKey is ==, for keys differing in any one byte or
// length of any field, stored in distinct memory.
func TestSameKey(t *testing.T) {
	base := strings.Repeat("0123456789abcdef", 3)
	fields := func(k *SeriesKey) []*string {
		return []*string{&k.AccountID, &k.Region, &k.EventSource, &k.EventName, (*string)(&k.InsightType), &k.ErrorCode}
	}
	for n := 0; n <= 40; n++ {
		a := SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: "s3.amazonaws.com",
			EventName: "DeleteBucket", InsightType: "ApiErrorRateInsight", ErrorCode: "AccessDenied"}
		for f := range fields(&a) {
			*fields(&a)[f] = base[:n]
			b := a
			for i, p := range fields(&b) {
				*p = strings.Clone(*fields(&a)[i])
			}
			if !sameKey(&a, &b) {
				t.Fatalf("sameKey(%+v, equal copy) = false", a)
			}
			for i := range n {
				s := []byte(*fields(&a)[f])
				s[i] ^= 1
				*fields(&b)[f] = string(s)
				if sameKey(&a, &b) || sameKey(&b, &a) {
					t.Fatalf("sameKey true for %+v and %+v", a, b)
				}
			}
			*fields(&b)[f] = base[:n] + "x"
			if sameKey(&a, &b) {
				t.Fatalf("sameKey true for %+v and %+v", a, b)
			}
		}
	}
}

// TestHashValue: attribute values hash alike wherever they are stored and
// apart otherwise (no collision among 100,000 realistic values); the empty
// string hashes too.
func TestHashValue(t *testing.T) {
	seen := make(map[uint64]string)
	for i := range 100000 {
		v := fmt.Sprintf("arn:aws:sts::%012d:assumed-role/Role%d/session-%d", i%13, i%97, i)
		if i%3 == 0 {
			v = fmt.Sprintf("aws-sdk-go-v2/1.%d.0 os/linux lang/go#1.22.%d md/GOARCH#amd64 api/s3#1.%d.0", i%50, i%7, i)
		}
		if i < 40 {
			v = strings.Repeat("x", i)
		}
		h := hashValue(v)
		if o, ok := seen[h]; ok {
			t.Fatalf("hashValue(%q) == hashValue(%q)", v, o)
		}
		seen[h] = v
		if hashValue(strings.Clone(v)) != h {
			t.Fatalf("hashValue(%q) differs for a copy", v)
		}
	}
}

// FuzzSameKey: sameKey is == for any two keys of one type, stored apart.
func FuzzSameKey(f *testing.F) {
	f.Add("s3.amazonaws.com", "DeleteBucket", "s3.amazonaws.com", "DeleteBucket", "AccessDenied")
	f.Add("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", "ec2.amazonaws.com", "AuthorizeSecurityGroupIngresz", "")
	f.Add("abcdefghijklmnopq", "x", "abcdefghijklmnopr", "x", "")
	f.Fuzz(func(t *testing.T, src1, name1, src2, name2, code string) {
		typ := event.APICallRateInsight
		if code != "" {
			typ = event.APIErrorRateInsight
		}
		a := SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: src1, EventName: name1, InsightType: typ, ErrorCode: code}
		b := SeriesKey{AccountID: "111122223333", Region: "us-east-1", EventSource: strings.Clone(src2), EventName: strings.Clone(name2),
			InsightType: typ, ErrorCode: strings.Clone(code)}
		if got, want := sameKey(&a, &b), a == b; got != want {
			t.Fatalf("sameKey(%+v, %+v) = %v, want %v", a, b, got, want)
		}
	})
}
