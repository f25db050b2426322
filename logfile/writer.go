package logfile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/klauspost/compress/gzip"

	"github.com/trailkit/trailkit/event"
)

// Writer defaults; see WriterOptions.
const (
	defaultMaxRecords = 10_000
	defaultMaxBytes   = 16 << 20
	defaultMaxAge     = 5 * time.Minute
	defaultLevel      = 3
	// maxFileSize is the largest compressed log file CloudTrail delivers.
	maxFileSize = 50_000_000
	// maxBatchBytes bounds MaxBytes so that a batch, even if it did not
	// compress at all (deflate adds at most 5 bytes per 64 KiB block, gzip 18
	// bytes), stays under maxFileSize.
	maxBatchBytes = 49_000_000
)

// errClosed is what Write returns after Close.
var errClosed = &Error{Op: "write", Err: ErrClosed}

// checkRecord verifies that data, r's encoding, decodes to exactly one
// record whose encoding is data again: what the batch holds then reads back
// as this record and nothing else. A record of the common form
// event.Record.KnownToRoundTrip accepts (each raw member one JSON value with
// nothing around it, no Unknown members, …) is known to; any other is
// decoded and re-encoded, which also finds the cause of a refusal.
func checkRecord(r *event.Record, data []byte) error {
	if r.KnownToRoundTrip() {
		return nil
	}
	return checkRoundTrip(r, data)
}

// checkRoundTrip is checkRecord by decoding data and re-encoding the result.
func checkRoundTrip(r *event.Record, data []byte) error {
	var back event.Record
	err := event.Unmarshal(data, &back)
	if err == nil {
		bp := encodePool.Get().(*[]byte)
		again := back.AppendJSON((*bp)[:0])
		same := bytes.Equal(again, data)
		off := -1
		if !same {
			off = 0
			for off < len(again) && off < len(data) && again[off] == data[off] {
				off++
			}
		}
		*bp = again
		putEncodeBuf(bp)
		if same {
			return nil
		}
		e := &RecordError{Op: "write", Record: -1, Offset: int64(off), EventID: r.EventID}
		var cause error
		if _, merr := r.MarshalJSON(); merr != nil {
			cause = merr
			var ee *event.EncodeError
			if errors.As(merr, &ee) {
				e.Field = ee.Member
			}
		}
		e.Err = detail(ErrInvalidRecord, "encoding would not read back as itself", cause)
		return e
	}
	e := &RecordError{Op: "write", Record: -1, Offset: -1, EventID: r.EventID}
	cause := err
	if _, merr := r.MarshalJSON(); merr != nil {
		var ee *event.EncodeError
		if errors.As(merr, &ee) {
			e.Field, cause = ee.Member, merr
		}
	}
	e.Err = detail(ErrInvalidRecord, "encoding would not read back as itself", cause)
	return e
}

// deliveryError returns the *Error for a failed delivery of a batch.
func deliveryError(bucket, key string, err error) error {
	return &Error{Op: "deliver", Bucket: bucket, Key: key, Err: detail(ErrDeliveryFailed, "", err)}
}

// WriterOptions configures a Writer. The zero value of every field but
// Location.Bucket selects the default.
type WriterOptions struct {
	// Location is where the files go: Bucket is required, Prefix and
	// OrgID are optional.
	Location
	// Kind is KindLog (the default) or KindInsight, to write Insights files
	// under CloudTrail-Insight/.
	Kind ObjectKind
	// A batch is delivered when it holds MaxRecords records (default
	// 10,000), when the next record would take its uncompressed JSON over
	// MaxBytes (default 16 MiB; values over 49,000,000 are lowered to it, so
	// that no file can exceed 50 MB compressed), or MaxAge after its first
	// record (default 5 minutes). A single record larger than MaxBytes gets
	// a file of its own.
	MaxRecords int
	MaxBytes   int64
	MaxAge     time.Duration
	// Level is the gzip level: 1 (fastest) to 9 (smallest), or
	// gzip.HuffmanOnly, gzip.StatelessCompression; 0 selects 3: the emit
	// path's speed comes first. On typical records klauspost/compress
	// level 3 shrinks the JSON to 6.5% of its size, level 5 to 5.6% at 0.75
	// times the speed, level 9 to 5.0%; compress/gzip's default gives 5.2%
	// at a third of level 3's speed.
	Level int
	// Now is the clock for key times, Delivery.DeliveredAt and batch ages;
	// nil means time.Now. Setting it does not change how batches are
	// delivered by age (see ManualTick).
	Now func() time.Time
	// ManualTick turns off the background goroutine that calls Tick (every
	// MaxAge/10, between 100 ms and a minute) to deliver batches that reach
	// MaxAge: the caller drives age-based delivery by calling Tick, which
	// suits simulated time (with Now). Batches full by MaxRecords or
	// MaxBytes are delivered by Write either way.
	ManualTick bool
	// Rand is the source of the key's unique strings; nil is crypto/rand.
	Rand io.Reader
	// OnError, if set, receives the errors of the background goroutine's
	// deliveries (only in real-time mode). The batches are kept either way.
	OnError func(error)
	// SpoolDir, if set, is the directory of the Writer's write-ahead
	// spool (created if needed; its format is in the package doc), which
	// makes records durable before Write returns: each record is appended
	// to the spool and Write waits as Sync says; each batch's key is
	// fsynced to the spool before its first Put, and its delivery noted
	// after. NewWriter opens the spool and locks it, so that no other
	// Writer, in this process or another, uses it; Close releases it once
	// everything was delivered. Call Replay once, after Subscribe and
	// before the first Write, to deliver what an earlier process left in
	// the spool.
	SpoolDir string
	// Sync says when a spooled record is durable (zero is SyncAlways);
	// SyncInterval is SyncInterval's group-commit period (zero means
	// 10 ms).
	Sync         SyncPolicy
	SyncInterval time.Duration
}

// Writer batches records into CloudTrail log files and puts them in a Store.
//
// Records are grouped by stream, the pair (recipientAccountId, awsRegion);
// each stream's batch becomes one gzip file holding the compact JSON
// {"Records":[…]}, records in the order Write accepted them, stored under
// the key
//
//	[Prefix/]AWSLogs/[OrgID/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
//
// whose time is the delivery time to the minute (CloudTrail-Insight in place
// of CloudTrail for Insights files). Records are encoded with
// event.Record.AppendJSON and compressed as they arrive, so a batch is held
// compressed in memory.
//
// After each successful Put every subscriber is called with the Delivery, in
// the order of subscription, one delivery at a time (never concurrently), and
// in key order within a stream. A failed Put is returned to the caller whose
// call tried it (Write when its record completed a batch, Tick, Flush,
// Close) as an error wrapping ErrDeliveryFailed; the batch is kept and
// tried again, so no accepted record is lost while the Writer lives. A Write
// that returns ErrDeliveryFailed did accept its record. Any other error from
// Write means the record was not accepted. While Puts fail, sealed batches accumulate in
// memory (compressed); Pending says how many records wait.
//
// Writer is safe for use by many goroutines. Encoding happens without locks;
// each stream has its own lock, held while a record is compressed into its
// batch, and Puts of different streams run in parallel.
type Writer struct {
	store Store
	opts  WriterOptions
	now   func() time.Time

	mu      sync.RWMutex // guards streams and closed
	streams map[streamID]*stream
	closed  bool

	subMu    sync.Mutex // guards subs; held while subscribers run
	subs     []func(Delivery)
	randMu   sync.Mutex // guards opts.Rand
	stopOnce sync.Once
	stop     chan struct{}
	done     chan struct{}
	replayed atomic.Bool // Replay ran (only matters with a spool)
	sp       *spool      // nil without WriterOptions.SpoolDir
}

type streamID struct{ account, region string }

type stream struct {
	id        streamID
	mu        sync.Mutex // guards open and sealed
	open      *batch
	sealed    []*batch
	deliverMu sync.Mutex // serializes this stream's Puts
}

type batch struct {
	buf      bytes.Buffer // the gzip bytes
	file     *FileWriter  // frames the file into buf
	records  int          // records so far
	size     int64        // uncompressed bytes so far
	summary  FileSummary  // set by sealBatch
	created  time.Time
	writeErr error
	key      string // chosen at the first delivery attempt, kept for retries
	id       uint64 // the spool's batch id (with a spool)
	// replayed is set on a batch rebuilt by Replay whose key the spool
	// holds: the store may already have it, so it is checked before the Put.
	replayed bool
}

var encodePool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// putEncodeBuf returns bp to encodePool unless it grew past 1 MiB (a rare
// huge record should not pin that much memory in the pool).
func putEncodeBuf(bp *[]byte) {
	if cap(*bp) <= 1<<20 {
		encodePool.Put(bp)
	}
}

// encodeRecord encodes r into the pooled buffer *bp (which it updates) and
// refuses it as Writer.Write does: a *RecordError wrapping ErrTooLarge
// above event.MaxRecordSize (256 KiB), or checkRecord's, wrapping
// ErrInvalidRecord.
func encodeRecord(r *event.Record, bp *[]byte) ([]byte, error) {
	data := r.AppendJSON((*bp)[:0])
	*bp = data
	if len(data) > event.MaxRecordSize {
		return nil, &RecordError{Op: "write", Record: -1, Offset: -1, EventID: r.EventID,
			Err: detail(ErrTooLarge, fmt.Sprintf("%d bytes of JSON, over the %d-byte limit of a record", len(data), event.MaxRecordSize), nil)}
	}
	if err := checkRecord(r, data); err != nil {
		return nil, err
	}
	return data, nil
}

// NewWriter returns a Writer that puts files in store. It returns an error
// when opts has no Bucket, an invalid Prefix, OrgID, Kind or Sync, and an
// *Error wrapping ErrSpool when the spool in SpoolDir cannot be opened or
// is locked by another Writer.
func NewWriter(store Store, opts WriterOptions) (*Writer, error) {
	if store == nil {
		return nil, errors.New("logfile: NewWriter: nil store")
	}
	if opts.Kind == "" {
		opts.Kind = KindLog
	}
	if opts.Kind != KindLog && opts.Kind != KindInsight {
		return nil, fmt.Errorf("logfile: NewWriter: Kind %q: want CloudTrail or CloudTrail-Insight", opts.Kind)
	}
	probe := Key{Kind: opts.Kind, Prefix: opts.Prefix, OrgID: opts.OrgID, Account: "000000000000",
		Region: "us-east-1", Time: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Unique: "x"}
	if err := probe.Validate(); err != nil {
		return nil, fmt.Errorf("logfile: NewWriter: %w", err)
	}
	if err := CheckKey(opts.Bucket, "k"); err != nil {
		return nil, fmt.Errorf("logfile: NewWriter: %w", err)
	}
	if opts.MaxRecords <= 0 {
		opts.MaxRecords = defaultMaxRecords
	}
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = defaultMaxBytes
	}
	opts.MaxBytes = min(opts.MaxBytes, maxBatchBytes)
	if opts.MaxAge <= 0 {
		opts.MaxAge = defaultMaxAge
	}
	if opts.Level == 0 {
		opts.Level = defaultLevel
	}
	if _, err := gzip.NewWriterLevel(io.Discard, opts.Level); err != nil {
		return nil, fmt.Errorf("logfile: NewWriter: %w", err)
	}
	w := &Writer{store: store, opts: opts, now: opts.Now, streams: map[streamID]*stream{}}
	if w.now == nil {
		w.now = time.Now
	}
	if opts.SpoolDir != "" {
		sp, err := openSpool(opts.SpoolDir, spoolOptions{Sync: opts.Sync, Interval: opts.SyncInterval})
		if err != nil {
			return nil, err
		}
		w.sp = sp
	}
	if !opts.ManualTick {
		w.stop = make(chan struct{})
		w.done = make(chan struct{})
		go w.background()
	}
	return w, nil
}

func (w *Writer) background() {
	defer close(w.done)
	every := min(max(w.opts.MaxAge/10, 100*time.Millisecond), time.Minute)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-w.stop:
			return
		case <-t.C:
			if err := w.Tick(context.Background()); err != nil && w.opts.OnError != nil {
				w.opts.OnError(err)
			}
		}
	}
}

// Subscribe registers fn to be called after each successful delivery. fn
// runs synchronously in the goroutine that delivered, after the Put and
// before the call that delivered returns; it must not call the Writer's
// methods (that would deadlock). A slow fn slows deliveries.
func (w *Writer) Subscribe(fn func(Delivery)) {
	w.subMu.Lock()
	w.subs = append(w.subs, fn)
	w.subMu.Unlock()
}

// Write adds r to its stream's batch, and delivers the batch if r completed
// it. r is encoded before Write returns; the caller may reuse it.
//
// Before accepting r, Write checks that its encoding reads back as r's
// encoding and nothing else: the bytes are decoded with event.Unmarshal and
// encoded again, and must be identical. A raw member or Unknown value that
// is not exactly one JSON value (for example `null},{"eventName":…` or
// `{"a":`), one with surrounding whitespace, or an Unknown member that
// repeats a typed member is refused. Every record Write accepts therefore
// reads back through ReadRecords as one record with exactly the encoding Write
// gave it (eventTime to the second, as CloudTrail writes it).
//
// Errors: ErrClosed after Close. A *RecordError (with EventID and, when
// known, the Field at fault) wrapping ErrInvalidRecord when
// recipientAccountId or awsRegion is empty or malformed (Field names it) or
// the encoding would not read back as itself (Field names the member,
// Offset where the read-back differs, and Err also wraps the
// *event.EncodeError or *event.SyntaxError), or wrapping ErrTooLarge when
// the JSON is over event.MaxRecordSize (256 KiB, CloudTrail's limit). With
// a spool, an error wrapping ErrSpool
// when the record could not be made durable, and an error until Replay was
// called. ctx's error when ctx is done. In these cases the record was not
// accepted. An *Error wrapping ErrDeliveryFailed (Bucket and Key name the
// file) means the record was accepted but a delivery failed and will be
// retried.
func (w *Writer) Write(ctx context.Context, r *event.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sp := w.sp
	if sp != nil && !w.replayed.Load() {
		return errNotReplayed
	}
	id := streamID{r.RecipientAccountID, r.AWSRegion}
	if !validAccount(id.account) {
		return unroutable(r.EventID, "recipientAccountId", id.account)
	}
	if !validRegion(id.region) {
		return unroutable(r.EventID, "awsRegion", id.region)
	}
	bp := encodePool.Get().(*[]byte)
	defer putEncodeBuf(bp)
	data, err := encodeRecord(r, bp)
	if err != nil {
		return err
	}

	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return errClosed
	}
	s := w.streams[id]
	if s == nil {
		w.mu.RUnlock()
		w.mu.Lock()
		if w.closed {
			w.mu.Unlock()
			return errClosed
		}
		if s = w.streams[id]; s == nil {
			s = &stream{id: id}
			w.streams[id] = s
		}
		w.mu.Unlock()
		w.mu.RLock()
		if w.closed { // Close ran between the locks; it has not seen r.
			w.mu.RUnlock()
			return errClosed
		}
	}
	s.mu.Lock()
	if b := s.open; b != nil && b.size+int64(len(data))+3 > w.opts.MaxBytes {
		w.seal(s)
	}
	if s.open == nil {
		s.open = w.newBatch(0)
	}
	var seq uint64
	if sp != nil {
		var err error
		if seq, err = sp.append('R', s.open.id, data); err != nil {
			if s.open.records == 0 {
				s.open = nil
			}
			s.mu.Unlock()
			w.mu.RUnlock()
			return err
		}
	}
	w.appendRecord(s.open, data, r.EventTime)
	if s.open.records >= w.opts.MaxRecords || s.open.size+2 >= w.opts.MaxBytes {
		w.seal(s)
	}
	due := len(s.sealed) > 0
	s.mu.Unlock()
	w.mu.RUnlock()
	if sp != nil {
		if err := sp.wait(seq, false); err != nil {
			return err
		}
	}
	if due {
		return w.deliverStream(ctx, s)
	}
	return nil
}

// unroutable returns the *RecordError for a record whose field (value v)
// cannot name a log file.
func unroutable(eventID, field, v string) error {
	return &RecordError{Op: "write", Record: -1, Offset: -1, EventID: eventID, Field: field,
		Err: detail(ErrInvalidRecord, fmt.Sprintf("%q cannot name a log file", v), nil)}
}

// newBatch starts a batch; with a spool it gets the batch id spoolID, or a
// new one when spoolID is 0.
func (w *Writer) newBatch(spoolID uint64) *batch {
	b := &batch{created: w.now(), id: spoolID}
	if sp := w.sp; sp != nil && spoolID == 0 {
		b.id = sp.newBatch()
	}
	// Writes to a bytes.Buffer: no error short of a panic; the level was
	// checked in NewWriter.
	b.file, b.writeErr = NewFileWriter(&b.buf, w.opts.Level)
	b.size = b.file.Size()
	return b
}

// appendRecord is called with the stream's lock held.
func (w *Writer) appendRecord(b *batch, data []byte, t time.Time) {
	b.file.append(data, t)
	b.records, b.size = b.file.Records(), b.file.Size()
	if b.writeErr == nil {
		b.writeErr = b.file.err
	}
}

// seal closes the stream's open batch and queues it; called with s.mu held.
func (w *Writer) seal(s *stream) {
	b := s.open
	if b == nil {
		return
	}
	s.open = nil
	w.sealBatch(b)
	s.sealed = append(s.sealed, b)
}

// sealBatch ends the batch's JSON and gzip stream.
func (w *Writer) sealBatch(b *batch) {
	var err error
	b.summary, err = b.file.Close()
	if b.writeErr == nil {
		b.writeErr = err
	}
	b.file = nil
	b.size = b.summary.UncompressedSize
}

// deliverStream puts the stream's sealed batches in order, stopping at the
// first failure.
func (w *Writer) deliverStream(ctx context.Context, s *stream) error {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	for {
		s.mu.Lock()
		if len(s.sealed) == 0 {
			s.mu.Unlock()
			return nil
		}
		b := s.sealed[0]
		s.mu.Unlock()
		if err := w.deliver(ctx, s.id, b); err != nil {
			return err
		}
		s.mu.Lock()
		s.sealed[0] = nil
		s.sealed = s.sealed[1:]
		s.mu.Unlock()
	}
}

// deliver puts one sealed batch. Every error it returns wraps ErrDeliveryFailed,
// so that Write's caller can tell that its record was accepted.
func (w *Writer) deliver(ctx context.Context, id streamID, b *batch) error {
	if err := ctx.Err(); err != nil {
		return deliveryError(w.opts.Bucket, "", err)
	}
	at := w.now().UTC()
	if b.key == "" {
		// The key is fixed at the first attempt, so that retries are
		// idempotent: S3 replaces an object put twice under one key.
		w.randMu.Lock()
		unique, err := newUniqueString(w.opts.Rand)
		w.randMu.Unlock()
		if err != nil {
			return deliveryError(w.opts.Bucket, "", err)
		}
		key := Key{Kind: w.opts.Kind, Prefix: w.opts.Prefix, OrgID: w.opts.OrgID, Account: id.account,
			Region: id.region, Time: at.Truncate(time.Minute), Unique: unique}.String()
		if sp := w.sp; sp != nil {
			// The key must be durable before the first Put: a replay
			// after a crash then puts the batch under the same key.
			seq, err := sp.append('K', b.id, []byte(key))
			if err == nil {
				err = sp.wait(seq, true)
			}
			if err != nil {
				return deliveryError(w.opts.Bucket, key, err)
			}
		}
		b.key = key
	}
	key := b.key
	if b.writeErr != nil {
		return deliveryError(w.opts.Bucket, key, b.writeErr)
	}
	body := b.buf.Bytes()
	if b.replayed {
		// Put before the crash? Then the object is complete (Puts are
		// atomic) and the digest chain finds it (digest.Chain.Resume); putting
		// it again would list it twice.
		_, err := w.store.Get(ctx, w.opts.Bucket, key)
		if err == nil {
			w.sp.delivered(b.id)
			return nil
		}
		if !errors.Is(err, ErrNotFound) {
			return deliveryError(w.opts.Bucket, key, err)
		}
		b.replayed = false
	}
	if err := w.store.Put(ctx, Object{Bucket: w.opts.Bucket, Key: key, Body: body}); err != nil {
		return deliveryError(w.opts.Bucket, key, err)
	}
	d := Delivery{
		Bucket: w.opts.Bucket, Key: key, Kind: w.opts.Kind, Account: id.account, Region: id.region,
		SHA256: b.summary.SHA256, OldestEventTime: b.summary.OldestEventTime, NewestEventTime: b.summary.NewestEventTime,
		Records: b.records, CompressedSize: int64(len(body)), UncompressedSize: b.summary.UncompressedSize, DeliveredAt: at,
	}
	w.subMu.Lock()
	for _, fn := range w.subs {
		fn(d)
	}
	w.subMu.Unlock()
	if sp := w.sp; sp != nil {
		sp.delivered(b.id)
	}
	return nil
}

// Replay delivers the records an earlier process left in the spool: every
// batch without a delivery note is rebuilt from its records, in the order
// they were written, and delivered like a sealed batch (the package doc says how keys
// are reused so that nothing is stored twice). It returns the number
// of records replayed. Delivery failures are returned as with Flush; the
// batches are kept and retried by Tick, Flush and Close. Without a spool it
// does nothing. Call it once, after Subscribe and before the first Write;
// Write fails until it was called.
func (w *Writer) Replay(ctx context.Context) (int, error) {
	sp := w.sp
	if sp == nil {
		return 0, nil
	}
	sp.mu.Lock()
	if sp.replayed {
		sp.mu.Unlock()
		return 0, errors.New("logfile: Replay called twice")
	}
	batches := sp.replay
	sp.replay, sp.replayed = nil, true
	sp.mu.Unlock()
	n := 0
	var rec event.Record
	for _, sb := range batches {
		b := w.newBatch(sb.id)
		b.key, b.replayed = sb.key, sb.key != ""
		var id streamID
		for i, data := range sb.records {
			if err := event.Unmarshal(data, &rec); err != nil {
				return n, spoolError("read", sp.dir, fmt.Errorf("batch %d record %d: %w", sb.id, i, err))
			}
			rid := streamID{rec.RecipientAccountID, rec.AWSRegion}
			if i == 0 {
				id = rid
			} else if rid != id {
				return n, spoolError("read", sp.dir, fmt.Errorf("batch %d mixes streams", sb.id))
			}
			w.appendRecord(b, data, rec.EventTime)
		}
		if !validAccount(id.account) || !validRegion(id.region) {
			return n, spoolError("read", sp.dir, fmt.Errorf("batch %d: unroutable records", sb.id))
		}
		w.sealBatch(b)
		w.mu.Lock()
		s := w.streams[id]
		if s == nil {
			s = &stream{id: id}
			w.streams[id] = s
		}
		w.mu.Unlock()
		s.mu.Lock()
		s.sealed = append(s.sealed, b)
		s.mu.Unlock()
		n += b.records
	}
	w.replayed.Store(true)
	return n, w.sealAndDeliver(ctx, func(*batch) bool { return false })
}

// Tick seals the batches that are MaxAge old or older by the Writer's clock
// and delivers every sealed batch, including ones whose earlier delivery
// failed. With an injected clock the caller calls Tick as simulated time
// advances; in real-time mode a background goroutine calls it.
func (w *Writer) Tick(ctx context.Context) error {
	now := w.now()
	return w.sealAndDeliver(ctx, func(b *batch) bool { return now.Sub(b.created) >= w.opts.MaxAge })
}

// Flush seals every non-empty batch and delivers all sealed batches now. It
// returns the joined errors of the deliveries that failed; those batches are
// kept for the next attempt.
func (w *Writer) Flush(ctx context.Context) error {
	return w.sealAndDeliver(ctx, func(*batch) bool { return true })
}

func (w *Writer) sealAndDeliver(ctx context.Context, due func(*batch) bool) error {
	w.mu.RLock()
	streams := make([]*stream, 0, len(w.streams))
	for _, s := range w.streams {
		s.mu.Lock()
		if s.open != nil && due(s.open) {
			w.seal(s)
		}
		if len(s.sealed) > 0 {
			streams = append(streams, s)
		}
		s.mu.Unlock()
	}
	w.mu.RUnlock()
	var errs []error
	for _, s := range streams {
		if err := w.deliverStream(ctx, s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close stops accepting records, stops the background goroutine and
// delivers everything (like Flush). If a delivery fails, Close returns the
// error and keeps the batches; call Close or Flush again to retry. With a
// spool, a Close that delivered everything then releases the spool (an
// error wrapping ErrSpool if its last write fails); after a failed
// delivery the spool stays open and locked, holding the undelivered
// records for the retry or, if the process ends, for the next Writer's
// Replay.
func (w *Writer) Close(ctx context.Context) error {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	if w.stop != nil {
		w.stopOnce.Do(func() { close(w.stop) })
		<-w.done
	}
	if err := w.Flush(ctx); err != nil {
		return err
	}
	if w.sp != nil {
		return w.sp.close()
	}
	return nil
}

// Pending returns the number of records accepted but not yet delivered.
func (w *Writer) Pending() int {
	n := 0
	w.mu.RLock()
	for _, s := range w.streams {
		s.mu.Lock()
		if s.open != nil {
			n += s.open.records
		}
		for _, b := range s.sealed {
			n += b.records
		}
		s.mu.Unlock()
	}
	w.mu.RUnlock()
	return n
}
