package randdist

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
)

// Stream returns a deterministic byte stream for seed, purpose and n: a
// ChaCha8 stream keyed by the seed (8 bytes, little-endian), the first 16
// bytes of purpose and n (8 bytes). The fixtures and the CLI use it for
// the randomness of log-file keys and generated IDs, so that one seed
// yields the same bucket byte for byte.
func Stream(seed int64, purpose string, n int) io.Reader {
	var s [32]byte
	binary.LittleEndian.PutUint64(s[:], uint64(seed))
	copy(s[8:24], purpose)
	binary.LittleEndian.PutUint64(s[24:], uint64(n))
	return rand.NewChaCha8(s)
}

// UUIDs returns a function producing version 4 UUIDs (RFC 9562) from
// Stream(seed, purpose, 0). It is not safe for concurrent use.
func UUIDs(seed int64, purpose string) func() string {
	r := Stream(seed, purpose, 0)
	return func() string {
		var b [16]byte
		r.Read(b[:])
		b[6] = b[6]&0x0f | 0x40
		b[8] = b[8]&0x3f | 0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
	}
}
