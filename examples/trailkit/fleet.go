package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/trailname"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logging"
)

const emitAbout = `Usage: trailkit emit --dir DIR --s3-bucket B --account-id A --region R --spool DIR --acks FILE [--trail NAME --signing-key PEM] [flags]

Writes generated records into a local bucket at --rate records per second
through a durable writer, for --duration or until SIGTERM or SIGINT. Every
record goes to a write-ahead spool in --spool first (fsynced before Write
returns), so a writer killed with SIGKILL loses nothing it acknowledged:
restarted with the same --spool, it delivers what the spool holds, exactly
once, before writing more. A log file is delivered at least every
--max-age. After each Write returns, the record's eventID is appended to
--acks as one line.

Without --trail, emit is one member of a fleet of writers: it writes only
log files; run 'trailkit digester' (one or more) for the digest chain.

With --trail and --signing-key, emit runs a whole single-process trail
(package logging): it writes the log files and the digest chain of
--account-id and --region itself, one digest per --digest-interval. At
start it resumes the chain, adds stored log files no digest lists to the
next digest and replays the spool; at the end it delivers everything, then
writes the final digest. --signing-key is an RSA private key in PEM (PKCS#1
or PKCS#8); --public-keys writes the matching 'aws cloudtrail
list-public-keys' JSON for 'trailkit validate'. Do not run a digester on
the same chain.

Records are API calls of account --account-id in Region --region with a
fresh random eventID each; --seed picks their content.

Exit status: 0 after a clean stop (files delivered, spool closed, final
digest written), 2 for usage and I/O errors.`

// recordWriter is what emit writes through: a fleet writer
// (logfile.Writer) or a whole trail (logging.Trail).
type recordWriter interface {
	Write(ctx context.Context, r *event.Record) error
}

func runEmit(e *env, args []string) int {
	fs := newFlags("emit", emitAbout)
	loc := fs.bucketFlags("")
	account := fs.account("", "12-digit account `id` of the records (required)")
	region := fs.region("`Region` of the records (required)")
	rate := fs.Float64("rate", 10, "records per `second`")
	duration := fs.Duration("duration", 0, "how long to write (default until SIGTERM)")
	maxAge := fs.Duration("max-age", 5*time.Second, "deliver a log file at least this often")
	spoolDir := fs.String("spool", "", "write-ahead spool `directory` (required; one per writer process)")
	acks := fs.String("acks", "", "`file` to append each acknowledged eventID to (required)")
	seed := fs.Uint64("seed", 1, "seed of the records' content")
	tf := fs.trailFlags(false)
	digestInterval := fs.Duration("digest-interval", time.Hour, "digest window, 10s or more (with --trail)")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	setFlags := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { setFlags[f.Name] = true })
	withTrail := tf.name != "" || tf.keyPath != ""
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "" || *account == "" || *region == "" || *spoolDir == "" || *acks == "":
		return usageError(e, fs, "--dir, --s3-bucket, --account-id, --region, --spool and --acks are required")
	case *rate <= 0 || *rate > 1e6:
		return usageError(e, fs, "--rate %v: want a rate above 0 and at most 1,000,000", *rate)
	case *maxAge < time.Second:
		return usageError(e, fs, "--max-age %v: want at least 1s", *maxAge)
	case *duration < 0:
		return usageError(e, fs, "--duration %v is negative", *duration)
	case withTrail && (tf.name == "" || tf.keyPath == ""):
		return usageError(e, fs, "--trail and --signing-key go together")
	case !withTrail && (tf.home != "" || tf.pubPath != "" || setFlags["digest-interval"]):
		return usageError(e, fs, "--home-region, --public-keys and --digest-interval need --trail and --signing-key")
	case *digestInterval < 10*time.Second:
		return usageError(e, fs, "--digest-interval %v: want 10s or more", *digestInterval)
	}
	if err := logfile.CheckKey(loc.Bucket, loc.Location.Dir(*account, logfile.KindLog, *region)+"x"); err != nil {
		return usageError(e, fs, "%v", err)
	}
	var signer *rsa.PrivateKey
	if withTrail {
		if err := trailname.Err(tf.name); err != nil {
			return usageError(e, fs, "--trail %q: %v", tf.name, err)
		}
		var err error
		if signer, err = tf.signer(); err != nil {
			return ioError(e, "emit", err)
		}
	}
	store, err := openDirStore(loc.dir)
	if err != nil {
		return ioError(e, "emit", err)
	}
	ackFile, err := os.OpenFile(*acks, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return ioError(e, "emit", err)
	}
	defer ackFile.Close()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}

	onError := func(err error) { fmt.Fprintf(e.stderr, "trailkit emit: %v\n", err) }
	var (
		w        recordWriter
		shutdown func(context.Context) error
	)
	if withTrail {
		// One call: spool, writer, digest chain, recovery of the chain
		// and replay of the spool, the periodic ticks.
		t, err := logging.Start(context.Background(), logging.Options{
			Store: store, DigestChain: tf.chain(loc, *account, *region),
			Signer: signer, SpoolDir: *spoolDir, MaxAge: *maxAge, DigestInterval: *digestInterval,
			OnError: onError,
		})
		if err != nil {
			return ioError(e, "emit", err)
		}
		// Stop delivers, closes the spool, then writes the final digest.
		w, shutdown = t, t.Stop
	} else {
		lw, err := logfile.NewWriter(store, logfile.WriterOptions{
			Location: loc.Location,
			MaxAge:   *maxAge,
			SpoolDir: *spoolDir,
			OnError:  onError,
		})
		if err != nil {
			return ioError(e, "emit", err)
		}
		// Deliver what an earlier process left in the spool; failed
		// deliveries stay queued and are retried.
		n, err := lw.Replay(context.Background())
		if err != nil {
			fmt.Fprintf(e.stderr, "trailkit emit: replaying the spool: %v\n", err)
		}
		if n > 0 {
			fmt.Fprintf(e.stderr, "trailkit emit: replayed %d records from the spool\n", n)
		}
		w = lw
		shutdown = lw.Close // delivers, then releases the spool
	}

	rng := rand.New(rand.NewPCG(*seed, 0x7472_6169_6c6b_6974))
	names := []struct{ source, name string }{
		{"s3.amazonaws.com", "ListBuckets"}, {"s3.amazonaws.com", "PutObject"}, {"ec2.amazonaws.com", "DescribeInstances"},
		{"iam.amazonaws.com", "GetUser"}, {"sts.amazonaws.com", "AssumeRole"}, {"kms.amazonaws.com", "Decrypt"},
	}
	users := []string{"alice", "bob", "carol", "deploy-bot"}
	written, failed := 0, 0
	interval := time.Duration(float64(time.Second) / *rate)
	next := time.Now()
	line := make([]byte, 0, 64)
loop:
	for {
		if d := time.Until(next); d > 0 {
			select {
			case <-ctx.Done():
				break loop
			case <-time.After(d):
			}
		} else if ctx.Err() != nil {
			break
		}
		next = next.Add(interval)
		api := names[rng.IntN(len(names))]
		user := users[rng.IntN(len(users))]
		rec := event.Builder{}.APICall(event.Record{
			UserIdentity: &event.UserIdentity{Type: event.IdentityIAMUser, PrincipalID: "AIDAFLEETEXAMPLE", AccountID: *account,
				ARN: "arn:aws:iam::" + *account + ":user/" + user, UserName: user},
			EventSource: api.source, EventName: api.name, AWSRegion: *region, RecipientAccountID: *account,
			SourceIPAddress: fmt.Sprintf("198.51.100.%d", 1+rng.IntN(254)), UserAgent: "trailkit-emit",
		})
		err := w.Write(context.Background(), rec)
		if err != nil && !errors.Is(err, logfile.ErrDeliveryFailed) {
			// Not accepted: not acknowledged.
			failed++
			fmt.Fprintf(e.stderr, "trailkit emit: %v\n", err)
			continue
		}
		// Accepted and durable (ErrDeliveryFailed says only that a file's
		// delivery failed; it stays queued).
		line = append(append(line[:0], rec.EventID...), '\n')
		if _, err := ackFile.Write(line); err != nil {
			shutdown(context.Background())
			return ioError(e, "emit", err)
		}
		written++
	}
	// With a fresh context: the run's has ended.
	final, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cerr := shutdown(final)
	fmt.Fprintf(e.stderr, "trailkit emit: %d records acknowledged, %d refused\n", written, failed)
	if cerr != nil {
		return ioError(e, "emit", cerr)
	}
	return exitOK
}

const digesterAbout = `Usage: trailkit digester --dir DIR --s3-bucket B --account-id A --region R --trail NAME --signing-key PEM [flags]

Keeps the digest chain of one trail for one account and Region from the
bucket's listing, every --interval, until --duration or SIGTERM or SIGINT;
then it writes the final digest for what it has seen. Any number of
digesters may run at once on one bucket (and any number of 'trailkit
emit' writers): windows are aligned to --interval, every digester
computes the same digest key, the digest is created only if absent
(exclusive create), and a digester that loses the race continues the
chain from the winner's digest. Each window lists the log files stored
since, including files stored late (up to --lookback) with an older key
time, so every log file ends in exactly one digest.

All digesters of a chain must use the same --interval, --lookback and
signing key. --signing-key is an RSA private key in PEM (PKCS#1 or
PKCS#8, e.g. from 'openssl genrsa'); --public-keys writes the matching
'aws cloudtrail list-public-keys' JSON for 'trailkit validate'.

Exit status: 0 after a clean stop, 2 for usage and I/O errors.`

func runDigester(e *env, args []string) int {
	fs := newFlags("digester", digesterAbout)
	loc := fs.bucketFlags("")
	account := fs.account("", "12-digit account `id` (required)")
	region := fs.region("delivering `Region` whose log files to digest (required)")
	tf := fs.trailFlags(true)
	interval := fs.Duration("interval", time.Hour, "digest window, 10s or more")
	lookback := fs.Duration("lookback", 0, "how late a log file may be stored and still be listed (default 2h, at least --interval)")
	duration := fs.Duration("duration", 0, "how long to run (default until SIGTERM)")
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "" || *account == "" || *region == "" || tf.name == "" || tf.keyPath == "":
		return usageError(e, fs, "--dir, --s3-bucket, --account-id, --region, --trail and --signing-key are required")
	case *interval < 10*time.Second:
		return usageError(e, fs, "--interval %v: want 10s or more", *interval)
	case *duration < 0:
		return usageError(e, fs, "--duration %v is negative", *duration)
	}
	if err := trailname.Err(tf.name); err != nil {
		return usageError(e, fs, "--trail %q: %v", tf.name, err)
	}
	signer, err := tf.signer()
	if err != nil {
		return ioError(e, "digester", err)
	}
	store, err := openDirStore(loc.dir)
	if err != nil {
		return ioError(e, "digester", err)
	}
	d, err := digest.NewDigester(digest.DigesterOptions{
		DigestChain: tf.chain(loc, *account, *region),
		Signer:      signer,
		Store:       store,
		Interval:    *interval,
		Lookback:    *lookback,
	})
	if err != nil {
		return usageError(e, fs, "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if *duration > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *duration)
		defer cancel()
	}
	// Tick just after each window ends (a little later, so that files
	// stored at the boundary are in), and once at start to catch up.
	const settle = 500 * time.Millisecond
	for {
		if err := d.Tick(ctx); err != nil && ctx.Err() == nil {
			fmt.Fprintf(e.stderr, "trailkit digester: %v\n", err)
		}
		next := d.Stats().Next
		wait := time.Until(next.Truncate(*interval).Add(*interval).Add(settle))
		if wait < time.Second {
			wait = time.Second // after an error: try again soon
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
			continue
		}
		break
	}
	// The final digest, with a fresh context: the run's has ended.
	final, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err = d.Close(final)
	s := d.Stats()
	fmt.Fprintf(e.stderr, "trailkit digester: %d digests written, %d adopted, %d log files listed (%d late, %d unreadable)\n",
		s.Written, s.Adopted, s.Files, s.Late, s.Unreadable)
	if err != nil {
		return ioError(e, "digester", err)
	}
	return exitOK
}

// openDirStore opens the local bucket root, creating it if needed.
func openDirStore(dir string) (logfile.Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return logfile.NewDirStore(dir, logfile.DirStoreOptions{})
}
