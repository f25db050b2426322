package logfile

import (
	"bytes"
	"context"
	"io"
	"iter"
	"maps"
	"slices"
	"sort"
	"sync"
)

// NewMemStore returns an empty Store in memory, for tests and examples. It
// is safe for concurrent use. Put copies the body and metadata, and Get
// returns copies, so callers may modify what they pass in and get back.
// It has no size limit (what it holds is in memory already), and its List
// works on a snapshot taken when iteration starts.
func NewMemStore() Store { return &memStore{} }

// memStore is the Store NewMemStore returns.
type memStore struct {
	mu      sync.RWMutex
	buckets map[string]map[string]Object
}

// Put stores obj, replacing any object at the same bucket and key.
func (s *memStore) Put(ctx context.Context, obj Object) error {
	return s.put(ctx, obj, false)
}

// PutIfAbsent stores obj unless an object exists at its bucket and key, in
// which case it returns an *Error wrapping ErrExists.
func (s *memStore) PutIfAbsent(ctx context.Context, obj Object) error {
	return s.put(ctx, obj, true)
}

func (s *memStore) put(ctx context.Context, obj Object, ifAbsent bool) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkKey("put", obj.Bucket, obj.Key); err != nil {
		return err
	}
	obj.Body = slices.Clone(obj.Body)
	obj.Metadata = maps.Clone(obj.Metadata)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[obj.Bucket][obj.Key]; ok && ifAbsent {
		return &Error{Op: "put", Bucket: obj.Bucket, Key: obj.Key, Err: ErrExists}
	}
	if s.buckets == nil {
		s.buckets = map[string]map[string]Object{}
	}
	b := s.buckets[obj.Bucket]
	if b == nil {
		b = map[string]Object{}
		s.buckets[obj.Bucket] = b
	}
	b[obj.Key] = obj
	return nil
}

// Get returns a copy of the object at bucket and key.
func (s *memStore) Get(ctx context.Context, bucket, key string) (Object, error) {
	if err := ctx.Err(); err != nil {
		return Object{}, err
	}
	if err := checkKey("get", bucket, key); err != nil {
		return Object{}, err
	}
	s.mu.RLock()
	obj, ok := s.buckets[bucket][key]
	s.mu.RUnlock()
	if !ok {
		return Object{}, &Error{Op: "get", Bucket: bucket, Key: key, Err: ErrNotFound}
	}
	obj.Body = slices.Clone(obj.Body)
	obj.Metadata = maps.Clone(obj.Metadata)
	return obj, nil
}

// Open returns a reader of the body at bucket and key and its ObjectInfo
// (metadata copied).
func (s *memStore) Open(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, ObjectInfo{}, err
	}
	if err := checkKey("open", bucket, key); err != nil {
		return nil, ObjectInfo{}, err
	}
	s.mu.RLock()
	obj, ok := s.buckets[bucket][key]
	s.mu.RUnlock()
	if !ok {
		return nil, ObjectInfo{}, &Error{Op: "open", Bucket: bucket, Key: key, Err: ErrNotFound}
	}
	// The stored body is never modified (Put stores a copy and a
	// replacement stores a new slice), so it is read in place.
	info := ObjectInfo{Bucket: bucket, Key: key, Size: int64(len(obj.Body)), Metadata: maps.Clone(obj.Metadata)}
	return io.NopCloser(bytes.NewReader(obj.Body)), info, nil
}

// List yields the keys under prefix after startAfter in byte order. It works
// on a snapshot taken when iteration starts.
func (s *memStore) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := ctx.Err(); err != nil {
			yield("", err)
			return
		}
		s.mu.RLock()
		var keys []string
		for k := range s.buckets[bucket] {
			if len(k) >= len(prefix) && k[:len(prefix)] == prefix && k > startAfter {
				keys = append(keys, k)
			}
		}
		s.mu.RUnlock()
		sort.Strings(keys)
		for _, k := range keys {
			if err := ctx.Err(); err != nil {
				yield("", err)
				return
			}
			if !yield(k, nil) {
				return
			}
		}
	}
}
