package digest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"

	"github.com/trailkit/trailkit/logfile"
)

// ChainSet routes the deliveries of one trail to one Chain per (account,
// delivering region), creating chains as deliveries arrive: a multi-region
// or organization trail has many chains. It is safe for concurrent use and
// its Add can be a logfile.Writer subscriber.
type ChainSet struct {
	cfg ChainConfig

	mu     sync.Mutex
	chains map[[2]string]*Chain
	closed bool
}

// NewChainSet returns a set whose chains use cfg with Account and Region
// filled in per chain. A non-empty cfg.Account or cfg.Region restricts the
// set to that account or region; other deliveries are ignored.
func NewChainSet(cfg ChainConfig) (*ChainSet, error) {
	probe := cfg
	probe.Account, probe.Region = "000000000000", "us-east-1"
	if err := probe.check(); err != nil {
		return nil, err
	}
	return &ChainSet{cfg: cfg, chains: map[[2]string]*Chain{}}, nil
}

// Open returns the chain for account and region, resuming it from the
// store (see ResumeChain) and recovering undigested log files (see
// Chain.Recover) if the set does not hold it yet. Call it at
// start-up for every (account, region) that may have a chain in the store;
// Add starts new chains for pairs it has not seen.
func (s *ChainSet) Open(ctx context.Context, account, region string) (*Chain, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, ErrChainClosed
	}
	if c := s.chains[[2]string{account, region}]; c != nil {
		return c, nil
	}
	cfg := s.cfg
	cfg.Account, cfg.Region = account, region
	c, err := ResumeChain(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := c.Recover(ctx); err != nil {
		return nil, err
	}
	s.chains[[2]string{account, region}] = c
	return c, nil
}

// Add passes d to its (account, region) chain, starting a new chain (no
// I/O) if there is none. Deliveries to another bucket, for an account or
// region outside the set's restriction, or of a kind the chains do not
// list, and deliveries after Close, are ignored.
func (s *ChainSet) Add(d logfile.Delivery) {
	if d.Bucket != s.cfg.Bucket || (s.cfg.Account != "" && d.Account != s.cfg.Account) || (s.cfg.Region != "" && d.Region != s.cfg.Region) {
		return
	}
	if !(d.Kind == logfile.KindLog || (d.Kind == logfile.KindInsight && s.cfg.IncludeInsights)) {
		return
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	k := [2]string{d.Account, d.Region}
	c := s.chains[k]
	if c == nil {
		cfg := s.cfg
		cfg.Account, cfg.Region = d.Account, d.Region
		var err error
		if c, err = NewChain(cfg); err != nil {
			// Only an account or region that makes an unsafe key gets
			// here; such a delivery cannot have been stored either.
			s.mu.Unlock()
			return
		}
		s.chains[k] = c
	}
	s.mu.Unlock()
	c.Add(d)
}

// Chains returns the set's chains ordered by account and region.
func (s *ChainSet) Chains() []*Chain {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs := make([]*Chain, 0, len(s.chains))
	for _, c := range s.chains {
		cs = append(cs, c)
	}
	slices.SortFunc(cs, func(a, b *Chain) int {
		if c := strings.Compare(a.cfg.Account, b.cfg.Account); c != 0 {
			return c
		}
		return strings.Compare(a.cfg.Region, b.cfg.Region)
	})
	return cs
}

// Tick ticks every chain and returns their errors joined; a chain's failure
// does not stop the others.
func (s *ChainSet) Tick(ctx context.Context) error {
	var errs []error
	for _, c := range s.Chains() {
		if err := c.Tick(ctx); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// Close writes every chain's final digest. Chains that fail stay open, so
// Close can be called again; chains already closed are skipped.
func (s *ChainSet) Close(ctx context.Context) error {
	var errs []error
	for _, c := range s.Chains() {
		if err := c.Close(ctx); err != nil && !errors.Is(err, ErrChainClosed) {
			errs = append(errs, err)
		}
	}
	if len(errs) == 0 {
		s.mu.Lock()
		s.closed = true
		s.mu.Unlock()
	}
	return errors.Join(errs...)
}
