package digest_test

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"io"
	"math/rand/v2"
	"testing"
)

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func gz(t testing.TB, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func nil2rng(seed int) *rand.Rand { return rand.New(rand.NewPCG(uint64(seed), 1)) }

func sha1Sum(b []byte) []byte { s := sha1.Sum(b); return s[:] }
