package alias

import "testing"

func TestString(t *testing.T) {
	b := []byte("arn:aws:iam::111122223333:user/x")
	s := String(b)
	if s != "arn:aws:iam::111122223333:user/x" || String(nil) != "" || String(b[:0]) != "" {
		t.Fatalf("String = %q", s)
	}
	b[0] = 'X'
	if shared := s[0] == 'X'; shared == Copies {
		t.Errorf("Copies is %v but the string shares its bytes: %v", Copies, shared)
	}
}
