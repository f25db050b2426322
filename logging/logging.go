// Package logging runs a trail inside a service: Start is the service's
// StartLogging and Trail.Stop its StopLogging. One call wires what a
// service otherwise assembles by hand, in the order that keeps the trail
// whole:
//
//  1. the signing key is read from PEM;
//  2. the write-ahead spool is opened (Options.SpoolDir), so that Write
//     returns only once its record is durable;
//  3. a logfile.Writer delivers records into log files in Options.Store,
//     and a digest.Chain signs a digest chain per (account, delivering
//     Region);
//  4. recovery: the chain of (Options.Account, Options.Region) is resumed
//     from its newest digest and every stored log file that no digest lists
//     is added to the next digest (digest.Chain.Resume); then the spool is
//     replayed, so that records acknowledged before a crash are delivered
//     exactly once and digested;
//  5. a goroutine delivers batches as they age and writes digests as their
//     windows end;
//  6. Stop delivers everything (Writer.Close), closes the spool, and only
//     then writes each chain's final digest, so that no delivered file is
//     left outside a digest.
//
// Example:
//
//	key, _ := os.ReadFile("signing-key.pem")
//	store, _ := logfile.NewDirStore("/var/lib/audit", logfile.DirStoreOptions{})
//	t, err := logging.Start(ctx, logging.Options{
//		Store: store,
//		DigestChain: logfile.DigestChain{
//			Location: logfile.Location{Bucket: "audit-bucket"},
//			Account:  "111122223333", Region: "eu-west-1", Trail: "notes",
//		},
//		SigningKeyPEM: key, SpoolDir: "/var/lib/audit/.spool",
//	})
//	...
//	err = t.Write(ctx, record) // durable when it returns nil
//	...
//	err = t.Stop(ctx)
package logging

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

// Options configures Start. Store, the chain's Bucket, Account, Region and
// Trail, and SigningKeyPEM (or Signer) are required.
type Options struct {
	Store logfile.Store
	// DigestChain is the service's own chain: where the trail's objects go
	// (Location: bucket, key prefix, organization id), the trail's name
	// and home Region (zero means Region), and the service's recipient
	// account and delivering Region. That chain is resumed and recovered
	// at Start; records of other accounts and Regions get chains (of the
	// same trail and location) as they arrive.
	logfile.DigestChain
	// SigningKeyPEM is the RSA private key signing the digests, PEM
	// ("RSA PRIVATE KEY", PKCS #1, or "PRIVATE KEY", PKCS #8). Signer, if
	// set, is used instead (see digest.ChainOptions.Signer).
	SigningKeyPEM []byte
	Signer        crypto.Signer
	// SpoolDir, if set, is the write-ahead spool's directory (see
	// logfile.WriterOptions.SpoolDir): Write returns once the record is durable by Sync and
	// SyncInterval. Without it, records wait in memory until delivered and
	// a crash loses them.
	SpoolDir     string
	Sync         logfile.SyncPolicy
	SyncInterval time.Duration
	// MaxAge is how long a batch waits before delivery (zero means
	// logfile.WriterOptions' default, 5 minutes); DigestInterval the digest
	// window (zero means one hour, as CloudTrail).
	MaxAge         time.Duration
	DigestInterval time.Duration
	// OnError receives the errors of background deliveries and digests;
	// nothing is lost, they are retried.
	OnError func(error)
}

// Trail is a running trail. Write is safe for concurrent use.
type Trail struct {
	w    *logfile.Writer
	set  *digest.Chain
	cfg  Options
	stop chan struct{}
	done chan struct{}
	once sync.Once
}

// ErrBadKey is wrapped by the error Start returns when Options.Signer is
// nil and Options.SigningKeyPEM is not an RSA private key in PEM.
var ErrBadKey = errors.New("logging: signing key is not a PEM RSA private key")

// parseSigningKey reads an RSA private key from PEM (PKCS #1 or PKCS #8).
func parseSigningKey(pemBytes []byte) (*rsa.PrivateKey, error) {
	b, _ := pem.Decode(pemBytes)
	if b == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrBadKey)
	}
	var key *rsa.PrivateKey
	switch b.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadKey, err)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadKey, err)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: a %T", ErrBadKey, k)
		}
		key = rk
	default:
		return nil, fmt.Errorf("%w: PEM block %q", ErrBadKey, b.Type)
	}
	return key, nil
}

// Start opens the trail (see the package documentation for the order).
// On error everything opened is closed again.
func Start(ctx context.Context, cfg Options) (_ *Trail, err error) {
	if cfg.Store == nil || cfg.Bucket == "" || cfg.Trail == "" || cfg.Account == "" || cfg.Region == "" {
		return nil, errors.New("logging: Start needs Store, and the chain's Bucket, Trail, Account and Region")
	}
	if cfg.HomeRegion == "" {
		cfg.HomeRegion = cfg.Region
	}
	signer := cfg.Signer
	if signer == nil {
		if signer, err = parseSigningKey(cfg.SigningKeyPEM); err != nil {
			return nil, err
		}
	}
	t := &Trail{cfg: cfg, stop: make(chan struct{}), done: make(chan struct{})}
	t.w, err = logfile.NewWriter(cfg.Store, logfile.WriterOptions{
		Location:     cfg.Location,
		MaxAge:       cfg.MaxAge,
		SpoolDir:     cfg.SpoolDir,
		Sync:         cfg.Sync,
		SyncInterval: cfg.SyncInterval,
		OnError:      cfg.OnError,
	})
	if err != nil {
		return nil, err
	}
	all := cfg.DigestChain // the set keeps a chain per (account, Region)
	all.Account, all.Region = "", ""
	t.set, err = digest.NewChain(digest.ChainOptions{
		DigestChain: all,
		Signer:      signer,
		Store:       cfg.Store,
		Interval:    cfg.DigestInterval,
	})
	if err != nil {
		t.w.Close(ctx)
		return nil, err
	}
	t.w.Subscribe(t.set.Add)
	if _, err = t.set.Resume(ctx, cfg.Account, cfg.Region); err != nil {
		t.w.Close(ctx)
		return nil, err
	}
	if _, err = t.w.Replay(ctx); err != nil && !errors.Is(err, logfile.ErrDeliveryFailed) {
		t.w.Close(ctx)
		return nil, err
	}
	err = nil // a failed replay delivery is retried by the ticks
	go t.run()
	return t, nil
}

func (t *Trail) run() {
	defer close(t.done)
	every := time.Minute
	if iv := t.cfg.DigestInterval; iv > 0 && iv/4 < every {
		every = max(iv/4, 250*time.Millisecond)
	}
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tk.C:
			ctx := context.Background()
			if err := t.w.Tick(ctx); err != nil && t.cfg.OnError != nil {
				t.cfg.OnError(err)
			}
			if err := t.set.Tick(ctx); err != nil && t.cfg.OnError != nil {
				t.cfg.OnError(err)
			}
		}
	}
}

// Write records r: with a spool it is durable when Write returns nil (a
// logfile.ErrDeliveryFailed also means it was accepted; the delivery is
// retried). See logfile.Writer.Write for the errors.
func (t *Trail) Write(ctx context.Context, r *event.Record) error {
	return t.w.Write(ctx, r)
}

// Stop delivers every record, closes the spool and writes each chain's
// final digest, in that order. If a step fails Stop returns its error and
// can be called again; records stay in the spool (and in memory) until
// delivered.
func (t *Trail) Stop(ctx context.Context) error {
	t.once.Do(func() {
		close(t.stop)
		<-t.done
	})
	if err := t.w.Close(ctx); err != nil {
		return err
	}
	return t.set.Close(ctx)
}
