package eventtest

import (
	"github.com/google/uuid"
	"testing"
)

func TestUUIDFormat(t *testing.T) {
	for _, c := range [][2]uint64{{0, 0}, {^uint64(0), ^uint64(0)}, {0x0123456789abcdef, 0xfedcba9876543210}} {
		s := string(appendUUID(nil, c[0], c[1]))
		u, err := uuid.Parse(s)
		if err != nil || u.Version() != 4 || u.Variant() != uuid.RFC4122 || u.String() != s {
			t.Errorf("%x %x: %s (%v, version %d, variant %v)", c[0], c[1], s, err, u.Version(), u.Variant())
		}
	}
	if got := string(appendUUID(nil, 0x0123456789abcdef, 0xfedcba9876543210)); got != "01234567-89ab-4def-bedc-ba9876543210" {
		t.Errorf("got %s", got)
	}
}
