package randdist

import (
	"io"
	"regexp"
	"testing"
)

func TestStreamDeterministic(t *testing.T) {
	read := func(seed int64, purpose string, n int) string {
		b := make([]byte, 32)
		if _, err := io.ReadFull(Stream(seed, purpose, n), b); err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	a := read(1, "logfile", 3)
	if a != read(1, "logfile", 3) {
		t.Error("the same seed, purpose and n gave two streams")
	}
	for _, other := range []string{read(2, "logfile", 3), read(1, "insights", 3), read(1, "logfile", 4)} {
		if other == a {
			t.Error("a different seed, purpose or n gave the same stream")
		}
	}
}

func TestUUIDs(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	a, b := UUIDs(7, "insights"), UUIDs(7, "insights")
	seen := map[string]bool{}
	for range 1000 {
		id := a()
		if !v4.MatchString(id) {
			t.Fatalf("%q is not a version 4 UUID", id)
		}
		if id != b() {
			t.Fatal("two generators with the same seed diverged")
		}
		if seen[id] {
			t.Fatalf("%q repeated", id)
		}
		seen[id] = true
	}
}
