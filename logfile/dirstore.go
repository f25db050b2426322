package logfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// MetadataSuffix ends the name of a DirStore metadata sidecar file.
const MetadataSuffix = ".metadata.json"

// tempPrefix starts the names of DirStore's temporary files.
const tempPrefix = ".trailkit-tmp-"

// ErrKeyConflict is wrapped by the error DirStore.Put returns when a key
// cannot exist as a file because another key uses its path as a directory
// ("a/b" and "a/b/c"), or the other way round. S3 allows both; a file
// system does not.
var ErrKeyConflict = errors.New("logfile: key conflicts with an existing key's directory")

// ErrMalformedMetadata is wrapped by the error DirStore.Get returns when a
// metadata sidecar is not a flat JSON object of strings.
var ErrMalformedMetadata = errors.New("logfile: malformed metadata sidecar")

// DirStore is a Store in a local directory, laid out like an S3 bucket
// mirror: the object at bucket b and key k is the file <root>/b/k, and its
// user metadata, if it has any, is the sidecar file <root>/b/k.metadata.json
// holding a flat JSON object of strings, for example
// {"signature":"…","signature-algorithm":"SHA256withRSA"}. An object without
// metadata has no sidecar. `aws s3 sync` of a bucket, minus the sidecars,
// gives the same tree.
//
// Keys: every key passes CheckKey. In addition DirStore refuses, with a
// *KeyError, keys with a path segment that ends in ".metadata.json" or starts
// with ".trailkit-tmp-" (they would collide with sidecars or temporary files;
// CloudTrail never writes such keys). The root itself may be a symbolic link;
// below the root DirStore follows no symbolic link: Put and Get through one
// return a *KeyError, and List skips them. So no key, and no link placed in
// the tree, makes DirStore read or write outside the root. (This guards
// against links present in the tree, not against another process that swaps
// directories for links while an operation runs.)
//
// Durability and atomicity: Put writes the body and the sidecar to temporary
// files in the target directory, fsyncs them, renames them into place and
// fsyncs the directory. A reader never sees a partial body or sidecar, also
// after a crash, and a Put that returned nil survives a crash. The sidecar is
// renamed into place before the object, so an object never becomes visible
// without its metadata; a crash before the object's rename leaves at most an
// orphan sidecar, which List ignores and the next Put of the key replaces.
// When a Put replaces an existing object with different metadata, the old
// object is removed (and the removal made durable) before the new sidecar
// goes into place, so a crash can leave the key missing but never an object
// with metadata from another version. A replacement with identical metadata
// (or none on both sides, as for log files) is a single atomic rename.
//
// DirStore is safe for concurrent use. Within one process, Put's renames and
// Get's opening of object and sidecar are serialized per key, so Get always
// returns a body with its own metadata; List runs without locks and sees each
// object either before or after a concurrent Put (during a replacement with
// different metadata a concurrent List may miss the key). Several processes
// may share a root; they get the same crash guarantees but not the per-key
// serialization.
type DirStore struct {
	root  string
	locks [64]sync.Mutex
}

// NewDirStore returns a DirStore rooted at root, which must be an existing
// directory (it may be a symbolic link to one).
func NewDirStore(root string) (*DirStore, error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("logfile: dir store root: %w", err)
	}
	abs, err = filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, fmt.Errorf("logfile: dir store root: %w", err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("logfile: dir store root: %w", err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("logfile: dir store root %s is not a directory", abs)
	}
	return &DirStore{root: abs}, nil
}

// Root returns the store's root directory, absolute and with links resolved.
func (s *DirStore) Root() string { return s.root }

// Path returns the file that holds the object at bucket and key, or a
// *KeyError if DirStore refuses the key.
func (s *DirStore) Path(bucket, key string) (string, error) {
	if err := checkDirKey(bucket, key); err != nil {
		return "", err
	}
	return filepath.Join(s.root, bucket, filepath.FromSlash(key)), nil
}

func checkDirKey(bucket, key string) error {
	if err := CheckKey(bucket, key); err != nil {
		return err
	}
	if strings.HasPrefix(bucket, tempPrefix) {
		return &KeyError{Bucket: bucket, Key: key, Reason: "bucket name starts with " + tempPrefix}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if strings.HasSuffix(seg, MetadataSuffix) {
			return &KeyError{Bucket: bucket, Key: key, Reason: "a path segment ends with " + MetadataSuffix + " (reserved for metadata sidecars)"}
		}
		if strings.HasPrefix(seg, tempPrefix) {
			return &KeyError{Bucket: bucket, Key: key, Reason: "a path segment starts with " + tempPrefix + " (reserved for temporary files)"}
		}
	}
	return nil
}

func (s *DirStore) lock(bucket, key string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(bucket))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return &s.locks[h.Sum32()%uint32(len(s.locks))]
}

// dir walks the directories from the root to the key's parent, refusing
// symbolic links, and creates missing ones when create is set. It returns the
// parent's path, or found=false when a directory is missing and create is
// not set.
func (s *DirStore) dir(bucket, key string, create bool) (dir string, found bool, err error) {
	segs := append([]string{bucket}, strings.Split(key, "/")...)
	segs = segs[:len(segs)-1]
	dir = s.root
	for i, seg := range segs {
		dir = filepath.Join(dir, seg)
		fi, err := os.Lstat(dir)
		if errors.Is(err, fs.ErrNotExist) {
			if !create {
				return "", false, nil
			}
			if err = os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return "", false, fmt.Errorf("logfile: creating %s: %w", dir, err)
			}
			if fi, err = os.Lstat(dir); err != nil {
				return "", false, fmt.Errorf("logfile: %w", err)
			}
		} else if err != nil {
			return "", false, fmt.Errorf("logfile: %w", err)
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			return "", false, &KeyError{Bucket: bucket, Key: key, Reason: "path goes through a symbolic link in the store"}
		case !fi.IsDir():
			if !create {
				return "", false, nil
			}
			return "", false, fmt.Errorf("logfile: s3://%s/%s: %s is a key: %w", bucket, key, strings.Join(segs[1:i+1], "/"), ErrKeyConflict)
		}
	}
	// Belt and braces: CheckKey and the segment walk already exclude this.
	if rel, err := filepath.Rel(s.root, dir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false, &KeyError{Bucket: bucket, Key: key, Reason: "path leaves the store root"}
	}
	return dir, true, nil
}

// Put stores obj atomically; see the type's documentation for the guarantees.
func (s *DirStore) Put(ctx context.Context, obj Object) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkDirKey(obj.Bucket, obj.Key); err != nil {
		return err
	}
	var meta []byte
	if len(obj.Metadata) > 0 {
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(obj.Metadata); err != nil {
			return fmt.Errorf("logfile: encoding metadata: %w", err)
		}
		meta = b.Bytes()
	}
	dir, _, err := s.dir(obj.Bucket, obj.Key, true)
	if err != nil {
		return err
	}
	base := obj.Key[strings.LastIndexByte(obj.Key, '/')+1:]
	final := filepath.Join(dir, base)
	sidecar := final + MetadataSuffix

	bodyTmp, err := writeTemp(dir, obj.Body)
	if err != nil {
		return err
	}
	defer func() {
		if bodyTmp != "" {
			os.Remove(bodyTmp)
		}
	}()
	var metaTmp string
	if meta != nil {
		if metaTmp, err = writeTemp(dir, meta); err != nil {
			return err
		}
		defer func() {
			if metaTmp != "" {
				os.Remove(metaTmp)
			}
		}()
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	mu := s.lock(obj.Bucket, obj.Key)
	mu.Lock()
	defer mu.Unlock()
	fi, err := os.Lstat(final)
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("logfile: s3://%s/%s is a prefix of other keys: %w", obj.Bucket, obj.Key, ErrKeyConflict)
	case err == nil:
		old, rerr := os.ReadFile(sidecar)
		if rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			return fmt.Errorf("logfile: %w", rerr)
		}
		if !bytes.Equal(old, meta) {
			// Take the old object away first, so that no crash can pair
			// it with the new metadata.
			if err := os.Remove(final); err != nil {
				return fmt.Errorf("logfile: %w", err)
			}
			if err := syncDir(dir); err != nil {
				return err
			}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("logfile: %w", err)
	}
	if metaTmp != "" {
		if err := os.Rename(metaTmp, sidecar); err != nil {
			return fmt.Errorf("logfile: %w", err)
		}
		metaTmp = ""
		if err := syncDir(dir); err != nil {
			return err
		}
	} else if err := os.Remove(sidecar); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("logfile: %w", err)
	}
	if err := os.Rename(bodyTmp, final); err != nil {
		return fmt.Errorf("logfile: %w", err)
	}
	bodyTmp = ""
	return syncDir(dir)
}

func writeTemp(dir string, data []byte) (name string, err error) {
	f, err := os.CreateTemp(dir, tempPrefix+"*")
	if err != nil {
		return "", fmt.Errorf("logfile: %w", err)
	}
	name = f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(name)
		}
	}()
	if _, err = f.Write(data); err != nil {
		return "", fmt.Errorf("logfile: %w", err)
	}
	if err = f.Sync(); err != nil {
		return "", fmt.Errorf("logfile: %w", err)
	}
	if err = f.Close(); err != nil {
		return "", fmt.Errorf("logfile: %w", err)
	}
	return name, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("logfile: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("logfile: syncing %s: %w", dir, err)
	}
	return nil
}

// Get returns the object at bucket and key with its metadata (nil when it
// has none).
func (s *DirStore) Get(ctx context.Context, bucket, key string) (Object, error) {
	if err := ctx.Err(); err != nil {
		return Object{}, err
	}
	if err := checkDirKey(bucket, key); err != nil {
		return Object{}, err
	}
	notFound := &NotFoundError{Bucket: bucket, Key: key}
	dir, found, err := s.dir(bucket, key, false)
	if err != nil {
		return Object{}, err
	}
	if !found {
		return Object{}, notFound
	}
	final := filepath.Join(dir, key[strings.LastIndexByte(key, '/')+1:])

	mu := s.lock(bucket, key)
	mu.Lock()
	fi, err := os.Lstat(final)
	if err != nil || !fi.Mode().IsRegular() {
		mu.Unlock()
		if err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			return Object{}, &KeyError{Bucket: bucket, Key: key, Reason: "the object is a symbolic link"}
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Object{}, fmt.Errorf("logfile: %w", err)
		}
		return Object{}, notFound
	}
	f, err := os.Open(final)
	if err != nil {
		mu.Unlock()
		if errors.Is(err, fs.ErrNotExist) {
			return Object{}, notFound
		}
		return Object{}, fmt.Errorf("logfile: %w", err)
	}
	defer f.Close()
	var mf *os.File
	if sfi, err := os.Lstat(final + MetadataSuffix); err == nil && sfi.Mode().IsRegular() {
		mf, err = os.Open(final + MetadataSuffix)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			mu.Unlock()
			return Object{}, fmt.Errorf("logfile: %w", err)
		}
		if mf != nil {
			defer mf.Close()
		}
	}
	mu.Unlock()

	obj := Object{Bucket: bucket, Key: key}
	st, err := f.Stat()
	if err != nil {
		return Object{}, fmt.Errorf("logfile: %w", err)
	}
	var b bytes.Buffer
	b.Grow(int(st.Size()) + 1)
	if _, err := b.ReadFrom(f); err != nil {
		return Object{}, fmt.Errorf("logfile: reading s3://%s/%s: %w", bucket, key, err)
	}
	obj.Body = b.Bytes()
	if mf != nil {
		var raw bytes.Buffer
		if _, err := raw.ReadFrom(mf); err != nil {
			return Object{}, fmt.Errorf("logfile: reading metadata of s3://%s/%s: %w", bucket, key, err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw.Bytes(), &m); err != nil || m == nil {
			return Object{}, fmt.Errorf("logfile: metadata of s3://%s/%s: %v: %w", bucket, key, err, ErrMalformedMetadata)
		}
		if len(m) > 0 {
			obj.Metadata = m
		}
	}
	return obj, nil
}

// List yields the keys under prefix that sort after startAfter, in byte
// order. It reads only the directories that can hold such keys, one
// directory at a time, so memory is bounded by the largest directory. A
// missing bucket yields nothing. Sidecars, temporary files, symbolic links
// and file names that are not valid keys are skipped.
func (s *DirStore) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := ctx.Err(); err != nil {
			yield("", err)
			return
		}
		if err := CheckKey(bucket, "k"); err != nil {
			yield("", err)
			return
		}
		bdir := filepath.Join(s.root, bucket)
		fi, err := os.Lstat(bdir)
		if err != nil || !fi.IsDir() {
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				yield("", fmt.Errorf("logfile: %w", err))
			}
			return
		}
		s.walk(ctx, bucket, bdir, "", prefix, startAfter, yield)
	}
}

type dirEntry struct {
	name  string
	dir   bool
	order string // name, or name + "/" for a directory: the byte order of the keys below
}

// walk lists the directory abs whose keys start with rel ("" or "a/b/").
// It returns false when iteration must stop.
func (s *DirStore) walk(ctx context.Context, bucket, abs, rel, prefix, startAfter string, yield func(string, error) bool) bool {
	if err := ctx.Err(); err != nil {
		yield("", err)
		return false
	}
	raw, err := os.ReadDir(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) { // removed while we listed
			return true
		}
		yield("", fmt.Errorf("logfile: listing s3://%s/%s: %w", bucket, rel, err))
		return false
	}
	entries := make([]dirEntry, 0, len(raw))
	for _, e := range raw {
		n := e.Name()
		t := e.Type()
		if strings.HasPrefix(n, tempPrefix) || strings.HasSuffix(n, MetadataSuffix) || t&fs.ModeSymlink != 0 {
			continue
		}
		switch {
		case t.IsDir():
			entries = append(entries, dirEntry{name: n, dir: true, order: n + "/"})
		case t.IsRegular():
			entries = append(entries, dirEntry{name: n, order: n})
		}
	}
	slices.SortFunc(entries, func(a, b dirEntry) int { return strings.Compare(a.order, b.order) })
	for _, e := range entries {
		p := rel + e.order
		inPrefix := strings.HasPrefix(p, prefix)
		if !inPrefix && !(e.dir && strings.HasPrefix(prefix, p)) {
			if p > prefix {
				return true // every later entry sorts after the prefix's range
			}
			continue
		}
		if e.dir {
			if p < startAfter && !strings.HasPrefix(startAfter, p) {
				continue // every key below sorts before startAfter
			}
			if !s.walk(ctx, bucket, filepath.Join(abs, e.name), p, prefix, startAfter, yield) {
				return false
			}
			continue
		}
		if p <= startAfter || checkDirKey(bucket, p) != nil {
			continue
		}
		if err := ctx.Err(); err != nil {
			yield("", err)
			return false
		}
		if !yield(p, nil) {
			return false
		}
	}
	return true
}
