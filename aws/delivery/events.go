package delivery

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge/types"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/eventpattern"
)

// PutEvents limits.
const (
	MaxEventsBatchEntries = 10     // entries per call
	MaxEventsBatchBytes   = 262144 // per call, entries counted by EventBridge's rule
)

// EventsAPI is the part of the EventBridge client EventBus uses;
// *eventbridge.Client implements it.
type EventsAPI interface {
	PutEvents(context.Context, *eventbridge.PutEventsInput, ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error)
}

// EventBus delivers records' envelopes to an event bus. Its methods may be
// called concurrently.
type EventBus struct {
	Client EventsAPI
	// Name is the event bus name or ARN; "" is the default bus.
	Name string
	// SourcePrefix replaces "aws." in the envelope's source; default
	// "trailkit.".
	SourcePrefix string
	Retry        Retry
}

type busEntry struct {
	rec   *event.Record
	entry types.PutEventsRequestEntry
	size  int
}

// entrySize is an entry's size as EventBridge counts it against the
// 256 KiB limit.
func entrySize(e *types.PutEventsRequestEntry) int {
	n := 0
	if e.Time != nil {
		n += 14
	}
	n += len(aws.ToString(e.Source)) + len(aws.ToString(e.DetailType)) + len(aws.ToString(e.Detail))
	for _, r := range e.Resources {
		n += len(r)
	}
	return n
}

// Deliver sends the records; see the package doc. It returns nil when every
// record was acknowledged, else a *DeliveryError.
func (b *EventBus) Deliver(ctx context.Context, records []*event.Record) error {
	var fail failures
	prefix := b.SourcePrefix
	if prefix == "" {
		prefix = "trailkit."
	}
	var entries []busEntry
	for _, r := range records {
		detail, err := r.MarshalJSON()
		if err != nil {
			fail.add([]*event.Record{r}, true, err)
			continue
		}
		env := eventpattern.Wrap(r)
		e := types.PutEventsRequestEntry{
			Source:     aws.String(prefix + strings.TrimPrefix(env.Source, "aws.")),
			DetailType: aws.String(env.DetailType),
			Detail:     aws.String(string(detail)),
			Time:       aws.Time(env.Time),
			Resources:  env.Resources,
		}
		if b.Name != "" {
			e.EventBusName = aws.String(b.Name)
		}
		size := entrySize(&e)
		if size > MaxEventsBatchBytes {
			fail.add([]*event.Record{r}, true, fmt.Errorf("entry of %d bytes is over the %d-byte PutEvents limit", size, MaxEventsBatchBytes))
			continue
		}
		entries = append(entries, busEntry{r, e, size})
	}
	for len(entries) > 0 {
		n, size := 0, 0
		for n < len(entries) && n < MaxEventsBatchEntries && size+entries[n].size <= MaxEventsBatchBytes {
			size += entries[n].size
			n++
		}
		b.put(ctx, entries[:n], &fail)
		entries = entries[n:]
	}
	return fail.err()
}

// put sends one batch, resending the entries PutEvents reports as failed
// until none fails or the attempts are spent.
func (b *EventBus) put(ctx context.Context, batch []busEntry, fail *failures) {
	pending := batch
	var lastErr error
	err := b.Retry.do(ctx, func() error {
		in := &eventbridge.PutEventsInput{}
		for _, e := range pending {
			in.Entries = append(in.Entries, e.entry)
		}
		out, err := b.Client.PutEvents(ctx, in)
		if err != nil {
			return err
		}
		if len(out.Entries) != len(pending) {
			return fmt.Errorf("PutEvents answered %d entries for %d", len(out.Entries), len(pending))
		}
		var again []busEntry
		for i, r := range out.Entries {
			if r.ErrorCode != nil {
				again = append(again, pending[i])
				lastErr = fmt.Errorf("PutEvents entry failed: %s: %s", aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
			}
		}
		pending = again
		if len(again) > 0 {
			return lastErr
		}
		return nil
	})
	if err != nil {
		for _, e := range pending {
			fail.add([]*event.Record{e.rec}, false, err)
		}
	}
}
