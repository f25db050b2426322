package digest

import (
	"context"
	"time"
)

// Unexported helpers and wire constants the external tests check.
var (
	KeyTime          = keyTime
	IsBackfillKey    = isBackfillKey
	SumHash          = sumHash
	ParseHash        = parseHash
	FingerprintOf    = fingerprintOf
	ParseFingerprint = parseFingerprint
	ParseSignature   = parseSignature
	StringToSign     = stringToSign
	Verify           = (*PublicKey).verify
)

const (
	SignatureAlgorithm      = signatureAlgorithm
	HashAlgorithm           = hashAlgorithm
	TimeFormat              = timeFormat
	MetaSignature           = metaSignature
	MetaSignatureAlgorithm  = metaSignatureAlgorithm
	MetaBackfillGeneratedAt = metaBackfillGeneratedAt
	DefaultMaxDigestSize    = defaultMaxDigestSize
	DefaultMaxLogFileSize   = defaultMaxLogFileSize
)

// only returns the Chain's one chain (Account and Region set).
func (c *Chain) only() *chain {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.chains[[2]string{c.cfg.Account, c.cfg.Region}]
}

// State returns the window start of the next digest and the key of the
// newest digest stored by the Chain's one chain.
func (c *Chain) State() (time.Time, string) { return c.only().state() }

// Recover runs the recovery Resume runs, again, and returns how many
// files it added.
func (c *Chain) Recover(ctx context.Context) (int, error) { return c.only().recover(ctx) }

// Chains returns how many chains the Chain writes.
func (c *Chain) Chains() int { return len(c.list()) }

// ResumeChain is NewChain and the first half of Resume, without the
// recovery of undigested files, so that tests can run it on its own with
// Recover.
func ResumeChain(ctx context.Context, opts ChainOptions) (*Chain, error) {
	ch, err := resumeChain(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Chain{cfg: opts, chains: map[[2]string]*chain{{opts.Account, opts.Region}: ch}}, nil
}
