package logfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SyncPolicy says when a Writer with a spool (WriterOptions.SpoolDir) makes
// a record durable, that is when its Write returns.
type SyncPolicy int

const (
	// SyncAlways: every Write returns after its record was written to the
	// spool file and the file was fsynced. Concurrent Writes share one
	// fsync (group commit without waiting): a record survives a crash of
	// the process, of the kernel and a power loss.
	SyncAlways SyncPolicy = iota
	// SyncInterval: a background goroutine writes and fsyncs the spool every
	// WriterOptions.SyncInterval; Write returns after the fsync that covers its
	// record, so it waits up to Interval, and all Writes of an interval
	// share one fsync. Same durability as SyncAlways, more throughput with
	// many concurrent writers, more latency.
	SyncInterval
	// SyncProcess: every Write returns after its record was written to the
	// spool file with write(2), without fsync. The record survives the
	// process being killed (SIGKILL, a panic), not a crash of the kernel or a
	// power loss.
	SyncProcess
)

// String returns "always", "interval" or "process".
func (p SyncPolicy) String() string {
	switch p {
	case SyncAlways:
		return "always"
	case SyncInterval:
		return "interval"
	case SyncProcess:
		return "process"
	}
	return "SyncPolicy(" + strconv.Itoa(int(p)) + ")"
}

// spoolOptions configures openSpool, from WriterOptions.
type spoolOptions struct {
	Sync SyncPolicy
	// Interval is SyncInterval's group-commit period; zero means 10 ms.
	Interval time.Duration
}

// spoolSegmentSize is the size at which a spool starts a new segment file.
// Segments are deleted once every record in them was delivered. A
// variable so that the SIGKILL test can make segments small.
var spoolSegmentSize int64 = 64 << 20

// spoolError returns the *Error for a failure of the spool's operation op
// (open, lock, write, sync, read, remove) on path.
func spoolError(op, path string, err error) error {
	return &Error{Op: "spool", Err: detail(ErrSpool, "", &fs.PathError{Op: op, Path: path, Err: err})}
}

// errNotReplayed is returned by Write on a Writer with a spool until
// Replay has been called.
var errNotReplayed = &Error{Op: "write", Err: errors.New("writer with a spool: call Replay before Write")}

// spool is a Writer's write-ahead log in a local directory
// (WriterOptions.SpoolDir); its format is in the package doc.
type spool struct {
	dir  string
	opts spoolOptions
	lock *os.File

	mu      sync.Mutex // guards buf, seq, nextID, firstSeg, curSeg, err
	cond    *sync.Cond // signalled when synced, written or err change
	buf     []byte
	seq     uint64 // frames appended
	written uint64 // frames written to the file
	synced  uint64 // frames fsynced
	err     error
	nextID  uint64
	curSeg  uint64
	// firstSeg maps each undelivered batch to the segment that was current
	// when its first frame was appended (its frames are there or later).
	firstSeg map[uint64]uint64
	oldest   uint64 // oldest segment still on disk

	flushMu sync.Mutex // serialises writes to f
	f       *os.File
	size    int64 // bytes in f

	replay   []spooledBatch // read at open, consumed by Writer.Replay
	replayed bool
	closed   bool
	stop     chan struct{}
	done     chan struct{}
}

type spooledBatch struct {
	id      uint64
	seg     uint64
	key     string
	records [][]byte
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

const spoolExt = ".spool"

// openSpool opens (creating it if needed) the spool in dir, takes its lock,
// and reads the batches left undelivered by an earlier process, for
// Writer.Replay.
func openSpool(dir string, opts spoolOptions) (*spool, error) {
	if opts.Interval <= 0 {
		opts.Interval = 10 * time.Millisecond
	}
	if opts.Sync < SyncAlways || opts.Sync > SyncProcess {
		return nil, fmt.Errorf("logfile: NewWriter: unknown %v", opts.Sync)
	}
	fail := func(op string, err error) (*spool, error) { return nil, spoolError(op, dir, err) }
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail("open", err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, "LOCK"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fail("lock", err)
	}
	if err := lockFile(lock); err != nil {
		lock.Close()
		return fail("lock", err)
	}
	sp := &spool{dir: dir, opts: opts, lock: lock, firstSeg: map[uint64]uint64{}}
	sp.cond = sync.NewCond(&sp.mu)
	segs, err := sp.segments()
	if err != nil {
		lock.Close()
		return fail("read", err)
	}
	batches := map[uint64]*spooledBatch{}
	var maxID uint64
	for _, seg := range segs {
		if err := sp.readSegment(seg, batches, &maxID); err != nil {
			lock.Close()
			return fail("read", err)
		}
	}
	for _, b := range batches {
		if len(b.records) > 0 {
			sp.replay = append(sp.replay, *b)
		}
	}
	slices.SortFunc(sp.replay, func(a, b spooledBatch) int { return int64cmp(a.id, b.id) })
	sp.nextID = maxID + 1
	sp.curSeg = 1
	if len(segs) > 0 {
		sp.curSeg = segs[len(segs)-1] + 1
		sp.oldest = segs[0]
	} else {
		sp.oldest = sp.curSeg
	}
	for _, b := range sp.replay {
		sp.firstSeg[b.id] = b.seg
	}
	if err := sp.openSegment(); err != nil {
		lock.Close()
		return nil, err
	}
	// Segments holding only delivered batches can go now.
	sp.mu.Lock()
	sp.collect()
	sp.mu.Unlock()
	if opts.Sync == SyncInterval {
		sp.stop, sp.done = make(chan struct{}), make(chan struct{})
		go sp.background()
	}
	return sp, nil
}

func int64cmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func segName(n uint64) string { return fmt.Sprintf("%020d%s", n, spoolExt) }

func (sp *spool) segments() ([]uint64, error) {
	ents, err := os.ReadDir(sp.dir)
	if err != nil {
		return nil, err
	}
	var segs []uint64
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), spoolExt)
		if !ok || len(name) != 20 {
			continue
		}
		n, err := strconv.ParseUint(name, 10, 64)
		if err != nil || !e.Type().IsRegular() {
			continue
		}
		segs = append(segs, n)
	}
	slices.Sort(segs)
	return segs, nil
}

func (sp *spool) readSegment(seg uint64, batches map[uint64]*spooledBatch, maxID *uint64) error {
	data, err := os.ReadFile(filepath.Join(sp.dir, segName(seg)))
	if err != nil {
		return err
	}
	for len(data) >= 8 {
		n := binary.LittleEndian.Uint32(data)
		sum := binary.LittleEndian.Uint32(data[4:])
		if uint64(n) > uint64(len(data)-8) || n < 2 {
			break
		}
		body := data[8 : 8+n]
		if crc32.Checksum(body, castagnoli) != sum {
			break
		}
		data = data[8+n:]
		typ := body[0]
		id, k := binary.Uvarint(body[1:])
		if k <= 0 {
			break
		}
		rest := body[1+k:]
		*maxID = max(*maxID, id)
		b := batches[id]
		if b == nil {
			b = &spooledBatch{id: id, seg: seg}
			batches[id] = b
		}
		switch typ {
		case 'R':
			b.records = append(b.records, rest)
		case 'K':
			b.key = string(rest)
		case 'D':
			b.records = nil
			b.key = ""
			b.seg = ^uint64(0)
		}
	}
	return nil
}

func (sp *spool) openSegment() error {
	f, err := os.OpenFile(filepath.Join(sp.dir, segName(sp.curSeg)), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return spoolError("open", sp.dir, err)
	}
	if sp.opts.Sync != SyncProcess {
		if err := syncDir(sp.dir); err != nil {
			f.Close()
			return spoolError("sync", sp.dir, err)
		}
	}
	sp.f, sp.size = f, 0
	return nil
}

// newBatch returns a fresh batch id.
func (sp *spool) newBatch() uint64 {
	sp.mu.Lock()
	id := sp.nextID
	sp.nextID++
	sp.firstSeg[id] = sp.curSeg
	sp.mu.Unlock()
	return id
}

// append queues one frame and returns its sequence number; no I/O.
func (sp *spool) append(typ byte, id uint64, payload []byte) (uint64, error) {
	var hdr [8 + 1 + binary.MaxVarintLen64]byte
	hdr[8] = typ
	k := binary.PutUvarint(hdr[9:], id)
	n := 1 + k + len(payload)
	binary.LittleEndian.PutUint32(hdr[:], uint32(n))
	c := crc32.Update(0, castagnoli, hdr[8:9+k])
	c = crc32.Update(c, castagnoli, payload)
	binary.LittleEndian.PutUint32(hdr[4:], c)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.err != nil {
		return 0, sp.err
	}
	if sp.closed {
		return 0, errClosed
	}
	sp.buf = append(sp.buf, hdr[:9+k]...)
	sp.buf = append(sp.buf, payload...)
	sp.seq++
	return sp.seq, nil
}

// wait returns once frame seq is durable by the policy (sync forces an
// fsync whatever the policy).
func (sp *spool) wait(seq uint64, sync bool) error {
	if sync || sp.opts.Sync == SyncAlways {
		return sp.flush(seq, true)
	}
	if sp.opts.Sync == SyncProcess {
		return sp.flush(seq, false)
	}
	sp.mu.Lock()
	defer sp.mu.Unlock()
	for sp.synced < seq && sp.err == nil {
		sp.cond.Wait()
	}
	return sp.err
}

// flush writes the queued frames up to at least seq, and fsyncs them when
// sync is set. Concurrent callers share the work.
func (sp *spool) flush(seq uint64, sync bool) error {
	sp.flushMu.Lock()
	defer sp.flushMu.Unlock()
	sp.mu.Lock()
	if sp.err != nil || sp.synced >= seq || (!sync && sp.written >= seq) {
		err := sp.err
		sp.mu.Unlock()
		return err
	}
	buf, target := sp.buf, sp.seq
	sp.buf = nil
	sp.mu.Unlock()
	err := sp.writeOut(buf, sync)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if err != nil {
		if sp.err == nil {
			sp.err = err
		}
	} else {
		sp.written = target
		if sync {
			sp.synced = target
		}
		if cap(sp.buf) == 0 && cap(buf) <= 1<<20 {
			sp.buf = buf[:0]
		}
	}
	sp.cond.Broadcast()
	return sp.err
}

// writeOut writes buf to the current segment; called with flushMu held.
func (sp *spool) writeOut(buf []byte, sync bool) error {
	if len(buf) > 0 {
		if _, err := sp.f.Write(buf); err != nil {
			return spoolError("write", sp.dir, err)
		}
		sp.size += int64(len(buf))
	}
	if sync || sp.size >= spoolSegmentSize {
		if err := sp.f.Sync(); err != nil {
			return spoolError("sync", sp.dir, err)
		}
	}
	if sp.size >= spoolSegmentSize {
		if err := sp.f.Close(); err != nil {
			return spoolError("write", sp.dir, err)
		}
		sp.mu.Lock()
		sp.curSeg++
		sp.mu.Unlock()
		if err := sp.openSegment(); err != nil {
			return err
		}
	}
	return nil
}

func (sp *spool) background() {
	defer close(sp.done)
	t := time.NewTicker(sp.opts.Interval)
	defer t.Stop()
	for {
		select {
		case <-sp.stop:
			return
		case <-t.C:
			sp.mu.Lock()
			seq := sp.seq
			sp.mu.Unlock()
			sp.flush(seq, true) //nolint:errcheck // the error is sticky; waiters see it
		}
	}
}

// delivered records that batch id was stored: it appends its 'D' frame
// (without waiting for it) and deletes the segments no undelivered batch
// needs any more.
func (sp *spool) delivered(id uint64) {
	if _, err := sp.append('D', id, nil); err != nil {
		return
	}
	sp.mu.Lock()
	delete(sp.firstSeg, id)
	sp.collect()
	sp.mu.Unlock()
}

// collect deletes segments older than every undelivered batch's first
// segment and older than the current one; called with mu held. A failed
// remove is retried at the next collect.
func (sp *spool) collect() {
	keep := sp.curSeg
	for _, s := range sp.firstSeg {
		keep = min(keep, s)
	}
	for ; sp.oldest < keep; sp.oldest++ {
		err := os.Remove(filepath.Join(sp.dir, segName(sp.oldest)))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return
		}
	}
}

// close writes and fsyncs what is queued and releases the directory. The
// Writer closes its spool once everything was delivered.
func (sp *spool) close() error {
	sp.mu.Lock()
	if sp.closed {
		sp.mu.Unlock()
		return nil
	}
	seq := sp.seq
	sp.mu.Unlock()
	if sp.stop != nil {
		close(sp.stop)
		<-sp.done
	}
	err := sp.flush(seq, true)
	sp.mu.Lock()
	sp.closed = true
	sp.mu.Unlock()
	sp.flushMu.Lock()
	if cerr := sp.f.Close(); err == nil && cerr != nil {
		err = spoolError("write", sp.dir, cerr)
	}
	sp.flushMu.Unlock()
	if cerr := sp.lock.Close(); err == nil && cerr != nil {
		err = spoolError("lock", sp.dir, cerr)
	}
	return err
}
