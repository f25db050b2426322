package digest

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"hash"
	"io"
	"sync"

	kgzip "github.com/klauspost/compress/gzip"
	"github.com/trailkit/trailkit/logfile"
)

// defaultMaxDigestSize caps a digest's uncompressed size (64 MiB; a digest
// listing ten thousand files is about 4 MB).
const defaultMaxDigestSize = 64 << 20

// defaultMaxLogFileSize caps a log file's uncompressed size while hashing
// (2 GiB; CloudTrail files are at most 50 MB compressed).
const defaultMaxLogFileSize = 2 << 30

// errTrailingData reports bytes after the first gzip member. aws-cli ignores
// them; Validate reports them as a strict finding.
var errTrailingData = errors.New("digest: data after the gzip member")

// openDigest reads the digest object bucket/key through the streaming
// Store.Open and returns its uncompressed bytes (the first gzip member, up
// to defaultMaxDigestSize; trailing bytes are ignored, as aws-cli does)
// and its user metadata.
func openDigest(ctx context.Context, store logfile.Store, bucket, key string) ([]byte, map[string]string, error) {
	rc, info, err := store.Open(ctx, bucket, key)
	if err != nil {
		return nil, nil, err
	}
	defer rc.Close()
	raw, _, err := readDigest(rc, defaultMaxDigestSize)
	return raw, info.Metadata, err
}

// readDigest inflates the first gzip member of a digest object read as a
// stream, up to limit bytes, and reports whether non-empty bytes follow the
// member (aws-cli ignores them; Validate reports them as a strict finding).
func readDigest(body io.Reader, limit int64) (raw []byte, trailing bool, err error) {
	br := bufio.NewReader(body)
	zr, err := kgzip.NewReader(br)
	if err != nil {
		return nil, false, &FormatError{Field: "digest gzip", Err: err}
	}
	zr.Multistream(false)
	out, err := io.ReadAll(io.LimitReader(zr, limit+1))
	if err != nil {
		return nil, false, &FormatError{Field: "digest gzip", Err: err}
	}
	if int64(len(out)) > limit {
		return nil, false, tooLarge("digest", limit)
	}
	_, perr := br.Peek(1)
	return out, perr == nil, nil
}

var errLimit = errors.New("limit")

// limitedHash hashes what is written to it, up to left bytes.
type limitedHash struct {
	h    hash.Hash
	left int64
}

// Write implements io.Writer.
func (w *limitedHash) Write(p []byte) (int, error) {
	if w.left -= int64(len(p)); w.left < 0 {
		return 0, errLimit
	}
	return w.h.Write(p)
}

type hasher struct {
	zr *kgzip.Reader
	br *bufio.Reader
	h  hash.Hash
}

// hashers are pooled: a gzip reader holds ~40 KB of window and tables.
var hashers = sync.Pool{New: func() any {
	return &hasher{br: bufio.NewReaderSize(nil, 32<<10), h: sha256.New()}
}}

// hashGzip returns the SHA-256 of the first gzip member of body, inflated,
// and whether non-empty bytes follow that member (trailing). It reads body
// as a stream, so a log file is never held in memory whole. Errors: a
// *FormatError (not gzip, corrupt, truncated, or a read error of body) or an
// ErrTooLarge error.
func hashGzip(body io.Reader, limit int64) (sum Hash, trailing bool, err error) {
	hs := hashers.Get().(*hasher)
	defer hashers.Put(hs)
	hs.br.Reset(body)
	defer hs.br.Reset(nil)
	if hs.zr == nil {
		hs.zr, err = kgzip.NewReader(hs.br)
	} else {
		err = hs.zr.Reset(hs.br)
	}
	if err != nil {
		hs.zr = nil
		return Hash{}, false, &FormatError{Field: "log file gzip", Err: err}
	}
	hs.zr.Multistream(false)
	hs.h.Reset()
	lw := limitedHash{h: hs.h, left: limit}
	// WriteTo hands the inflater's window straight to the hash: no copy.
	if _, err := hs.zr.WriteTo(&lw); err != nil {
		if err == errLimit {
			return Hash{}, false, tooLarge("log file", limit)
		}
		return Hash{}, false, &FormatError{Field: "log file gzip", Err: err}
	}
	hs.h.Sum(sum[:0])
	_, perr := hs.br.Peek(1)
	return sum, perr == nil, nil
}
