// Package storetest is a conformance suite for logfile.Store
// implementations, in the manner of testing/slogtest: a store's own test
// calls Run with a constructor, and every rule of the logfile.Store contract
// is checked as a subtest:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) (logfile.Store, string) {
//			s, err := mystore.Open(t.TempDir())
//			if err != nil {
//				t.Fatal(err)
//			}
//			return s, "trail-bucket"
//		})
//	}
//
// It uses only the standard library and logfile, so any module can run it.
//
// The suite checks:
//   - round trip: the body byte for byte (all 256 byte values, an empty
//     body, a 3 MiB body), Bucket and Key set on the returned Object, and
//     the metadata; metadata names are compared case-insensitively, since
//     S3 SDKs may canonicalise them;
//   - Open: the body read from Open's reader equals Get's (the bodies
//     above, an empty body, 3 MiB), ObjectInfo names the object and has its
//     metadata and, unless -1, its size; a reader opened before a Put
//     replaces the object still yields the old body whole, and readers
//     closed early or read to the end leave the store working;
//   - Put copies: changing the caller's body or metadata after Put does
//     not change what is stored;
//   - replace: a second Put to a key replaces body and metadata, including
//     dropping metadata the new object lacks;
//   - missing keys and buckets: Get's and Open's errors wrap
//     logfile.ErrNotFound, and
//     List of a missing bucket yields no key (an error, if any, wraps
//     logfile.ErrNotFound);
//   - List: byte order on keys that file systems and naive walkers sort
//     differently ("a-b" < "a.b" < "a/b" < "a0", upper case before lower
//     case, UTF-8 after ASCII, characters URLs escape), prefixes that end
//     inside a path segment, startAfter exclusive whether or not it names
//     a key, more than 1,000 keys (so S3 paginates), and stopping early;
//   - concurrency: Puts to distinct keys and to one shared key, Gets and
//     Lists at the same time (run the suite with -race); a Get never sees
//     a partial body (also through Open), a List is always strictly
//     increasing;
//   - hostile keys and buckets ("../x", "/abs", "a/../b", NUL, backslash,
//     empty segments, …) refused by Put, Get and Open with a
//     *logfile.Error wrapping logfile.ErrUnsafeKey, and nothing stored;
//   - conditional create: PutIfAbsent stores a new object, and for a key
//     that exists (made by Put or PutIfAbsent) returns an error wrapping
//     logfile.ErrExists and changes nothing; hostile keys and ended
//     contexts are refused as for Put;
//   - racing creators: 12 goroutines call PutIfAbsent on one key with
//     different bodies and metadata, for several keys, while readers Get
//     the keys; exactly one creator wins each key, every other gets
//     logfile.ErrExists, and every Get returns the winner's body with the
//     winner's metadata (never a mixture, never a partial body);
//   - context: a cancelled or expired ctx makes Put, Get, Open and List fail with
//     an error wrapping the context's error, Put stores nothing, and
//     cancelling in the middle of a List stops it with that error.
//
// The metadata the suite writes uses lower-case names and printable ASCII
// values, what S3 stores faithfully. Keys stay within what a directory tree
// can hold: no key is both an object and a "directory" of other keys, and
// none ends in ".metadata.json" (the sidecar suffix of logfile.NewDirStore).
package storetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/logfile"
)

// manyKeys is how many keys the pagination subtest writes: more than S3's
// 1,000 keys per ListObjectsV2 page.
const manyKeys = 1100

// Run runs the conformance suite as subtests of t. newStore is called once
// per subtest and returns a store and the name of a bucket in it that is
// empty and that no other subtest uses; it may call t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) (logfile.Store, string)) {
	t.Helper()
	tests := []struct {
		name string
		fn   func(*testing.T, logfile.Store, string)
	}{
		{"RoundTrip", testRoundTrip},
		{"EmptyBody", testEmptyBody},
		{"Open", testOpen},
		{"LargeBody", testLargeBody},
		{"PutCopies", testPutCopies},
		{"Replace", testReplace},
		{"Missing", testMissing},
		{"ListOrder", testListOrder},
		{"ListPrefix", testListPrefix},
		{"ListStartAfter", testListStartAfter},
		{"ListStopEarly", testListStopEarly},
		{"manyKeys", testManyKeys},
		{"Concurrent", testConcurrent},
		{"hostileKeys", testHostileKeys},
		{"Context", testContext},
		{"PutIfAbsent", testPutIfAbsent},
		{"PutIfAbsentRace", testPutIfAbsentRace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store, bucket := newStore(t)
			tt.fn(t, store, bucket)
		})
	}
}

// ctxFor returns a context that ends with the test, bounded so that a
// hanging store fails the subtest instead of the whole run.
func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

func put(t *testing.T, s logfile.Store, obj logfile.Object) {
	t.Helper()
	if err := s.Put(ctxFor(t), obj); err != nil {
		t.Fatalf("Put(%q, %q): %v", obj.Bucket, obj.Key, err)
	}
}

func get(t *testing.T, s logfile.Store, bucket, key string) logfile.Object {
	t.Helper()
	obj, err := s.Get(ctxFor(t), bucket, key)
	if err != nil {
		t.Fatalf("Get(%q, %q): %v", bucket, key, err)
	}
	if obj.Bucket != bucket || obj.Key != key {
		t.Fatalf("Get(%q, %q) returned Bucket %q Key %q", bucket, key, obj.Bucket, obj.Key)
	}
	return obj
}

// open reads a whole object through Open, checking its ObjectInfo.
func open(t *testing.T, s logfile.Store, bucket, key string) ([]byte, logfile.ObjectInfo) {
	t.Helper()
	rc, info, err := s.Open(ctxFor(t), bucket, key)
	if err != nil {
		t.Fatalf("Open(%q, %q): %v", bucket, key, err)
	}
	defer rc.Close()
	if info.Bucket != bucket || info.Key != key {
		t.Fatalf("Open(%q, %q) returned Bucket %q Key %q", bucket, key, info.Bucket, info.Key)
	}
	body, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("reading Open(%q, %q) after %d bytes: %v", bucket, key, len(body), err)
	}
	if info.Size != -1 && info.Size != int64(len(body)) {
		t.Errorf("Open(%q, %q): ObjectInfo.Size %d, read %d bytes", bucket, key, info.Size, len(body))
	}
	if err := rc.Close(); err != nil {
		t.Errorf("Close of Open(%q, %q): %v", bucket, key, err)
	}
	return body, info
}

// list collects a whole listing, failing the test on an error.
func list(t *testing.T, s logfile.Store, bucket, prefix, startAfter string) []string {
	t.Helper()
	var keys []string
	for k, err := range s.List(ctxFor(t), bucket, prefix, startAfter) {
		if err != nil {
			t.Fatalf("List(%q, %q, %q) after %d keys: %v", bucket, prefix, startAfter, len(keys), err)
		}
		keys = append(keys, k)
	}
	return keys
}

// lowerNames returns m with lower-cased names, the form metadata is
// compared in.
func lowerNames(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

func checkMetadata(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	if g, w := lowerNames(got), lowerNames(want); !maps.Equal(g, w) {
		t.Errorf("%s: metadata = %v, want %v (names compared case-insensitively)", what, g, w)
	}
}

func checkBody(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Errorf("%s: body of %d bytes differs from the %d bytes put (first bytes %q, want %q)",
			what, len(got), len(want), got[:min(len(got), 16)], want[:min(len(want), 16)])
	}
}

// signatureMetadata is what digest.Chain puts on a digest object.
func signatureMetadata(seed byte) map[string]string {
	sig := make([]byte, 256)
	for i := range sig {
		sig[i] = seed + byte(i)
	}
	return map[string]string{
		"signature":           fmt.Sprintf("%x", sig),
		"signature-algorithm": "SHA256withRSA",
	}
}

func testRoundTrip(t *testing.T, s logfile.Store, bucket string) {
	body := make([]byte, 0, 512)
	for i := range 512 {
		body = append(body, byte(i))
	}
	key := "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/111122223333_CloudTrail-Digest_us-east-1_my.trail_name-1_us-east-1_20240305T101742Z.json.gz"
	md := signatureMetadata(7)
	md["backfill-generation-timestamp"] = "2025-09-01T00:00:00Z"
	put(t, s, logfile.Object{Bucket: bucket, Key: key, Body: body, Metadata: md})
	obj := get(t, s, bucket, key)
	checkBody(t, "Get", obj.Body, body)
	checkMetadata(t, "Get", obj.Metadata, md)

	// An object without metadata comes back without metadata.
	plain := "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz"
	put(t, s, logfile.Object{Bucket: bucket, Key: plain, Body: []byte("\x1f\x8b plain")})
	obj = get(t, s, bucket, plain)
	checkBody(t, "Get without metadata", obj.Body, []byte("\x1f\x8b plain"))
	if len(obj.Metadata) != 0 {
		t.Errorf("Get of an object put without metadata: metadata = %v, want none", obj.Metadata)
	}
	if got, want := list(t, s, bucket, "", ""), []string{key, plain}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

func testEmptyBody(t *testing.T, s logfile.Store, bucket string) {
	put(t, s, logfile.Object{Bucket: bucket, Key: "empty", Body: nil})
	put(t, s, logfile.Object{Bucket: bucket, Key: "empty-slice", Body: []byte{}, Metadata: map[string]string{"k": "v"}})
	for _, key := range []string{"empty", "empty-slice"} {
		if obj := get(t, s, bucket, key); len(obj.Body) != 0 {
			t.Errorf("Get(%q): body of %d bytes, want empty", key, len(obj.Body))
		}
	}
	checkMetadata(t, "Get(empty-slice)", get(t, s, bucket, "empty-slice").Metadata, map[string]string{"k": "v"})
	if got, want := list(t, s, bucket, "", ""), []string{"empty", "empty-slice"}; !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

func testOpen(t *testing.T, s logfile.Store, bucket string) {
	bin := make([]byte, 0, 512)
	for i := range 512 {
		bin = append(bin, byte(i))
	}
	large := make([]byte, 3<<20+5)
	r := rand.New(rand.NewPCG(5, 6))
	for i := range large {
		large[i] = byte(r.Uint32())
	}
	objs := []logfile.Object{
		{Bucket: bucket, Key: "digest/d.json.gz", Body: bin, Metadata: signatureMetadata(3)},
		{Bucket: bucket, Key: "log/plain.json.gz", Body: []byte("\x1f\x8b plain")},
		{Bucket: bucket, Key: "empty", Body: nil},
		{Bucket: bucket, Key: "large/body.json.gz", Body: large},
	}
	for _, o := range objs {
		put(t, s, o)
	}
	for _, o := range objs {
		body, info := open(t, s, bucket, o.Key)
		checkBody(t, "Open("+o.Key+")", body, o.Body)
		checkMetadata(t, "Open("+o.Key+")", info.Metadata, o.Metadata)
		checkBody(t, "Get("+o.Key+") after Open", get(t, s, bucket, o.Key).Body, o.Body)
	}

	// A reader opened before a replacement yields the old version whole.
	ctx := ctxFor(t)
	rc, _, err := s.Open(ctx, bucket, "large/body.json.gz")
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	head := make([]byte, 1000)
	if _, err := io.ReadFull(rc, head); err != nil {
		t.Fatalf("reading the first 1000 bytes: %v", err)
	}
	put(t, s, logfile.Object{Bucket: bucket, Key: "large/body.json.gz", Body: []byte("replaced")})
	rest, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		t.Fatalf("reading an opened object after a Put replaced it: %v", err)
	}
	checkBody(t, "Open before a replacing Put", append(head, rest...), large)
	body, _ := open(t, s, bucket, "large/body.json.gz")
	checkBody(t, "Open after a replacing Put", body, []byte("replaced"))

	// Readers closed early, many times, leave the store working.
	for range 50 {
		rc, _, err := s.Open(ctx, bucket, "digest/d.json.gz")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if _, err := rc.Read(make([]byte, 10)); err != nil {
			t.Fatalf("Read: %v", err)
		}
		rc.Close()
	}
	checkBody(t, "Get after readers closed early", get(t, s, bucket, "digest/d.json.gz").Body, bin)
}

func testLargeBody(t *testing.T, s logfile.Store, bucket string) {
	body := make([]byte, 3<<20+17)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range body {
		body[i] = byte(r.Uint32())
	}
	put(t, s, logfile.Object{Bucket: bucket, Key: "large/body.json.gz", Body: body})
	checkBody(t, "Get", get(t, s, bucket, "large/body.json.gz").Body, body)
}

func testPutCopies(t *testing.T, s logfile.Store, bucket string) {
	body := []byte("original body")
	md := map[string]string{"signature": "00ff"}
	put(t, s, logfile.Object{Bucket: bucket, Key: "k", Body: body, Metadata: md})
	copy(body, "CHANGED!")
	md["signature"] = "changed"
	md["extra"] = "added"
	obj := get(t, s, bucket, "k")
	checkBody(t, "Get after the caller changed its buffer", obj.Body, []byte("original body"))
	checkMetadata(t, "Get after the caller changed its map", obj.Metadata, map[string]string{"signature": "00ff"})
	// Changing what Get returned does not change the store either.
	if len(obj.Body) > 0 {
		obj.Body[0] = 'X'
	}
	if obj.Metadata != nil {
		obj.Metadata["signature"] = "mutated"
	}
	again := get(t, s, bucket, "k")
	checkBody(t, "second Get", again.Body, []byte("original body"))
	checkMetadata(t, "second Get", again.Metadata, map[string]string{"signature": "00ff"})
}

func testReplace(t *testing.T, s logfile.Store, bucket string) {
	key := "AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/x.json.gz"
	put(t, s, logfile.Object{Bucket: bucket, Key: key, Body: []byte("first, longer body"), Metadata: signatureMetadata(1)})
	put(t, s, logfile.Object{Bucket: bucket, Key: key, Body: []byte("second"), Metadata: map[string]string{"other": "x"}})
	obj := get(t, s, bucket, key)
	checkBody(t, "Get after replace", obj.Body, []byte("second"))
	checkMetadata(t, "Get after replace", obj.Metadata, map[string]string{"other": "x"})

	put(t, s, logfile.Object{Bucket: bucket, Key: key, Body: []byte("third")})
	obj = get(t, s, bucket, key)
	checkBody(t, "Get after replace without metadata", obj.Body, []byte("third"))
	if len(obj.Metadata) != 0 {
		t.Errorf("Get after replacing with an object without metadata: metadata = %v, want none", obj.Metadata)
	}
	if got := list(t, s, bucket, "", ""); !slices.Equal(got, []string{key}) {
		t.Errorf("List after replacing = %q, want only %q", got, key)
	}
}

func testMissing(t *testing.T, s logfile.Store, bucket string) {
	ctx := ctxFor(t)
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s: no error, want one wrapping logfile.ErrNotFound", what)
		} else if !errors.Is(err, logfile.ErrNotFound) {
			t.Errorf("%s: error %v (%T) does not wrap logfile.ErrNotFound", what, err, err)
		}
	}
	openErr := func(bucket, key string) error {
		rc, _, err := s.Open(ctx, bucket, key)
		if err == nil {
			rc.Close()
		}
		return err
	}
	_, err := s.Get(ctx, bucket, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/missing.json.gz")
	check("Get of a missing key in an empty bucket", err)
	check("Open of a missing key in an empty bucket", openErr(bucket, "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/missing.json.gz"))

	put(t, s, logfile.Object{Bucket: bucket, Key: "dir/present", Body: []byte("x")})
	for _, key := range []string{"dir/presen", "dir/present2", "dir/present/below", "dir", "DIR/present", "other/present"} {
		_, err := s.Get(ctx, bucket, key)
		check(fmt.Sprintf("Get(%q) next to dir/present", key), err)
		check(fmt.Sprintf("Open(%q) next to dir/present", key), openErr(bucket, key))
	}

	missingBucket := bucket + "-missing"
	_, err = s.Get(ctx, missingBucket, "dir/present")
	check("Get in a missing bucket", err)
	check("Open in a missing bucket", openErr(missingBucket, "dir/present"))
	for k, err := range s.List(ctx, missingBucket, "", "") {
		if err != nil {
			check("List of a missing bucket", err)
			break
		}
		t.Errorf("List of a missing bucket yielded %q", k)
	}
	if got := list(t, s, bucket, "nothing/", ""); len(got) != 0 {
		t.Errorf("List of a prefix with no keys = %q, want none", got)
	}
}

// orderKeys are keys whose byte order differs from the order a directory
// walk, a case-insensitive sort or a URL-unaware listing would give.
var orderKeys = []string{
	"p/a-b", "p/a.b", "p/a/b", "p/a/c/d", "p/a0", "p/aB", "p/a_b", "p/aa", "p/a~",
	"p/B", "p/b b", "p/b+b", "p/b%2Fb", "p/b=b&c", "p/b;b", "p/b'b", "p/b!b",
	"p/é", "p/日本", "p/z", "p-", "p.", "q",
	"AWSLogs/1/CloudTrail/x", "AWSLogs/1/CloudTrail-Digest/x", "AWSLogs/10/CloudTrail/x",
}

func testListOrder(t *testing.T, s logfile.Store, bucket string) {
	shuffled := slices.Clone(orderKeys)
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	for _, k := range shuffled {
		put(t, s, logfile.Object{Bucket: bucket, Key: k, Body: []byte(k)})
	}
	want := slices.Clone(orderKeys)
	slices.Sort(want) // Go compares strings bytewise.
	got := list(t, s, bucket, "", "")
	if !slices.Equal(got, want) {
		t.Errorf("List in wrong order or with wrong keys:\n got %q\nwant %q", got, want)
	}
	// Each key reads back as itself, so the listing's decoding matches Put's encoding.
	for _, k := range orderKeys {
		checkBody(t, fmt.Sprintf("Get(%q)", k), get(t, s, bucket, k).Body, []byte(k))
	}
}

func testListPrefix(t *testing.T, s logfile.Store, bucket string) {
	for _, k := range orderKeys {
		put(t, s, logfile.Object{Bucket: bucket, Key: k, Body: []byte(k)})
	}
	for _, prefix := range []string{
		"", "p", "p/", "p/a", "p/a/", "p/a.", "p/b", "p/é", "AWSLogs/1/CloudTrail", "AWSLogs/1/CloudTrail/",
		"AWSLogs/1", "AWSLogs/1/", "AWSLogs/10/CloudTrail/x", "AWSLogs/2/", "none", "p/a/b/", "r",
	} {
		var want []string
		for _, k := range orderKeys {
			if strings.HasPrefix(k, prefix) {
				want = append(want, k)
			}
		}
		slices.Sort(want)
		if got := list(t, s, bucket, prefix, ""); !slices.Equal(got, want) {
			t.Errorf("List(prefix %q):\n got %q\nwant %q", prefix, got, want)
		}
	}
}

func testListStartAfter(t *testing.T, s logfile.Store, bucket string) {
	for _, k := range orderKeys {
		put(t, s, logfile.Object{Bucket: bucket, Key: k, Body: []byte(k)})
	}
	cases := []struct{ prefix, startAfter string }{
		{"", "p/a.b"},    // a key: excluded
		{"", "p/a/"},     // between keys, not itself a key
		{"p/", "p/a-b"},  // first key under the prefix
		{"p/", "o"},      // below the prefix: everything under it
		{"p/", "p/zz"},   // above every key under the prefix
		{"p/", "q"},      // above the prefix
		{"p/a", "p/a/b"}, // within a "directory"
		{"AWSLogs/1/CloudTrail", "AWSLogs/1/CloudTrail-Digest/x"},
		{"", "p/a"},   // a prefix of keys but not a key
		{"", "p/é"},   // multi-byte
		{"", "\x7f"},  // above all ASCII keys
		{"", "q"},     // the last key
		{"", "AWS"},   // below every key
		{"p", "p/z"},  // leaves "p-", "p." out since they sort before "p/"
		{"p", "p-"},   // leaves "p-" out
		{"", "p/b b"}, // a key with a space
	}
	for _, c := range cases {
		var want []string
		for _, k := range orderKeys {
			if strings.HasPrefix(k, c.prefix) && k > c.startAfter {
				want = append(want, k)
			}
		}
		slices.Sort(want)
		if got := list(t, s, bucket, c.prefix, c.startAfter); !slices.Equal(got, want) {
			t.Errorf("List(prefix %q, startAfter %q):\n got %q\nwant %q", c.prefix, c.startAfter, got, want)
		}
	}
}

func testListStopEarly(t *testing.T, s logfile.Store, bucket string) {
	for i := range 5 {
		put(t, s, logfile.Object{Bucket: bucket, Key: fmt.Sprintf("k%d", i), Body: []byte{byte(i)}})
	}
	// A range loop panics if the iterator calls yield after the loop body
	// broke out, so this checks that List stops when asked.
	var got []string
	for k, err := range s.List(ctxFor(t), bucket, "", "") {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		got = append(got, k)
		if len(got) == 2 {
			break
		}
	}
	if !slices.Equal(got, []string{"k0", "k1"}) {
		t.Errorf("first two keys = %q, want [k0 k1]", got)
	}
	// The store still works after an abandoned listing.
	if got := list(t, s, bucket, "", "k3"); !slices.Equal(got, []string{"k4"}) {
		t.Errorf("List after k3 = %q, want [k4]", got)
	}
}

// putAll puts keys from several goroutines, bodies equal to the keys.
func putAll(t *testing.T, s logfile.Store, bucket string, keys []string) {
	t.Helper()
	ctx := ctxFor(t)
	var wg sync.WaitGroup
	errs := make(chan error, len(keys))
	next := make(chan string)
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				if err := s.Put(ctx, logfile.Object{Bucket: bucket, Key: k, Body: []byte(k)}); err != nil {
					errs <- fmt.Errorf("Put(%q): %w", k, err)
				}
			}
		}()
	}
	for _, k := range keys {
		next <- k
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func testManyKeys(t *testing.T, s logfile.Store, bucket string) {
	keys := make([]string, manyKeys)
	for i := range keys {
		// Hourly-looking keys, with numbers that sort differently as
		// strings and as integers.
		keys[i] = fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/%02d/f%d.json.gz", i%28+1, i)
	}
	putAll(t, s, bucket, keys)
	want := slices.Sorted(slices.Values(keys))
	got := list(t, s, bucket, "", "")
	if !slices.Equal(got, want) {
		t.Fatalf("List of %d keys returned %d keys, or in the wrong order (first differences at %d)",
			len(want), len(got), firstDiff(got, want))
	}
	// Resuming from the middle, as a caller paging by hand does.
	mid := want[len(want)/2]
	if got := list(t, s, bucket, "", mid); !slices.Equal(got, want[len(want)/2+1:]) {
		t.Errorf("List after %q: %d keys, want %d (first difference at %d)",
			mid, len(got), len(want)-len(want)/2-1, firstDiff(got, want[len(want)/2+1:]))
	}
	prefix := "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/07/"
	var wantDay []string
	for _, k := range want {
		if strings.HasPrefix(k, prefix) {
			wantDay = append(wantDay, k)
		}
	}
	if got := list(t, s, bucket, prefix, ""); !slices.Equal(got, wantDay) {
		t.Errorf("List(%q) = %d keys, want %d", prefix, len(got), len(wantDay))
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func testConcurrent(t *testing.T, s logfile.Store, bucket string) {
	ctx := ctxFor(t)
	const writers, perWriter = 6, 15
	shared := "shared/key.json.gz"
	// Bodies of different sizes, so a torn write would show.
	sharedBody := func(w int) []byte { return bytes.Repeat([]byte{byte('a' + w)}, 1000*(w+1)) }
	put(t, s, logfile.Object{Bucket: bucket, Key: shared, Body: sharedBody(0)})

	var wg sync.WaitGroup
	errs := make(chan error, 1000)
	done := make(chan struct{})
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				k := fmt.Sprintf("w%d/%03d", w, i)
				if err := s.Put(ctx, logfile.Object{Bucket: bucket, Key: k, Body: []byte(k), Metadata: map[string]string{"writer": fmt.Sprint(w)}}); err != nil {
					errs <- fmt.Errorf("Put(%q): %w", k, err)
					return
				}
				if err := s.Put(ctx, logfile.Object{Bucket: bucket, Key: shared, Body: sharedBody(w)}); err != nil {
					errs <- fmt.Errorf("Put(%q): %w", shared, err)
					return
				}
			}
		}()
	}
	var readers sync.WaitGroup
	for range 2 {
		readers.Add(2)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				obj, err := s.Get(ctx, bucket, shared)
				if err != nil {
					errs <- fmt.Errorf("concurrent Get(%q): %w", shared, err)
					return
				}
				if n := len(obj.Body); n == 0 || n%1000 != 0 || !bytes.Equal(obj.Body, bytes.Repeat(obj.Body[:1], n)) {
					errs <- fmt.Errorf("concurrent Get(%q): torn body of %d bytes", shared, n)
					return
				}
				rc, _, err := s.Open(ctx, bucket, shared)
				if err != nil {
					errs <- fmt.Errorf("concurrent Open(%q): %w", shared, err)
					return
				}
				body, err := io.ReadAll(rc)
				rc.Close()
				if err != nil {
					errs <- fmt.Errorf("concurrent Open(%q): reading: %w", shared, err)
					return
				}
				if n := len(body); n == 0 || n%1000 != 0 || !bytes.Equal(body, bytes.Repeat(body[:1], n)) {
					errs <- fmt.Errorf("concurrent Open(%q): torn body of %d bytes", shared, n)
					return
				}
			}
		}()
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				prev := ""
				for k, err := range s.List(ctx, bucket, "", "") {
					if err != nil {
						errs <- fmt.Errorf("concurrent List: %w", err)
						return
					}
					if k <= prev {
						errs <- fmt.Errorf("concurrent List: %q after %q", k, prev)
						return
					}
					prev = k
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if t.Failed() {
		return
	}
	var want []string
	for w := range writers {
		for i := range perWriter {
			want = append(want, fmt.Sprintf("w%d/%03d", w, i))
		}
	}
	want = append(want, shared)
	slices.Sort(want)
	if got := list(t, s, bucket, "", ""); !slices.Equal(got, want) {
		t.Errorf("after concurrent puts List has %d keys, want %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
	}
	for w := range writers {
		k := fmt.Sprintf("w%d/%03d", w, perWriter-1)
		obj := get(t, s, bucket, k)
		checkBody(t, "Get("+k+")", obj.Body, []byte(k))
		checkMetadata(t, "Get("+k+")", obj.Metadata, map[string]string{"writer": fmt.Sprint(w)})
	}
	obj := get(t, s, bucket, shared)
	if n := len(obj.Body); n == 0 || n%1000 != 0 || n/1000 > writers || !bytes.Equal(obj.Body, sharedBody(n/1000-1)) {
		t.Errorf("final Get(%q): body of %d bytes is none of the bodies put", shared, n)
	}
}

// hostileKeys are keys every Store must refuse with logfile.ErrUnsafeKey.
var hostileKeys = []string{
	"", "../x", "../../etc/passwd", "/abs", "/", "a/../b", "a/..", "..", ".", "./a", "a/./b", "a/.",
	"a//b", "a/", "a\x00b", "\x00", "a\\b", "..\\x", "C:\\x", "a\nb", "a\rb", "a\tb", "a\x7fb",
	strings.Repeat("k", 1025),
}

// hostileBuckets are bucket names every Store must refuse with an *logfile.Error wrapping logfile.ErrUnsafeKey.
var hostileBuckets = []string{"", ".", "..", "../b", "a/b", "a\\b", "a\x00b", "/", strings.Repeat("b", 256)}

func testHostileKeys(t *testing.T, s logfile.Store, bucket string) {
	ctx := ctxFor(t)
	check := func(what string, err error) {
		t.Helper()
		var ke *logfile.Error
		if !errors.As(err, &ke) || ke.Bucket+"/"+ke.Key == "/" {
			t.Errorf("%s: error %v (%T), want a *logfile.Error naming the bucket and key", what, err, err)
			return
		}
		if !errors.Is(err, logfile.ErrUnsafeKey) {
			t.Errorf("%s: %v does not wrap logfile.ErrUnsafeKey", what, err)
		}
	}
	for _, k := range hostileKeys {
		check(fmt.Sprintf("Put(%q)", k), s.Put(ctx, logfile.Object{Bucket: bucket, Key: k, Body: []byte("evil")}))
		_, err := s.Get(ctx, bucket, k)
		check(fmt.Sprintf("Get(%q)", k), err)
		_, _, err = s.Open(ctx, bucket, k)
		check(fmt.Sprintf("Open(%q)", k), err)
	}
	for _, b := range hostileBuckets {
		check(fmt.Sprintf("Put in bucket %q", b), s.Put(ctx, logfile.Object{Bucket: b, Key: "k", Body: []byte("evil")}))
		_, err := s.Get(ctx, b, "k")
		check(fmt.Sprintf("Get in bucket %q", b), err)
		_, _, err = s.Open(ctx, b, "k")
		check(fmt.Sprintf("Open in bucket %q", b), err)
	}
	// Nothing was stored, in the bucket or anywhere a store might resolve
	// a hostile key to.
	if got := list(t, s, bucket, "", ""); len(got) != 0 {
		t.Errorf("after refused Puts the bucket lists %q, want nothing", got)
	}
	// The key check does not refuse keys that only look odd.
	for _, k := range []string{"a..b", "..a", "a.", "...", "a/...", "a b/c"} {
		put(t, s, logfile.Object{Bucket: bucket, Key: k, Body: []byte(k)})
		checkBody(t, fmt.Sprintf("Get(%q)", k), get(t, s, bucket, k).Body, []byte(k))
	}
}

func testContext(t *testing.T, s logfile.Store, bucket string) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	expired, cancel2 := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel2()
	put(t, s, logfile.Object{Bucket: bucket, Key: "present", Body: []byte("x")})

	for _, c := range []struct {
		name string
		ctx  context.Context
		want error
	}{{"cancelled", cancelled, context.Canceled}, {"expired", expired, context.DeadlineExceeded}} {
		err := s.Put(c.ctx, logfile.Object{Bucket: bucket, Key: "put-" + c.name, Body: []byte("x")})
		if !errors.Is(err, c.want) {
			t.Errorf("Put with a %s context: error %v, want one wrapping %v", c.name, err, c.want)
		}
		if _, err := s.Get(c.ctx, bucket, "present"); !errors.Is(err, c.want) {
			t.Errorf("Get with a %s context: error %v, want one wrapping %v", c.name, err, c.want)
		}
		if _, _, err := s.Open(c.ctx, bucket, "present"); !errors.Is(err, c.want) {
			t.Errorf("Open with a %s context: error %v, want one wrapping %v", c.name, err, c.want)
		}
		n := 0
		var listErr error
		for k, err := range s.List(c.ctx, bucket, "", "") {
			if err != nil {
				listErr = err
				break
			}
			n++
			_ = k
		}
		if n != 0 || !errors.Is(listErr, c.want) {
			t.Errorf("List with a %s context: %d keys and error %v, want no key and an error wrapping %v", c.name, n, listErr, c.want)
		}
	}
	if got := list(t, s, bucket, "", ""); !slices.Equal(got, []string{"present"}) {
		t.Errorf("after Puts with ended contexts List = %q, want only [present]", got)
	}

	// Cancelling in the middle of a listing stops it with the context's error.
	for i := range 5 {
		put(t, s, logfile.Object{Bucket: bucket, Key: fmt.Sprintf("z%d", i), Body: []byte("x")})
	}
	ctx, cancel3 := context.WithCancel(context.Background())
	defer cancel3()
	var got []string
	var listErr error
	for k, err := range s.List(ctx, bucket, "z", "") {
		if err != nil {
			if k != "" {
				t.Errorf("List yielded key %q with error %v, want an empty key", k, err)
			}
			listErr = err
			break
		}
		got = append(got, k)
		cancel3()
	}
	if len(got) != 1 || !errors.Is(listErr, context.Canceled) {
		t.Errorf("List cancelled after its first key yielded %q then error %v, want 1 key then context.Canceled", got, listErr)
	}
}

func testPutIfAbsent(t *testing.T, s logfile.Store, bucket string) {
	ctx := ctxFor(t)
	key := "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/03/05/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240305T100000Z.json.gz"
	first := logfile.Object{Bucket: bucket, Key: key, Body: []byte("first digest"), Metadata: signatureMetadata(1)}
	if err := s.PutIfAbsent(ctx, first); err != nil {
		t.Fatalf("PutIfAbsent of a new key: %v", err)
	}
	obj := get(t, s, bucket, key)
	checkBody(t, "Get after PutIfAbsent", obj.Body, first.Body)
	checkMetadata(t, "Get after PutIfAbsent", obj.Metadata, first.Metadata)

	second := logfile.Object{Bucket: bucket, Key: key, Body: []byte("second, other digest"), Metadata: signatureMetadata(2)}
	err := s.PutIfAbsent(ctx, second)
	if !errors.Is(err, logfile.ErrExists) {
		t.Fatalf("PutIfAbsent of an existing key: error %v (%T), want one wrapping logfile.ErrExists", err, err)
	}
	obj = get(t, s, bucket, key)
	checkBody(t, "Get after a refused PutIfAbsent", obj.Body, first.Body)
	checkMetadata(t, "Get after a refused PutIfAbsent", obj.Metadata, first.Metadata)

	// Without metadata, and over an object made by Put.
	plain := "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/plain.json.gz"
	put(t, s, logfile.Object{Bucket: bucket, Key: plain, Body: []byte("put")})
	if err := s.PutIfAbsent(ctx, logfile.Object{Bucket: bucket, Key: plain, Body: []byte("create")}); !errors.Is(err, logfile.ErrExists) {
		t.Errorf("PutIfAbsent over an object made by Put: error %v, want one wrapping logfile.ErrExists", err)
	}
	checkBody(t, "Get after PutIfAbsent over Put", get(t, s, bucket, plain).Body, []byte("put"))
	fresh := "AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/fresh.json.gz"
	if err := s.PutIfAbsent(ctx, logfile.Object{Bucket: bucket, Key: fresh, Body: nil}); err != nil {
		t.Fatalf("PutIfAbsent of an empty body: %v", err)
	}
	if obj := get(t, s, bucket, fresh); len(obj.Body) != 0 || len(obj.Metadata) != 0 {
		t.Errorf("Get after PutIfAbsent of an empty body: %d bytes, metadata %v", len(obj.Body), obj.Metadata)
	}
	// A Put still replaces what PutIfAbsent made.
	put(t, s, logfile.Object{Bucket: bucket, Key: fresh, Body: []byte("replaced")})
	checkBody(t, "Get after Put over PutIfAbsent", get(t, s, bucket, fresh).Body, []byte("replaced"))

	// Hostile keys are refused as by Put.
	for _, k := range hostileKeys {
		err := s.PutIfAbsent(ctx, logfile.Object{Bucket: bucket, Key: k, Body: []byte("evil")})
		var ke *logfile.Error
		if !errors.As(err, &ke) || !errors.Is(err, logfile.ErrUnsafeKey) {
			t.Errorf("PutIfAbsent(%q): error %v (%T), want a *logfile.Error wrapping ErrUnsafeKey", k, err, err)
		}
	}
	// Ended contexts store nothing.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.PutIfAbsent(cancelled, logfile.Object{Bucket: bucket, Key: "cancelled", Body: []byte("x")}); !errors.Is(err, context.Canceled) {
		t.Errorf("PutIfAbsent with a cancelled context: error %v, want one wrapping context.Canceled", err)
	}
	want := []string{key, fresh, plain}
	slices.Sort(want)
	if got := list(t, s, bucket, "", ""); !slices.Equal(got, want) {
		t.Errorf("List = %q, want %q", got, want)
	}
}

func testPutIfAbsentRace(t *testing.T, s logfile.Store, bucket string) {
	ctx := ctxFor(t)
	const racers, keys = 12, 4
	// Bodies of different sizes, so a torn or mixed object would show;
	// metadata names the racer, so a body paired with another racer's
	// metadata shows too.
	body := func(k, r int) []byte { return bytes.Repeat([]byte{byte('a' + r)}, 500*(r+1)+k) }
	meta := func(r int) map[string]string {
		m := signatureMetadata(byte(r))
		m["racer"] = fmt.Sprint(r)
		return m
	}
	key := func(k int) string { return fmt.Sprintf("race/%d/digest.json.gz", k) }
	// whose reports which racer a stored object came from, or an error.
	whose := func(obj logfile.Object, k int) (int, error) {
		n := len(obj.Body) - k
		if n <= 0 || n%500 != 0 || n/500 > racers {
			return 0, fmt.Errorf("%s: body of %d bytes is no racer's", obj.Key, len(obj.Body))
		}
		r := n/500 - 1
		if !bytes.Equal(obj.Body, body(k, r)) {
			return 0, fmt.Errorf("%s: body of %d bytes is torn", obj.Key, len(obj.Body))
		}
		if g, w := lowerNames(obj.Metadata), lowerNames(meta(r)); !maps.Equal(g, w) {
			return 0, fmt.Errorf("%s: body of racer %d with metadata %v", obj.Key, r, g)
		}
		return r, nil
	}

	errs := make(chan error, racers*keys+100)
	var won [keys][]int
	var wonMu sync.Mutex
	done := make(chan struct{})
	var readers sync.WaitGroup
	for k := range keys {
		readers.Add(1)
		go func() {
			defer readers.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				obj, err := s.Get(ctx, bucket, key(k))
				if errors.Is(err, logfile.ErrNotFound) {
					continue
				}
				if err != nil {
					errs <- fmt.Errorf("concurrent Get(%q): %w", key(k), err)
					return
				}
				if _, err := whose(obj, k); err != nil {
					errs <- fmt.Errorf("concurrent Get: %w", err)
					return
				}
			}
		}()
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for k := range keys {
		for r := range racers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				err := s.PutIfAbsent(ctx, logfile.Object{Bucket: bucket, Key: key(k), Body: body(k, r), Metadata: meta(r)})
				switch {
				case err == nil:
					wonMu.Lock()
					won[k] = append(won[k], r)
					wonMu.Unlock()
				case !errors.Is(err, logfile.ErrExists):
					errs <- fmt.Errorf("racer %d: PutIfAbsent(%q): %v, want nil or an error wrapping logfile.ErrExists", r, key(k), err)
				}
			}()
		}
	}
	close(start)
	wg.Wait()
	close(done)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for k := range keys {
		if len(won[k]) != 1 {
			t.Errorf("%s: racers %v won, want exactly one", key(k), won[k])
			continue
		}
		r, err := whose(get(t, s, bucket, key(k)), k)
		if err != nil {
			t.Error(err)
		} else if r != won[k][0] {
			t.Errorf("%s holds racer %d's object, but racer %d won", key(k), r, won[k][0])
		}
	}
	var want []string
	for k := range keys {
		want = append(want, key(k))
	}
	if got := list(t, s, bucket, "", ""); !slices.Equal(got, want) {
		t.Errorf("List after the race = %q, want %q", got, want)
	}
}
