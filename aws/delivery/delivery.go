package delivery

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
)

// Retry says how often and how patiently a failed call is repeated. The
// zero value makes 5 attempts, waiting 100 ms after the first failure and
// doubling up to 5 s.
type Retry struct {
	// Attempts is the number of tries of each call; default 5.
	Attempts int
	// Backoff is the wait after the first failure; default 100 ms. It
	// doubles after each failure, up to MaxBackoff (default 5 s).
	Backoff, MaxBackoff time.Duration
}

// do runs call until it succeeds, the attempts are spent or ctx ends.
func (r Retry) do(ctx context.Context, call func() error) error {
	attempts, wait, maxWait := r.Attempts, r.Backoff, r.MaxBackoff
	if attempts <= 0 {
		attempts = 5
	}
	if wait <= 0 {
		wait = 100 * time.Millisecond
	}
	if maxWait <= 0 {
		maxWait = 5 * time.Second
	}
	var err error
	for i := range attempts {
		if err = call(); err == nil {
			return nil
		}
		if i == attempts-1 {
			break
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return errors.Join(err, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, maxWait)
	}
	return err
}

// Undelivered is a record that was not acknowledged, and why.
type Undelivered struct {
	Record *event.Record
	// Rejected is true when the service answered and refused the record
	// (too old, too new, too large, an invalid entry): sending it again
	// unchanged will fail again. Otherwise the calls failed and it may be
	// sent again.
	Rejected bool
	Err      error
}

// ErrUndelivered matches every *DeliveryError with errors.Is.
var ErrUndelivered = errors.New("delivery: records not delivered")

// DeliveryError lists every record of a Deliver call that was not
// acknowledged. Records not listed were delivered.
type DeliveryError struct {
	Undelivered []Undelivered
}

func (e *DeliveryError) Error() string {
	rejected := 0
	for _, u := range e.Undelivered {
		if u.Rejected {
			rejected++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "delivery: %d records not delivered (%d rejected)", len(e.Undelivered), rejected)
	if len(e.Undelivered) > 0 {
		fmt.Fprintf(&b, "; first: %s: %v", e.Undelivered[0].Record.EventID, e.Undelivered[0].Err)
	}
	return b.String()
}

// Is reports target == ErrUndelivered.
func (e *DeliveryError) Is(target error) bool { return target == ErrUndelivered }

// Unwrap returns the distinct causes.
func (e *DeliveryError) Unwrap() []error {
	var out []error
	seen := map[string]bool{}
	for _, u := range e.Undelivered {
		if u.Err != nil && !seen[u.Err.Error()] {
			seen[u.Err.Error()] = true
			out = append(out, u.Err)
		}
	}
	return out
}

// failures collects undelivered records.
type failures []Undelivered

func (f *failures) add(recs []*event.Record, rejected bool, err error) {
	for _, r := range recs {
		*f = append(*f, Undelivered{Record: r, Rejected: rejected, Err: err})
	}
}

func (f failures) err() error {
	if len(f) == 0 {
		return nil
	}
	return &DeliveryError{Undelivered: f}
}
