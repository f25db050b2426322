package s3store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trailkit/trailkit/aws/s3store"
	"github.com/trailkit/trailkit/logfile"
)

// FuzzKeyRoundTrip checks that every key CheckKey accepts survives the trip
// through the SDK's URL escaping, the server, and List's URL-encoded
// listing: Put, then List with the key as prefix yields exactly the key,
// and Get returns the body. Keys CheckKey refuses, and keys that are not
// UTF-8, give a *logfile.Error wrapping logfile.ErrUnsafeKey.
// It runs against moto_server (seed corpus in go test; fuzz with
// go test -fuzz FuzzKeyRoundTrip -fuzztime 30s).
func FuzzKeyRoundTrip(f *testing.F) {
	for _, k := range []string{
		"a", "a b", "a+b", "a%2Fb", "a%", "a?b", "a#b", "a&b=c", "é/日本/🙂", "a;b", "a:b", "~a", "a*b",
		"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz",
		"a/../b", "\x00", "a\\b", "a\xffb", "a\u2028b", "a\u00a0b", "a'\"<>b", "[a]{b}", "a|b^c`d",
	} {
		f.Add(k)
	}
	var (
		once   sync.Once
		store  *s3store.Store
		bucket string
	)
	f.Fuzz(func(t *testing.T, key string) {
		once.Do(func() { store, bucket = newStore(t, s3store.Options{}) })
		if store == nil {
			t.Skip("no store")
		}
		// A hang is a failure that names the key.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := store.Put(ctx, logfile.Object{Bucket: bucket, Key: key, Body: []byte(key)})
		if logfile.CheckKey(bucket, key) != nil || !utf8.ValidString(key) {
			var ke *logfile.Error
			if !errors.As(err, &ke) || !errors.Is(err, logfile.ErrUnsafeKey) {
				t.Fatalf("Put(%q): error %v, want a *logfile.Error wrapping ErrUnsafeKey", key, err)
			}
			return
		}
		if err != nil {
			t.Fatalf("Put(%q): %v", key, err)
		}
		var got []string
		for k, err := range store.List(ctx, bucket, key, "") {
			if err != nil {
				t.Fatalf("List(prefix %q): %v", key, err)
			}
			if !strings.HasPrefix(k, key) {
				t.Fatalf("List(prefix %q) yielded %q", key, k)
			}
			if k == key {
				got = append(got, k)
			}
		}
		if len(got) != 1 {
			t.Fatalf("List(prefix %q) yielded the key %d times", key, len(got))
		}
		obj, err := store.Get(ctx, bucket, key)
		if err != nil || string(obj.Body) != key {
			t.Fatalf("Get(%q) = %q, %v", key, obj.Body, err)
		}
	})
}
