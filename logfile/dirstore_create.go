package logfile

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// claimPrefix starts the name of the claim file a dirStore.PutIfAbsent
// holds while it creates a key. It starts with tempPrefix, so List skips
// claims and no key can name one.
const claimPrefix = tempPrefix + "create-"

// staleClaimAge is how old a PutIfAbsent claim file must be before another
// creator removes it as the leftover of a crashed process, when it cannot
// tell otherwise (a claim made on another host). A claim made on the same
// host by a process that no longer runs is removed at once. A live creator
// holds its claim for a few file system operations.
const staleClaimAge = 2 * time.Minute

// claimPoll is how often a creator that finds another's claim looks again.
const claimPoll = 5 * time.Millisecond

// PutIfAbsent stores obj unless an object exists at its bucket and key,
// in which case it stores nothing and returns an *Error wrapping
// ErrExists. It is exclusive across goroutines and across processes that
// share the root, and never exposes a partial object:
//
//  1. The body and the sidecar are written to temporary files and fsynced,
//     as by Put.
//  2. The creator takes the key's claim: a file in the key's directory,
//     named from a hash of the file name and created with O_EXCL, holding
//     the creator's host name and process id. If another creator holds
//     it, PutIfAbsent waits until the object appears (ErrExists) or the
//     claim goes away (it tries again). A claim whose process no longer
//     runs on this host, or older than staleClaimAge, is removed.
//  3. Holding the claim, it checks that the object does not exist, renames
//     the sidecar into place (so the object never appears without its
//     metadata), and hard-links the body's temporary file to the object's
//     name with link(2), which fails if the name exists; then it removes
//     the temporary name and the claim and fsyncs the directory.
//
// A crash leaves at most a claim file (removed by the next creator, as
// above), an orphan sidecar (replaced by the next creator) and temporary
// files; never a visible object without its metadata or with another
// creator's. A plain Put to the same key is not excluded: it replaces
// the object as usual.
func (s *dirStore) PutIfAbsent(ctx context.Context, obj Object) (err error) {
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
	dir, _, err := s.dir(obj.Bucket, obj.Key, &created)
	if err != nil {
		return err
	}
	base := obj.Key[strings.LastIndexByte(obj.Key, '/')+1:]
	final := filepath.Join(dir, base)
	exists := func() (bool, error) {
		fi, err := os.Lstat(final)
		switch {
		case err == nil && fi.IsDir():
			return false, &Error{Op: "put", Bucket: obj.Bucket, Key: obj.Key, Err: detail(ErrKeyConflict, "it is a prefix of other keys", nil)}
		case err == nil:
			return true, nil
		case errors.Is(err, fs.ErrNotExist):
			return false, nil
		default:
			return false, fmt.Errorf("logfile: %w", err)
		}
	}
	existsErr := &Error{Op: "put", Bucket: obj.Bucket, Key: obj.Key, Err: ErrExists}
	// Most losers find the object already there: spare them the temp files.
	if ok, err := exists(); err != nil || ok {
		if ok {
			return existsErr
		}
		return err
	}

	bodyTmp, err := writeTemp(dir, obj.Body)
	if err != nil {
		return err
	}
	defer bodyTmp.discard()
	var metaTmp *tempFile
	if meta != nil {
		if metaTmp, err = writeTemp(dir, meta); err != nil {
			return err
		}
		defer metaTmp.discard()
	}

	sum := sha256.Sum256([]byte(base))
	claim := filepath.Join(dir, claimPrefix+hex.EncodeToString(sum[:12]))
	mu := s.lock(obj.Bucket, obj.Key)
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		mu.Lock()
		ok, err := exists()
		if err != nil || ok {
			mu.Unlock()
			if ok {
				return existsErr
			}
			return err
		}
		held, err := takeClaim(claim)
		if err != nil {
			mu.Unlock()
			return err
		}
		if held {
			err = s.createClaimed(dir, final, bodyTmp, metaTmp, existsErr, exists)
			os.Remove(claim)
			mu.Unlock()
			if err != nil {
				return err
			}
			return syncDir(dir)
		}
		mu.Unlock()
		removeStaleClaim(claim)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(claimPoll):
		}
	}
}

// createClaimed does step 3 of PutIfAbsent; the caller holds the claim.
func (s *dirStore) createClaimed(dir, final string, bodyTmp, metaTmp *tempFile, existsErr error, exists func() (bool, error)) error {
	// A creator that held the claim before us may have finished.
	if ok, err := exists(); err != nil || ok {
		if ok {
			return existsErr
		}
		return err
	}
	sidecar := final + metadataSuffix
	if metaTmp != nil {
		if err := metaTmp.rename(sidecar); err != nil {
			return err
		}
		if err := syncDir(dir); err != nil {
			return err
		}
	} else if err := os.Remove(sidecar); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("logfile: %w", err)
	}
	if err := os.Link(bodyTmp.name, final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			// Only a plain Put gets here (creators hold the claim).
			return existsErr
		}
		return fmt.Errorf("logfile: %w", err)
	}
	// The object has one name again before anyone can have opened it
	// through the temporary one.
	if err := os.Remove(bodyTmp.name); err != nil {
		return fmt.Errorf("logfile: %w", err)
	}
	bodyTmp.name = ""
	return nil
}

// takeClaim creates the claim file exclusively. It returns false when
// another creator holds it.
func takeClaim(claim string) (bool, error) {
	f, err := os.OpenFile(claim, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("logfile: %w", err)
	}
	host, _ := os.Hostname()
	_, werr := fmt.Fprintf(f, "%s %d\n", host, os.Getpid())
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(claim)
		return false, fmt.Errorf("logfile: %w", werr)
	}
	return true, nil
}

// removeStaleClaim removes the claim if it was left by a crashed creator:
// one on this host whose process is gone, or one older than staleClaimAge.
// A claim being written (empty or partial) is young, so it is not removed.
func removeStaleClaim(claim string) {
	fi, err := os.Lstat(claim)
	if err != nil {
		return
	}
	stale := time.Since(fi.ModTime()) > staleClaimAge
	if !stale {
		b, err := os.ReadFile(claim)
		if err != nil {
			return
		}
		host, pidText, ok := strings.Cut(strings.TrimSuffix(string(b), "\n"), " ")
		me, _ := os.Hostname()
		pid, perr := strconv.Atoi(pidText)
		stale = ok && perr == nil && host == me && pid > 0 && !processAlive(pid)
	}
	if !stale {
		return
	}
	// Remove it only if it is still the file we judged; a new claim
	// taken meanwhile has another inode.
	if again, err := os.Lstat(claim); err == nil && os.SameFile(fi, again) {
		os.Remove(claim)
	}
}
