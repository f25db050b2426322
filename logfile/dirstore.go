package logfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// metadataSuffix ends the name of a dirStore metadata sidecar file.
const metadataSuffix = ".metadata.json"

// tempPrefix starts the names of dirStore's temporary files.
const tempPrefix = ".trailkit-tmp-"

// dirStore is the Store NewDirStore returns.
type dirStore struct {
	root    string
	maxSize int64
	locks   [64]sync.Mutex
}

// DirStoreOptions configures NewDirStore. The zero value is ready to use.
type DirStoreOptions struct {
	// MaxObjectSize caps the size of an object Get and Open return; zero
	// means 64 MiB (CloudTrail's log files are at most 50 MB, its digest
	// files a few MB). A larger object is refused with an
	// *Error wrapping ErrTooLarge.
	MaxObjectSize int64
}

// NewDirStore returns a Store in the local directory root, which must be an
// existing directory (it may be a symbolic link to one). The store is laid
// out like an S3 bucket mirror: the object at bucket b and key k is the file
// <root>/b/k, and its user metadata, if it has any, is the sidecar file
// <root>/b/k.metadata.json holding a flat JSON object of strings, for
// example {"signature":"…","signature-algorithm":"SHA256withRSA"}. An object
// without metadata has no sidecar. `aws s3 sync` of a bucket, minus the
// sidecars, gives the same tree.
//
// Keys: every key passes CheckKey. In addition the store refuses, with an
// *Error wrapping ErrUnsafeKey, keys with a path segment that ends in
// ".metadata.json" or starts with ".trailkit-tmp-" (they would collide with
// sidecars or temporary files; CloudTrail never writes such keys). The root
// itself may be a symbolic link; below the root the store follows no
// symbolic link and reads no file with more than one hard link (a hard link
// can make a file outside the root appear inside it): Put and Get through a
// symbolic link, and Get and Open of an object or sidecar with other hard
// links, return ErrUnsafeKey, and List skips both (Get and Open wait up to
// about 60 ms for a PutIfAbsent in another process to remove the temporary
// name it links the object from). So no key, and no link placed in the tree,
// makes the store read or write outside the root. (This guards against links
// present in the tree, not against another process that swaps directories
// for links while an operation runs.)
//
// Size: Get and Open refuse an object larger than
// DirStoreOptions.MaxObjectSize with an *Error wrapping ErrTooLarge, from
// the file's size, before reading any of it. A key that a file system cannot
// hold beside another ("a/b" and "a/b/c") gives ErrKeyConflict; a malformed
// metadata sidecar, ErrMalformedMetadata.
//
// Durability and atomicity: Put writes the body and the sidecar to temporary
// files in the target directory, fsyncs them, renames them into place and
// fsyncs the directory. A reader never sees a partial body or sidecar, also
// after a crash, and a Put that returned nil survives a crash. The sidecar
// is renamed into place before the object, so an object never becomes
// visible without its metadata; a crash before the object's rename leaves at
// most an orphan sidecar, which List ignores and the next Put of the key
// replaces. When a Put replaces an existing object with different metadata,
// the old object is removed (and the removal made durable) before the new
// sidecar goes into place, so a crash can leave the key missing but never an
// object with metadata from another version. A replacement with identical
// metadata (or none on both sides, as for log files) is a single atomic
// rename.
//
// Failures and crashes leave nothing behind: a Put that fails (disk full,
// cancelled, …) removes its temporary files and the directories it created
// that are still empty. A process that dies during a Put can leave temporary
// files (named ".trailkit-tmp-*"); NewDirStore removes those of dead
// writers, so it walks the whole tree once. On Unix a writer holds a lock
// (flock) on its temporary file until it is renamed, so NewDirStore never
// removes the file of a Put in progress in another process; elsewhere it
// removes temporary files older than an hour.
//
// The store is safe for concurrent use. Within one process, Put's renames
// and Get's opening of object and sidecar are serialized per key, so Get
// always returns a body with its own metadata; List runs without locks and
// sees each object either before or after a concurrent Put (during a
// replacement with different metadata a concurrent List may miss the key).
// Several processes may share a root; they get the same crash guarantees but
// not the per-key serialization.
func NewDirStore(root string, opts DirStoreOptions) (Store, error) {
	if opts.MaxObjectSize < 0 {
		return nil, fmt.Errorf("logfile: dir store: negative MaxObjectSize %d", opts.MaxObjectSize)
	}
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
	s := &dirStore{root: abs, maxSize: defaultMaxObjectSize}
	if opts.MaxObjectSize > 0 {
		s.maxSize = opts.MaxObjectSize
	}
	if err := s.removeLeftovers(); err != nil {
		return nil, err
	}
	return s, nil
}

// removeLeftovers removes the temporary files of dead writers below the
// root. It follows no symbolic link.
func (s *dirStore) removeLeftovers() error {
	err := filepath.WalkDir(s.root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) { // removed while we walked
				return nil
			}
			return err
		}
		// Claim files of PutIfAbsent have their own staleness rule.
		if d.Type().IsRegular() && strings.HasPrefix(d.Name(), tempPrefix) && !strings.HasPrefix(d.Name(), claimPrefix) {
			removeStaleTemp(path)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("logfile: dir store: removing temporary files of interrupted writes: %w", err)
	}
	return nil
}

// path returns the file that holds the object at bucket and key, or an
// error wrapping ErrUnsafeKey if the store refuses the key.
func (s *dirStore) path(bucket, key string) (string, error) {
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
		return unsafe(bucket, key, "bucket name starts with "+tempPrefix)
	}
	for seg := range strings.SplitSeq(key, "/") {
		if strings.HasSuffix(seg, metadataSuffix) {
			return unsafe(bucket, key, "a path segment ends with "+metadataSuffix+" (reserved for metadata sidecars)")
		}
		if strings.HasPrefix(seg, tempPrefix) {
			return unsafe(bucket, key, "a path segment starts with "+tempPrefix+" (reserved for temporary files)")
		}
	}
	return nil
}

func (s *dirStore) lock(bucket, key string) *sync.Mutex {
	h := fnv.New32a()
	h.Write([]byte(bucket))
	h.Write([]byte{0})
	h.Write([]byte(key))
	return &s.locks[h.Sum32()%uint32(len(s.locks))]
}

// dir walks the directories from the root to the key's parent, refusing
// symbolic links, and creates missing ones when created is not nil,
// appending the ones it created to *created. It returns the parent's path,
// or found=false when a directory is missing and nothing may be created.
func (s *dirStore) dir(bucket, key string, created *[]string) (dir string, found bool, err error) {
	create := created != nil
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
			if err = os.Mkdir(dir, 0o755); err == nil {
				*created = append(*created, dir)
			} else if !errors.Is(err, fs.ErrExist) {
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
			return "", false, unsafe(bucket, key, "path goes through a symbolic link in the store")
		case !fi.IsDir():
			if !create {
				return "", false, nil
			}
			return "", false, &Error{Bucket: bucket, Key: key, Err: detail(ErrKeyConflict, strings.Join(segs[1:i+1], "/")+" is a key", nil)}
		}
	}
	// Belt and braces: CheckKey and the segment walk already exclude this.
	if rel, err := filepath.Rel(s.root, dir); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false, unsafe(bucket, key, "path leaves the store root")
	}
	return dir, true, nil
}

// removeEmptyDirs removes the directories a failed Put created, deepest
// first, as long as they are empty (another Put may be using them).
func removeEmptyDirs(created []string) {
	for i := len(created) - 1; i >= 0; i-- {
		if os.Remove(created[i]) != nil {
			return
		}
	}
}

// encodeMetadata is the sidecar's content for m: a flat JSON object with
// HTML escaping off, or nil when m is empty (no sidecar).
func encodeMetadata(m map[string]string) ([]byte, error) {
	if len(m) == 0 {
		return nil, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("logfile: encoding metadata: %w", err)
	}
	return b.Bytes(), nil
}

// Put stores obj atomically; see the type's documentation for the guarantees.
func (s *dirStore) Put(ctx context.Context, obj Object) (err error) {
	defer func() { err = withOp("put", err) }()
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkDirKey(obj.Bucket, obj.Key); err != nil {
		return err
	}
	meta, err := encodeMetadata(obj.Metadata)
	if err != nil {
		return err
	}
	var created []string
	defer func() {
		if err != nil {
			removeEmptyDirs(created)
		}
	}()
	var (
		dir       string
		body, met *tempFile
	)
	for attempt := 0; ; attempt++ {
		if dir, _, err = s.dir(obj.Bucket, obj.Key, &created); err != nil {
			return err
		}
		body, err = writeTemp(dir, obj.Body)
		// A concurrent Put that failed may have removed a directory it had
		// created just before this Put found it: walk again, once.
		if err != nil && errors.Is(err, fs.ErrNotExist) && attempt == 0 {
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	defer body.discard()
	base := obj.Key[strings.LastIndexByte(obj.Key, '/')+1:]
	final := filepath.Join(dir, base)
	sidecar := final + metadataSuffix
	if meta != nil {
		if met, err = writeTemp(dir, meta); err != nil {
			return err
		}
		defer met.discard()
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
		return &Error{Op: "put", Bucket: obj.Bucket, Key: obj.Key, Err: detail(ErrKeyConflict, "it is a prefix of other keys", nil)}
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
	if met != nil {
		if err := met.rename(sidecar); err != nil {
			return err
		}
		if err := syncDir(dir); err != nil {
			return err
		}
	} else if err := os.Remove(sidecar); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("logfile: %w", err)
	}
	if err := body.rename(final); err != nil {
		return err
	}
	return syncDir(dir)
}

// tempFile is a temporary file written by Put, open and locked (see
// lockTemp) until it is renamed into place or discarded.
type tempFile struct {
	f    *os.File
	name string // "" once renamed
}

// rename moves the file into place and releases it.
func (t *tempFile) rename(to string) error {
	if err := os.Rename(t.name, to); err != nil {
		return fmt.Errorf("logfile: %w", err)
	}
	t.name = ""
	t.f.Close()
	t.f = nil
	return nil
}

// discard removes the file unless it was renamed.
func (t *tempFile) discard() {
	if t.f != nil {
		t.f.Close()
		t.f = nil
	}
	if t.name != "" {
		os.Remove(t.name)
		t.name = ""
	}
}

// writeTemp writes data to a new temporary file in dir and fsyncs it. The
// file stays open and locked, so that NewDirStore in another process does
// not take it for the leftover of a crash.
func writeTemp(dir string, data []byte) (*tempFile, error) {
	var t *tempFile
	for range 3 {
		f, err := os.CreateTemp(dir, tempPrefix+"*")
		if err != nil {
			return nil, fmt.Errorf("logfile: %w", err)
		}
		t = &tempFile{f: f, name: f.Name()}
		ok, err := lockTemp(f)
		if err != nil {
			t.discard()
			return nil, fmt.Errorf("logfile: locking %s: %w", t.name, err)
		}
		if ok {
			break
		}
		// Another process's NewDirStore removed the file between its
		// creation and the lock: make another.
		f.Close()
		t = nil
	}
	if t == nil {
		return nil, fmt.Errorf("logfile: temporary files in %s keep being removed", dir)
	}
	if _, err := t.f.Write(data); err != nil {
		t.discard()
		return nil, fmt.Errorf("logfile: %w", err)
	}
	if err := t.f.Sync(); err != nil {
		t.discard()
		return nil, fmt.Errorf("logfile: %w", err)
	}
	return t, nil
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

// maxSidecarSize bounds the metadata sidecar Get reads (S3 allows 2 KB of
// user metadata).
const maxSidecarSize = 64 << 10

// Get returns the object at bucket and key with its metadata (nil when it
// has none). An object larger than the size limit is refused with a
// error wrapping ErrTooLarge before it is read.
func (s *dirStore) Get(ctx context.Context, bucket, key string) (Object, error) {
	f, info, err := s.open(ctx, bucket, key)
	if err != nil {
		return Object{}, withOp("get", err)
	}
	defer f.Close()
	body := make([]byte, info.Size)
	if _, err := io.ReadFull(f, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return Object{}, fmt.Errorf("logfile: reading s3://%s/%s: %w", bucket, key, err)
	}
	return Object{Bucket: bucket, Key: key, Body: body, Metadata: info.Metadata}, nil
}

// Open returns a reader of the object's body (the file as it was when
// opened: a concurrent Put renames a new file into place) and its
// ObjectInfo. It refuses an object larger than the size limit with a
// error wrapping ErrTooLarge.
func (s *dirStore) Open(ctx context.Context, bucket, key string) (io.ReadCloser, ObjectInfo, error) {
	f, info, err := s.open(ctx, bucket, key)
	if err != nil {
		return nil, ObjectInfo{}, withOp("open", err)
	}
	return &sizedReader{r: f, c: f, left: info.Size}, info, nil
}

// sizedReader reads exactly left bytes from r: an early end is
// io.ErrUnexpectedEOF, anything beyond is not read.
type sizedReader struct {
	r    io.Reader
	c    io.Closer
	left int64
}

func (r *sizedReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.r.Read(p)
	r.left -= int64(n)
	if err == io.EOF {
		if r.left > 0 {
			return n, io.ErrUnexpectedEOF
		}
		err = nil
	}
	return n, err
}

func (r *sizedReader) Close() error { return r.c.Close() }

// open opens the object's file and reads its sidecar; see Get.
func (s *dirStore) open(ctx context.Context, bucket, key string) (*os.File, ObjectInfo, error) {
	if err := ctx.Err(); err != nil {
		return nil, ObjectInfo{}, err
	}
	if err := checkDirKey(bucket, key); err != nil {
		return nil, ObjectInfo{}, err
	}
	notFound := &Error{Bucket: bucket, Key: key, Err: ErrNotFound}
	dir, found, err := s.dir(bucket, key, nil)
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	if !found {
		return nil, ObjectInfo{}, notFound
	}
	final := filepath.Join(dir, key[strings.LastIndexByte(key, '/')+1:])

	mu := s.lock(bucket, key)
	mu.Lock()
	defer mu.Unlock()
	f, fi, err := openFile(final, bucket, key, "object")
	// PutIfAbsent in another process links its temporary file to the
	// object's name and then removes the temporary name: give it a moment.
	for wait := time.Millisecond; isHardLinkError(err) && wait < 64*time.Millisecond; wait *= 2 {
		time.Sleep(wait)
		f, fi, err = openFile(final, bucket, key, "object")
	}
	if err != nil {
		return nil, ObjectInfo{}, err
	}
	if f == nil {
		return nil, ObjectInfo{}, notFound
	}
	if fi.Size() > s.maxSize {
		f.Close()
		return nil, ObjectInfo{}, &Error{Bucket: bucket, Key: key, Size: fi.Size(), Limit: s.maxSize, Err: ErrTooLarge}
	}
	info := ObjectInfo{Bucket: bucket, Key: key, Size: fi.Size()}
	mf, _, err := openFile(final+metadataSuffix, bucket, key, "metadata sidecar")
	if err != nil {
		f.Close()
		return nil, ObjectInfo{}, err
	}
	if mf != nil {
		defer mf.Close()
		raw, err := io.ReadAll(io.LimitReader(mf, maxSidecarSize+1))
		if err != nil {
			f.Close()
			return nil, ObjectInfo{}, fmt.Errorf("logfile: reading metadata of s3://%s/%s: %w", bucket, key, err)
		}
		var m map[string]string
		if len(raw) > maxSidecarSize {
			err = fmt.Errorf("more than %d bytes", maxSidecarSize)
		} else if err = json.Unmarshal(raw, &m); err == nil && m == nil {
			err = errors.New("null")
		}
		if err != nil {
			f.Close()
			return nil, ObjectInfo{}, &Error{Bucket: bucket, Key: key, Err: detail(ErrMalformedMetadata, "", err)}
		}
		if len(m) > 0 {
			info.Metadata = m
		}
	}
	return f, info, nil
}

const hardLinkReason = "has other hard links"

func isHardLinkError(err error) bool {
	var e *Error
	return errors.As(err, &e) && errors.Is(e.Err, ErrUnsafeKey) && strings.HasSuffix(e.Err.Error(), hardLinkReason)
}

// unsafe returns the *Error for a key the store refuses.
func unsafe(bucket, key, reason string) error {
	return &Error{Bucket: bucket, Key: key, Err: detail(ErrUnsafeKey, reason, nil)}
}

// withOp sets the Op of err if it is an *Error without one.
func withOp(op string, err error) error {
	if e, ok := err.(*Error); ok && e.Op == "" {
		e.Op = op
	}
	return err
}

// openFile opens the regular file at path and returns it with its
// FileInfo, or a nil file if there is no regular file there. A symbolic
// link or a file with other hard links is refused with ErrUnsafeKey.
func openFile(path, bucket, key, what string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, nil, nil
	case err != nil:
		return nil, nil, fmt.Errorf("logfile: %w", err)
	case fi.Mode()&fs.ModeSymlink != 0:
		return nil, nil, unsafe(bucket, key, "the "+what+" is a symbolic link")
	case !fi.Mode().IsRegular():
		return nil, nil, nil
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	} else if err != nil {
		return nil, nil, fmt.Errorf("logfile: %w", err)
	}
	// Check what was opened, not what was looked at before.
	if fi, err = f.Stat(); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("logfile: %w", err)
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, nil
	}
	if linkCount(fi) > 1 {
		f.Close()
		return nil, nil, unsafe(bucket, key, "the "+what+" "+hardLinkReason)
	}
	return f, fi, nil
}

// List yields the keys under prefix that sort after startAfter, in byte
// order. It reads only the directories that can hold such keys, one
// directory at a time, so memory is bounded by the largest directory. A
// missing bucket yields nothing. Sidecars, temporary files, symbolic links
// and file names that are not valid keys are skipped.
func (s *dirStore) List(ctx context.Context, bucket, prefix, startAfter string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		if err := ctx.Err(); err != nil {
			yield("", err)
			return
		}
		if err := checkKey("list", bucket, "k"); err != nil {
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
func (s *dirStore) walk(ctx context.Context, bucket, abs, rel, prefix, startAfter string, yield func(string, error) bool) bool {
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
		if strings.HasPrefix(n, tempPrefix) || strings.HasSuffix(n, metadataSuffix) || t&fs.ModeSymlink != 0 {
			continue
		}
		switch {
		case t.IsDir():
			entries = append(entries, dirEntry{name: n, dir: true, order: n + "/"})
		case t.IsRegular():
			if fi, err := e.Info(); err != nil || linkCount(fi) > 1 {
				continue // gone, or a hard link Get refuses
			}
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
