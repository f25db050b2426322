package digest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/trailkit/trailkit/logfile"
)

// Chain writes the digest chains of one trail from its deliveries: one
// chain per (account, delivering Region), as CloudTrail keeps them, so a
// multi-Region or organization trail has many. Every Interval each chain
// signs and stores a digest listing the log files delivered to it in that
// window, an empty one for a quiet window. Feed it with Add, typically as
// a logfile.Writer subscriber; call Tick regularly and Close at the end.
// It is safe for concurrent use.
//
// Windows are measured by delivery time (Delivery.DeliveredAt). A chain's
// first window starts when it is created (or, when Resume continues it,
// at the newest stored digest's end). A delivery is listed in the first
// unwritten window that ends after it, so a late delivery (DeliveredAt
// before the current window) goes into the current window and none is
// ever dropped.
//
// Deliveries not yet digested are held in memory. After a restart or a
// crash, Resume continues a stored chain and adds to its next digest the
// stored log files that its digests do not list.
type Chain struct {
	cfg ChainOptions

	mu     sync.Mutex
	chains map[[2]string]*chain
	closed bool
}

// NewChain returns a Chain for opts. It does no I/O. With Account and
// Region both set, the Chain writes that one chain, starting now as a new
// chain (its first digest a starting digest, the five previousDigest*
// members null) unless Resume continues it from the store; otherwise each
// chain starts so with the first delivery of its (account, Region).
func NewChain(opts ChainOptions) (*Chain, error) {
	probe := opts
	if probe.Account == "" {
		probe.Account = "000000000000"
	}
	if probe.Region == "" {
		probe.Region = "us-east-1"
	}
	if err := probe.check(); err != nil {
		return nil, err
	}
	c := &Chain{cfg: opts, chains: map[[2]string]*chain{}}
	if opts.Account != "" && opts.Region != "" {
		ch, err := newChain(opts)
		if err != nil {
			return nil, err
		}
		c.chains[[2]string{opts.Account, opts.Region}] = ch
	}
	return c, nil
}

// Resume continues the stored chain of (account, region), after a restart
// or a crash, and returns how many undigested log files it recovered. Call
// it before the pair's first delivery reaches the Chain (and before a
// Writer's Replay, if any); once that chain has a delivery or a digest,
// Resume returns an error wrapping ErrBadConfig, as it does for a pair
// outside the options' Account or Region.
//
// Resume finds the newest normal (non-backfill) digest of the chain in
// the store: the next window starts at its digestEndTime and the next
// digest links to it (its key, the SHA-256 of its uncompressed bytes, its
// signature metadata); without a stored digest the chain starts anew. Then
// it recovers the log files that were stored but never reached a digest,
// for example because the process crashed between a Writer's delivery and
// the next digest: it reads every normal digest of the chain whose key
// time is at most 24 hours before the window start, lists the chain's log
// folder (and the Insights folder with IncludeInsights) from that time on,
// and adds every file none of those digests lists, with its SHA-256 and
// eventTime range (read as a stream through Store.Open) and a DeliveredAt
// of its key time but no earlier than the window start. A file's key time
// is never after the digest that lists it, so after any crash each stored
// file of those 24 hours ends up in exactly one digest, and after a clean
// restart Resume recovers none. A digest or log file that cannot be read
// or parsed is an error: a file would otherwise be silently left out of
// the chain, or listed twice; the caller decides whether to start a new
// chain instead.
func (c *Chain) Resume(ctx context.Context, account, region string) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return 0, ErrChainClosed
	}
	if (c.cfg.Account != "" && account != c.cfg.Account) || (c.cfg.Region != "" && region != c.cfg.Region) {
		return 0, configErr("Resume(%q, %q) outside the Chain's account %q and Region %q", account, region, c.cfg.Account, c.cfg.Region)
	}
	k := [2]string{account, region}
	if ch := c.chains[k]; ch != nil && !ch.pristine() {
		return 0, configErr("Resume(%q, %q) after the chain has started", account, region)
	}
	cfg := c.cfg
	cfg.Account, cfg.Region = account, region
	ch, err := resumeChain(ctx, cfg)
	if err != nil {
		return 0, err
	}
	n, err := ch.recover(ctx)
	if err != nil {
		return 0, err
	}
	c.chains[k] = ch
	return n, nil
}

// Add passes the delivered file d to its (account, Region) chain for the
// next digest, starting that chain (no I/O) if there is none. It ignores
// deliveries to another bucket, for an account or Region outside the
// options' restriction, of a kind the chains do not list (digests; Insights
// files without IncludeInsights), after Close, and of a file already
// waiting for the next digest (put again under the same key, or recovered
// too), so that no file is listed twice. Add never waits for the store.
func (c *Chain) Add(d logfile.Delivery) {
	if d.Bucket != c.cfg.Bucket || (c.cfg.Account != "" && d.Account != c.cfg.Account) || (c.cfg.Region != "" && d.Region != c.cfg.Region) {
		return
	}
	if !(d.Kind == logfile.KindLog || (d.Kind == logfile.KindInsight && c.cfg.IncludeInsights)) {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	k := [2]string{d.Account, d.Region}
	ch := c.chains[k]
	if ch == nil {
		cfg := c.cfg
		cfg.Account, cfg.Region = d.Account, d.Region
		var err error
		if ch, err = newChain(cfg); err != nil {
			// Only an account or Region that makes an unsafe key gets
			// here; such a delivery cannot have been stored either.
			c.mu.Unlock()
			return
		}
		c.chains[k] = ch
	}
	c.mu.Unlock()
	ch.add(d)
}

// list returns the chains ordered by account and Region.
func (c *Chain) list() []*chain {
	c.mu.Lock()
	defer c.mu.Unlock()
	cs := make([]*chain, 0, len(c.chains))
	for _, ch := range c.chains {
		cs = append(cs, ch)
	}
	slices.SortFunc(cs, func(a, b *chain) int {
		if c := strings.Compare(a.cfg.Account, b.cfg.Account); c != 0 {
			return c
		}
		return strings.Compare(a.cfg.Region, b.cfg.Region)
	})
	return cs
}

func (c *Chain) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// Tick writes every digest whose window has ended by the clock's now: one
// per Interval and chain, empty ones for quiet windows. Call it regularly
// (a time.Ticker of a minute is plenty). A chain's failure does not stop
// the others; the errors are joined. If a Put fails nothing is lost: the
// same digest is rebuilt and stored on the next Tick or Close. After
// Close, Tick returns ErrChainClosed.
func (c *Chain) Tick(ctx context.Context) error {
	if c.isClosed() {
		return ErrChainClosed
	}
	var errs []error
	for _, ch := range c.list() {
		if err := ch.tick(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close writes each chain's final digest, covering the files delivered
// since its last digest up to now (at least one second, so its key never
// collides with the previous digest's), and ends the Chain. Chains that
// fail stay open and the errors are joined, so Close can be called again;
// after a Close that succeeded it returns ErrChainClosed.
func (c *Chain) Close(ctx context.Context) error {
	if c.isClosed() {
		return ErrChainClosed
	}
	var errs []error
	for _, ch := range c.list() {
		if err := ch.close(ctx); err != nil && !errors.Is(err, ErrChainClosed) {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		c.mu.Lock()
		c.closed = true
		c.mu.Unlock()
	}
	return errors.Join(errs...)
}
