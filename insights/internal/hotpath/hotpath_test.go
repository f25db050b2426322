package hotpath

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// foldRef is FoldField written with plain byte indexing.
func foldRef(h uint64, s string) uint64 {
	w := func(i, k int) uint64 {
		var v uint64
		for j := k - 1; j >= 0; j-- {
			v = v<<8 | uint64(s[i+j])
		}
		return v
	}
	n := len(s)
	switch {
	case n >= 8:
		for i := 0; i < n-8; i += 8 {
			h = Mix(h^w(i, 8), Keys[1])
		}
		h = Mix(h^w(n-8, 8), Keys[2])
	case n >= 4:
		h = Mix(h^(w(0, 4)<<32|w(n-4, 4)), Keys[2])
	case n > 0:
		h = Mix(h^(uint64(s[0])|uint64(s[n>>1])<<8|uint64(s[n-1])<<16), Keys[2])
	}
	return h ^ uint64(n)<<56
}

// TestFold: FoldField is the byte-wise definition and FoldKey is FoldField
// over the four fields, for every length from 0 to 40.
func TestFold(t *testing.T) {
	base := strings.Repeat("0123456789abcdef", 3)
	for n := 0; n <= 40; n++ {
		f := [4]string{base[:n], base[:(n+5)%41], base[(n+11)%41:], base[n:]}
		if got, want := FoldField(7, f[0]), foldRef(7, f[0]); got != want {
			t.Fatalf("FoldField(%q) = %x, want %x", f[0], got, want)
		}
		want := Mix(FoldField(FoldField(FoldField(FoldField(Keys[3], f[0]), f[1]), f[2]), f[3]), Keys[0])
		if got := FoldKey(&f); got != want {
			t.Fatalf("FoldKey(%q) = %x, want %x", f, got, want)
		}
	}
}

// TestSameFields: SameFields is == field by field, for fields differing in
// any one byte or in length, stored apart.
func TestSameFields(t *testing.T) {
	base := strings.Repeat("0123456789abcdef", 3)
	for n := 0; n <= 40; n++ {
		for f := range 4 {
			a := [4]string{"111122223333", "us-east-1", "s3.amazonaws.com", "DeleteBucket"}
			a[f] = base[:n]
			b := a
			for i := range b {
				b[i] = strings.Clone(a[i])
			}
			if !SameFields(&a, &b) {
				t.Fatalf("SameFields(%q, copy) = false", a)
			}
			for i := range n {
				s := []byte(a[f])
				s[i] ^= 1
				b[f] = string(s)
				if SameFields(&a, &b) || SameFields(&b, &a) {
					t.Fatalf("SameFields true for %q and %q", a, b)
				}
			}
			b[f] = a[f] + "x"
			if SameFields(&a, &b) {
				t.Fatalf("SameFields true for %q and %q", a, b)
			}
		}
	}
}

// FuzzSameFields: SameFields is == for any fields.
func FuzzSameFields(f *testing.F) {
	f.Add("s3.amazonaws.com", "DeleteBucket", "s3.amazonaws.com", "DeleteBucket")
	f.Add("abcdefghijklmnopq", "x", "abcdefghijklmnopr", "x")
	f.Fuzz(func(t *testing.T, s1, n1, s2, n2 string) {
		a := [4]string{"1", "r", s1, n1}
		b := [4]string{"1", "r", strings.Clone(s2), strings.Clone(n2)}
		if got, want := SameFields(&a, &b), a == b; got != want {
			t.Fatalf("SameFields(%q, %q) = %v, want %v", a, b, got, want)
		}
	})
}

// TestFindVictimHalve: Find is a linear scan for the hash (with hashes
// sharing tags), Victim the first least count, Halve halves.
func TestFindVictimHalve(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var hash [Entries]uint64
		var tags uint64
		n := r.IntN(Entries + 1)
		for i := range n {
			h := r.Uint64()
			if r.IntN(3) == 0 && i > 0 {
				h = hash[r.IntN(i)]&^(1<<56-1) | r.Uint64()>>8 // same tag as another
			}
			hash[i] = h
			tags = SetTag(tags, uint64(i), h)
		}
		q := r.Uint64()
		if n > 0 && r.IntN(2) == 0 {
			q = hash[r.IntN(n)]
		} else if n > 0 && r.IntN(2) == 0 {
			q = hash[r.IntN(n)]&^(1<<56-1) | r.Uint64()>>8
		}
		want := -1
		for i := range n {
			if hash[i] == q {
				want = i
				break
			}
		}
		if got := Find(tags, &hash, n, q); got != want {
			t.Fatalf("Find(%x in %x, n=%d) = %d, want %d", q, hash, n, got, want)
		}
		var c [Entries]float32
		for i := range c {
			c[i] = float32(r.IntN(4))
		}
		v := 0
		for i := range c {
			if c[i] < c[v] {
				v = i
			}
		}
		if got := Victim(&c); got != v {
			t.Fatalf("Victim(%v) = %d, want %d", c, got, v)
		}
		h := c
		Halve(&h)
		for i := range c {
			if h[i] != c[i]*0.5 {
				t.Fatalf("Halve(%v) = %v", c, h)
			}
		}
	}
}

// TestHashString: values hash alike wherever they are stored.
func TestHashString(t *testing.T) {
	for _, v := range []string{"", "x", "arn:aws:iam::111122223333:user/alice", strings.Repeat("y", 100)} {
		if HashString(v) != HashString(strings.Clone(v)) {
			t.Errorf("HashString(%q) differs for a copy", v)
		}
	}
	if HashString("a") == HashString("b") {
		t.Error("HashString(a) == HashString(b)")
	}
}
