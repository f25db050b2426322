package logfile

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestParseKeyExamples(t *testing.T) {
	tests := []struct {
		key  string
		want Key
	}{
		{"AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/05/444455556666_CloudTrail_eu-west-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz",
			Key{Kind: KindLog, Account: "444455556666", Region: "eu-west-1", Time: time.Date(2024, 3, 5, 9, 25, 0, 0, time.UTC), Unique: "Q3xv9LmA0bTz7KpE"}},
		{"o-xxxxxxxxxx/AWSLogs/o-xxxxxxxxxx/123456789015/CloudTrail-Insight/ca-central-1/2020/09/23/123456789015_CloudTrail-Insight_ca-central-1_20200923T0516Z_KL5e9VCV2SS7IqzB.json.gz",
			Key{Kind: KindInsight, Prefix: "o-xxxxxxxxxx", OrgID: "o-xxxxxxxxxx", Account: "123456789015", Region: "ca-central-1", Time: time.Date(2020, 9, 23, 5, 16, 0, 0, time.UTC), Unique: "KL5e9VCV2SS7IqzB"}},
		{"AWSLogs/123456789012/CloudTrail-Digest/ap-northeast-1/2023/10/15/123456789012_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z.json.gz",
			Key{Kind: KindDigest, Account: "123456789012", Region: "ap-northeast-1", Time: time.Date(2023, 10, 15, 23, 4, 4, 0, time.UTC), Trail: "llm-guard-trail", HomeRegion: "us-west-2"}},
		// A trail name with "_" and a Region-like part, a backfill digest, a
		// prefix that itself contains AWSLogs.
		{"a/AWSLogs/b/AWSLogs/o-abcdefghij/123456789012/CloudTrail-Digest/eu-west-1/2025/01/31/123456789012_CloudTrail-Digest_eu-west-1_my_trail_us-east-1_x_us-west-2_20250131T235959Z_backfill.json.gz",
			Key{Kind: KindDigest, Prefix: "a/AWSLogs/b", OrgID: "o-abcdefghij", Account: "123456789012", Region: "eu-west-1", Time: time.Date(2025, 1, 31, 23, 59, 59, 0, time.UTC), Trail: "my_trail_us-east-1_x", HomeRegion: "us-west-2", Backfill: true}},
		// Unique strings may contain "_" (the Processing Library's pattern).
		{"AWSLogs/111122223333/CloudTrail/us-east-1/2024/12/31/111122223333_CloudTrail_us-east-1_20241231T2355Z_ab_cd.json.gz",
			Key{Kind: KindLog, Account: "111122223333", Region: "us-east-1", Time: time.Date(2024, 12, 31, 23, 55, 0, 0, time.UTC), Unique: "ab_cd"}},
	}
	for _, tt := range tests {
		got, err := ParseKey(tt.key)
		if err != nil {
			t.Errorf("ParseKey(%q): %v", tt.key, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParseKey(%q) =\n%+v, want\n%+v", tt.key, got, tt.want)
		}
		if s := got.String(); s != tt.key {
			t.Errorf("String() = %q, want %q", s, tt.key)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("Validate(%q): %v", tt.key, err)
		}
	}
}

func TestParseKeyMalformed(t *testing.T) {
	good := "AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/05/444455556666_CloudTrail_eu-west-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz"
	digest := "AWSLogs/123456789012/CloudTrail-Digest/ap-northeast-1/2023/10/15/123456789012_CloudTrail-Digest_ap-northeast-1_trail_us-west-2_20231015T230404Z.json.gz"
	tests := []struct{ name, key, field string }{
		{"empty", "", "file name"},
		{"no suffix", strings.TrimSuffix(good, ".gz"), "file name"},
		{"short path", "AWSLogs/444455556666/CloudTrail/x.json.gz", "path"},
		{"account letters", strings.ReplaceAll(good, "444455556666", "44445555666a"), "account"},
		{"account mismatch", strings.Replace(good, "444455556666_", "444455556667_", 1), "file name"},
		{"region mismatch", strings.Replace(good, "_eu-west-1_", "_eu-west-2_", 1), "file name"},
		{"bad region", strings.ReplaceAll(good, "eu-west-1", "EU_WEST"), "region"},
		{"bad kind", strings.ReplaceAll(good, "CloudTrail", "CloudTrailX"), "kind"},
		{"date mismatch", strings.Replace(good, "2024/03/05", "2024/03/06", 1), "date folders"},
		{"bad minute", strings.Replace(good, "T0925Z", "T0960Z", 1), "time"},
		{"seconds in log time", strings.Replace(good, "T0925Z", "T092500Z", 1), "file name"},
		{"signed digit", strings.Replace(good, "20240305T", "+0240305T", 1), "time"},
		{"empty unique", strings.Replace(good, "_Q3xv9LmA0bTz7KpE", "_", 1), "file name"},
		{"unique with dot", strings.Replace(good, "Q3xv9LmA0bTz7KpE", "Q3xv9.mA0bTz7KpE", 1), "unique string"},
		{"no AWSLogs", strings.Replace(good, "AWSLogs", "AWSLog", 1), "organization id"},
		{"bad org", "AWSLogs/o-ABC/" + strings.TrimPrefix(good, "AWSLogs/"), "organization id"},
		{"org without AWSLogs", "x/o-abcdefghij/" + strings.TrimPrefix(good, "AWSLogs/"), "path"},
		{"empty prefix segment", "a//" + good, "prefix"},
		{"leading slash", "/" + good, "prefix"},
		{"traversal prefix", "../" + good, "prefix"},
		{"digest no home", strings.Replace(digest, "_trail_us-west-2_", "_trail_", 1), "file name"},
		{"digest short trail", strings.Replace(digest, "_trail_", "_tr_", 1), "trail"},
		{"digest bad time", strings.Replace(digest, "T230404Z", "T2304Z", 1), "file name"},
		{"digest date mismatch", strings.Replace(digest, "2023/10/15", "2023/10/16", 1), "date folders"},
		{"digest backfill twice", strings.Replace(digest, ".json.gz", "_backfill_backfill.json.gz", 1), "file name"},
		{"long", strings.Repeat("p/", 600) + good, "key"},
	}
	for _, tt := range tests {
		_, err := ParseKey(tt.key)
		var me *Error
		if !errors.As(err, &me) || !errors.Is(err, ErrMalformedKey) {
			t.Errorf("%s: ParseKey(%q) error = %v, want an *Error wrapping ErrMalformedKey", tt.name, tt.key, err)
			continue
		}
		if me.Field != tt.field || me.Key != tt.key {
			t.Errorf("%s: error field %q key %q, want field %q (%v)", tt.name, me.Field, me.Key, tt.field, err)
		}
	}
}

func TestKeyValidate(t *testing.T) {
	base := Key{Kind: KindLog, Account: "111122223333", Region: "us-east-1", Time: time.Date(2024, 1, 2, 3, 4, 0, 0, time.UTC), Unique: "abcdefghijklmnop"}
	if err := base.Validate(); err != nil {
		t.Fatal(err)
	}
	mut := []struct {
		field string
		f     func(*Key)
	}{
		{"kind", func(k *Key) { k.Kind = "" }},
		{"time", func(k *Key) { k.Time = k.Time.Add(time.Second) }},
		{"time", func(k *Key) { k.Time = k.Time.In(time.FixedZone("x", 3600)) }},
		{"unique string", func(k *Key) { k.Unique = "" }},
		{"prefix", func(k *Key) { k.Prefix = "logs/" }},
		{"prefix", func(k *Key) { k.Prefix = strings.Repeat("a", 201) }},
		{"prefix", func(k *Key) { k.Prefix = "a/../b" }},
		{"organization id", func(k *Key) { k.OrgID = "o-short" }},
		{"account", func(k *Key) { k.Account = "1234" }},
		{"region", func(k *Key) { k.Region = "us_east_1" }},
		{"kind", func(k *Key) { k.Trail = "trail" }},
		{"trail", func(k *Key) { k.Kind, k.Unique, k.HomeRegion = KindDigest, "", "us-east-1" }},
		{"home region", func(k *Key) { k.Kind, k.Unique, k.Trail = KindDigest, "", "my-trail" }},
	}
	for _, m := range mut {
		k := base
		m.f(&k)
		var me *Error
		if err := k.Validate(); !errors.As(err, &me) || !errors.Is(err, ErrMalformedKey) || me.Field != m.field {
			t.Errorf("Validate(%+v) = %v, want field %q", k, err, m.field)
		}
		if _, err := k.MarshalText(); err == nil {
			t.Errorf("MarshalText(%+v) succeeded", k)
		}
	}
}

// randomKey returns a random valid Key.
func randomKey(rng *rand.Rand) Key {
	pick := func(alpha string, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alpha[rng.IntN(len(alpha))]
		}
		return string(b)
	}
	const lower = "abcdefghijklmnopqrstuvwxyz"
	const digits = "0123456789"
	region := func() string {
		return pick(lower, 2+rng.IntN(2)) + "-" + pick(lower, 3+rng.IntN(6)) + "-" + pick(digits, 1)
	}
	k := Key{Account: pick(digits, 12), Region: region()}
	if rng.IntN(2) == 0 {
		var segs []string
		for range 1 + rng.IntN(3) {
			segs = append(segs, pick(lower+digits+"-_.AWSLogs", 1+rng.IntN(10)))
		}
		if rng.IntN(5) == 0 {
			segs = append(segs, "AWSLogs")
		}
		k.Prefix = strings.Join(segs, "/")
		if strings.Contains("/"+k.Prefix+"/", "/./") || strings.Contains("/"+k.Prefix+"/", "/../") {
			k.Prefix = "p"
		}
	}
	if rng.IntN(2) == 0 {
		k.OrgID = "o-" + pick(lower+digits, 10+rng.IntN(23))
	}
	sec := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).Unix() + rng.Int64N(80*365*86400)
	k.Time = time.Unix(sec, 0).UTC()
	switch rng.IntN(3) {
	case 0:
		k.Kind = KindLog
	case 1:
		k.Kind = KindInsight
	case 2:
		k.Kind = KindDigest
	}
	if k.Kind == KindDigest {
		alnum := lower + digits + "ABCXYZ"
		var parts []string
		for range 1 + rng.IntN(4) {
			parts = append(parts, pick(alnum, 1+rng.IntN(8)))
		}
		// Join with separators; "_" and Region-like parts make naive splitting fail.
		var b strings.Builder
		for i, p := range parts {
			if i > 0 {
				b.WriteByte("._-"[rng.IntN(3)])
			}
			if rng.IntN(4) == 0 {
				p = region()
			}
			b.WriteString(p)
		}
		k.Trail = b.String()
		for len(k.Trail) < 3 {
			k.Trail += "x"
		}
		k.HomeRegion = region()
		k.Backfill = rng.IntN(3) == 0
	} else {
		k.Time = k.Time.Truncate(time.Minute)
		u, err := newUniqueString(nil)
		if err != nil {
			panic(err)
		}
		k.Unique = u
	}
	return k
}

// TestKeyRoundTripProperty: for random valid keys, ParseKey(k.String()) == k,
// the text form matches the spec's pattern, and a digest key is matched by its
// chain and by no other.
func TestKeyRoundTripProperty(t *testing.T) {
	logRE := regexp.MustCompile(`^(.+/)?AWSLogs/(o-[a-z0-9]{10,32}/)?(\d{12})/(CloudTrail|CloudTrail-Insight)/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/(\d{12})_(CloudTrail|CloudTrail-Insight)_([a-z0-9-]+)_(\d{8})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz$`)
	digestRE := regexp.MustCompile(`^(.+/)?AWSLogs/(o-[a-z0-9]{10,32}/)?\d{12}/CloudTrail-Digest/[a-z0-9-]+/\d{4}/\d{2}/\d{2}/\d{12}_CloudTrail-Digest_[a-z0-9-]+_[A-Za-z0-9._-]+_[a-z0-9-]+_\d{8}T\d{6}Z(_backfill)?\.json\.gz$`)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 20000 {
		k := randomKey(rng)
		if err := k.Validate(); err != nil {
			t.Fatalf("random key %d %+v invalid: %v", i, k, err)
		}
		s := k.String()
		got, err := ParseKey(s)
		if err != nil {
			t.Fatalf("ParseKey(%q): %v", s, err)
		}
		if got != k {
			t.Fatalf("round trip of %q:\n got %+v\nwant %+v", s, got, k)
		}
		if err := CheckKey("bucket", s); err != nil {
			t.Fatalf("built key %q fails CheckKey: %v", s, err)
		}
		var kk Key
		if err := kk.UnmarshalText([]byte(s)); err != nil || kk != k {
			t.Fatalf("UnmarshalText(%q) = %+v, %v", s, kk, err)
		}
		if k.Kind == KindDigest {
			if !digestRE.MatchString(s) {
				t.Fatalf("%q does not match the digest pattern", s)
			}
			c := DigestChain{Account: k.Account, Region: k.Region, Trail: k.Trail, HomeRegion: k.HomeRegion, Location: Location{Prefix: k.Prefix, OrgID: k.OrgID}}
			if !c.Match(s) || !strings.HasPrefix(s, c.ListPrefix()) {
				t.Fatalf("chain %+v does not match %q", c, s)
			}
			if p, err := c.Parse(s); err != nil || p != k {
				t.Fatalf("chain.Parse(%q) = %+v, %v", s, p, err)
			}
			if c.Key(k.Time, k.Backfill) != k {
				t.Fatalf("chain.Key differs for %q", s)
			}
			other := c
			other.Trail += "x"
			if other.Match(s) {
				t.Fatalf("chain for trail %q matches %q", other.Trail, s)
			}
			if _, err := other.Parse(s); !errors.Is(err, ErrMalformedKey) {
				t.Fatalf("chain for trail %q parses %q: %v", other.Trail, s, err)
			}
		} else {
			m := logRE.FindStringSubmatch(s)
			if m == nil {
				t.Fatalf("%q does not match the log file pattern", s)
			}
			if m[3] != m[9] || m[4] != m[10] || m[5] != m[11] || m[6]+m[7]+m[8] != m[12] {
				t.Fatalf("%q: folders and file name disagree", s)
			}
		}
	}
}

func TestDigestChainListing(t *testing.T) {
	c := DigestChain{Account: "123456789012", Region: "eu-west-1", Trail: "a_b", HomeRegion: "us-east-1", Location: Location{Prefix: "p", OrgID: "o-abcdefghij"}}
	if got, want := c.ListPrefix(), "p/AWSLogs/o-abcdefghij/123456789012/CloudTrail-Digest/eu-west-1/"; got != want {
		t.Errorf("ListPrefix = %q, want %q", got, want)
	}
	start := time.Date(2024, 5, 1, 0, 0, 30, 0, time.UTC)
	// aws-cli lists from the key a digest ending a minute before start would have.
	if got, want := c.Key(start.Add(-time.Minute), false).String(), "p/AWSLogs/o-abcdefghij/123456789012/CloudTrail-Digest/eu-west-1/2024/04/30/123456789012_CloudTrail-Digest_eu-west-1_a_b_us-east-1_20240430T235930Z.json.gz"; got != want {
		t.Errorf("start-after key = %q, want %q", got, want)
	}
	k := c.Key(start, false).String()
	// aws-cli's matcher is lax after "<home>_"; Match is the same.
	lax := strings.Replace(k, "20240501T000030Z", "whatever", 1)
	if !c.Match(lax) {
		t.Errorf("Match(%q) = false, want true like aws-cli", lax)
	}
	// aws-cli's ".+" takes a "/" too (but not a line break).
	if slash := strings.Replace(k, "20240501T000030Z", "a/b", 1); !c.Match(slash) {
		t.Errorf("Match(%q) = false, want true like aws-cli", slash)
	}
	if nl := strings.Replace(k, "20240501T000030Z", "a\nb", 1); c.Match(nl) {
		t.Errorf("Match(%q) = true, want false like aws-cli", nl)
	}
	if _, err := c.Parse(lax); err == nil {
		t.Errorf("Parse(%q) succeeded", lax)
	}
	for _, bad := range []string{
		strings.Replace(k, "/2024/", "/20x4/", 1),
		strings.Replace(k, "a_b_us-east-1", "a_b_us-east-2", 1),
		strings.Replace(k, ".json.gz", ".json", 1),
		strings.Replace(k, "p/AWSLogs", "q/AWSLogs", 1),
		strings.Replace(k, "2024/05/01/", "2024/05/01/x/", 1),
	} {
		if c.Match(bad) {
			t.Errorf("Match(%q) = true", bad)
		}
	}
}

// TestDigestKeyTrailName: a digest key's trail name follows CloudTrail's
// naming rules, in Validate and in ParseKey.
func TestDigestKeyTrailName(t *testing.T) {
	key := func(name string) Key {
		return Key{Kind: KindDigest, Account: "111122223333", Region: "eu-west-1", Time: time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC),
			Trail: name, HomeRegion: "us-east-1"}
	}
	for _, ok := range []string{"abc", "my_trail", "a.b-c_d", "Trail1", strings.Repeat("a", 128)} {
		if err := key(ok).Validate(); err != nil {
			t.Errorf("Validate with trail %q = %v", ok, err)
		}
		if _, err := ParseKey(key(ok).String()); err != nil {
			t.Errorf("ParseKey with trail %q = %v", ok, err)
		}
	}
	// 192.168.5.4 is the documentation's example of the IP address format
	// a trail name must not have; trail.Validate rejects it too.
	for _, bad := range []string{"ab", "_abc", "abc-", "a__b", "a._b", "a b", strings.Repeat("a", 129), "192.168.5.4", "999.1.1.1"} {
		var e *Error
		if err := key(bad).Validate(); !errors.As(err, &e) || e.Field != "trail" || !errors.Is(err, ErrMalformedKey) {
			t.Errorf("Validate with trail %q = %v, want a trail error", bad, err)
		}
		if _, err := ParseKey(key(bad).String()); !errors.As(err, &e) || e.Field != "trail" {
			t.Errorf("ParseKey with trail %q = %v, want a trail error", bad, err)
		}
	}
}

func TestNewUniqueString(t *testing.T) {
	re := regexp.MustCompile(`^[A-Za-z0-9]{16}$`)
	seen := map[string]bool{}
	counts := map[byte]int{}
	for range 20000 {
		s, err := newUniqueString(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !re.MatchString(s) {
			t.Fatalf("%q does not match [A-Za-z0-9]{16}", s)
		}
		if seen[s] {
			t.Fatalf("duplicate %q", s)
		}
		seen[s] = true
		for i := range len(s) {
			counts[s[i]]++
		}
	}
	// 320,000 characters over 62 symbols: about 5161 each. A biased mapping
	// (b%62 without rejection) would give the first 8 symbols about 5,800.
	if len(counts) != 62 {
		t.Fatalf("%d distinct characters, want 62", len(counts))
	}
	for c, n := range counts {
		if n < 4800 || n > 5530 {
			t.Errorf("character %q drawn %d times, want about 5161", c, n)
		}
	}
	// Deterministic with an injected source; bytes >= 248 are skipped.
	src := append(bytes.Repeat([]byte{255, 248}, 3), make([]byte, 64)...)
	for i := range 64 {
		src[6+i] = byte(i)
	}
	s, err := newUniqueString(bytes.NewReader(src))
	if err != nil || s != "ABCDEFGHIJKLMNOP" {
		t.Errorf("newUniqueString(fixed) = %q, %v", s, err)
	}
	if _, err := newUniqueString(bytes.NewReader([]byte{1, 2, 3})); err == nil {
		t.Error("short random source: no error")
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/05/444455556666_CloudTrail_eu-west-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz")
	f.Add("o-xxxxxxxxxx/AWSLogs/o-xxxxxxxxxx/123456789015/CloudTrail-Insight/ca-central-1/2020/09/23/123456789015_CloudTrail-Insight_ca-central-1_20200923T0516Z_KL5e9VCV2SS7IqzB.json.gz")
	f.Add("AWSLogs/123456789012/CloudTrail-Digest/ap-northeast-1/2023/10/15/123456789012_CloudTrail-Digest_ap-northeast-1_llm-guard-trail_us-west-2_20231015T230404Z_backfill.json.gz")
	f.Add("../AWSLogs/1/CloudTrail/x/1/1/1/.json.gz")
	f.Fuzz(func(t *testing.T, s string) {
		k, err := ParseKey(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedKey) {
				t.Fatalf("error %v does not wrap ErrMalformedKey", err)
			}
			return
		}
		if err := k.Validate(); err != nil {
			t.Fatalf("ParseKey(%q) gave an invalid key: %v", s, err)
		}
		if k.String() != s {
			t.Fatalf("ParseKey(%q).String() = %q", s, k.String())
		}
		if err := CheckKey("b", s); err != nil {
			t.Fatalf("parsed key %q fails CheckKey: %v", s, err)
		}
	})
}
