package delivery

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/trailkit/trailkit/event"
)

// PutLogEvents limits.
const (
	MaxLogBatchEvents = 10000   // events per call
	MaxLogBatchBytes  = 1048576 // per call, counting LogEventOverhead per event
	LogEventOverhead  = 26      // bytes added to each message's size
	MaxLogEventBytes  = 262144  // one event's message plus LogEventOverhead
	MaxLogBatchSpan   = 24 * time.Hour
)

// LogsAPI is the part of the CloudWatch Logs client LogGroup uses;
// *cloudwatchlogs.Client implements it.
type LogsAPI interface {
	PutLogEvents(context.Context, *cloudwatchlogs.PutLogEventsInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error)
	CreateLogStream(context.Context, *cloudwatchlogs.CreateLogStreamInput, ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.CreateLogStreamOutput, error)
}

// StreamName is the log stream CloudTrail writes a record of account in
// region to; orgID is "" except for organization trails.
func StreamName(orgID, account, region string) string {
	if orgID != "" {
		return orgID + "_" + account + "_CloudTrail_" + region
	}
	return account + "_CloudTrail_" + region
}

// LogGroup delivers records to a CloudWatch Logs log group as CloudTrail
// does. Its methods may be called concurrently.
type LogGroup struct {
	Client LogsAPI
	// Name is the log group; it must exist.
	Name string
	// OrgID is the organization id for an organization trail's stream
	// names, or "".
	OrgID string
	Retry Retry

	mu      sync.Mutex
	streams map[string]bool // streams known to exist
}

type logEvent struct {
	rec *event.Record
	msg string
	ms  int64
}

// Deliver sends the records; see the package doc. It returns nil when every
// record was acknowledged, else a *DeliveryError.
func (g *LogGroup) Deliver(ctx context.Context, records []*event.Record) error {
	var fail failures
	byStream := map[string][]logEvent{}
	var order []string
	for _, r := range records {
		msg, err := r.MarshalJSON()
		if err != nil {
			fail.add([]*event.Record{r}, true, err)
			continue
		}
		if len(msg)+LogEventOverhead > MaxLogEventBytes {
			fail.add([]*event.Record{r}, true, fmt.Errorf("record of %d bytes is over the %d-byte log event limit", len(msg), MaxLogEventBytes-LogEventOverhead))
			continue
		}
		account := r.RecipientAccountID
		if account == "" && r.UserIdentity != nil {
			account = r.UserIdentity.AccountID
		}
		s := StreamName(g.OrgID, account, r.AWSRegion)
		if _, ok := byStream[s]; !ok {
			order = append(order, s)
		}
		byStream[s] = append(byStream[s], logEvent{r, string(msg), r.EventTime.UnixMilli()})
	}
	for _, s := range order {
		evs := byStream[s]
		slices.SortStableFunc(evs, func(a, b logEvent) int { return compareInt(a.ms, b.ms) })
		if err := g.ensureStream(ctx, s); err != nil {
			for _, e := range evs {
				fail.add([]*event.Record{e.rec}, false, err)
			}
			continue
		}
		for len(evs) > 0 {
			n := batchLen(evs)
			g.put(ctx, s, evs[:n], &fail)
			evs = evs[n:]
		}
	}
	return fail.err()
}

func compareInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// batchLen is how many of evs (sorted) fit in one PutLogEvents call.
func batchLen(evs []logEvent) int {
	size := 0
	for i, e := range evs {
		size += len(e.msg) + LogEventOverhead
		if i == MaxLogBatchEvents || size > MaxLogBatchBytes || time.Duration(e.ms-evs[0].ms)*time.Millisecond > MaxLogBatchSpan {
			return i
		}
	}
	return len(evs)
}

func (g *LogGroup) ensureStream(ctx context.Context, name string) error {
	g.mu.Lock()
	known := g.streams[name]
	g.mu.Unlock()
	if known {
		return nil
	}
	err := g.Retry.do(ctx, func() error {
		_, err := g.Client.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String(g.Name), LogStreamName: aws.String(name)})
		var exists *types.ResourceAlreadyExistsException
		if errors.As(err, &exists) {
			return nil
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("creating log stream %s: %w", name, err)
	}
	g.mu.Lock()
	if g.streams == nil {
		g.streams = map[string]bool{}
	}
	g.streams[name] = true
	g.mu.Unlock()
	return nil
}

func (g *LogGroup) put(ctx context.Context, stream string, evs []logEvent, fail *failures) {
	in := &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String(g.Name), LogStreamName: aws.String(stream)}
	for _, e := range evs {
		in.LogEvents = append(in.LogEvents, types.InputLogEvent{Message: aws.String(e.msg), Timestamp: aws.Int64(e.ms)})
	}
	var out *cloudwatchlogs.PutLogEventsOutput
	err := g.Retry.do(ctx, func() error {
		var err error
		out, err = g.Client.PutLogEvents(ctx, in)
		return err
	})
	if err != nil {
		for _, e := range evs {
			fail.add([]*event.Record{e.rec}, false, fmt.Errorf("PutLogEvents %s: %w", stream, err))
		}
		return
	}
	if out == nil || out.RejectedLogEventsInfo == nil {
		return
	}
	// Rejected events: indexes up to TooOld and Expired end, from TooNew on.
	ri := out.RejectedLogEventsInfo
	for i, e := range evs {
		var why string
		switch {
		case ri.TooOldLogEventEndIndex != nil && i < int(*ri.TooOldLogEventEndIndex):
			why = "too old"
		case ri.ExpiredLogEventEndIndex != nil && i < int(*ri.ExpiredLogEventEndIndex):
			why = "older than the log group's retention"
		case ri.TooNewLogEventStartIndex != nil && i >= int(*ri.TooNewLogEventStartIndex):
			why = "too far in the future"
		default:
			continue
		}
		fail.add([]*event.Record{e.rec}, true, fmt.Errorf("CloudWatch Logs rejected the event: %s", why))
	}
}
