package eventpattern

import (
	"crypto/sha1"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/jsontree"
)

// The detail-type values of CloudTrail events on the default event bus.
const (
	detailTypeAPICall       = "AWS API Call via CloudTrail"
	detailTypeConsoleSignIn = "AWS Console Sign In via CloudTrail"
	detailTypeServiceEvent  = "AWS Service Event via CloudTrail"
	detailTypeInsight       = "AWS Insight via CloudTrail"
)

// idSpace is the UUID namespace of envelope ids derived from event ids.
var idSpace = uuid.MustParse("6f7a3c1e-2b4d-5e8f-9a0b-1c2d3e4f5a6b")

// Envelope is the EventBridge event that carries a CloudTrail record on the
// default event bus.
type Envelope struct {
	ID         string    // "id": see Wrap
	DetailType string    // "detail-type": see Wrap
	Source     string    // "source": aws.<service>
	Account    string    // "account": the record's recipientAccountId
	Time       time.Time // "time": the record's eventTime
	Region     string    // "region": the record's awsRegion
	Resources  []string  // "resources": always empty for CloudTrail events
	Detail     *event.Record
}

// Wrap returns the envelope EventBridge puts around r. The mapping:
//
//   - detail-type from eventType: AwsConsoleSignIn is "AWS Console Sign In
//     via CloudTrail", AwsServiceEvent "AWS Service Event via CloudTrail",
//     AwsCloudTrailInsight "AWS Insight via CloudTrail", every other type
//     (AwsApiCall, AwsConsoleAction, AwsVpceEvent, data events) "AWS API
//     Call via CloudTrail".
//   - source: "aws." and the eventSource's first label (iam.amazonaws.com
//     gives aws.iam, signin.amazonaws.com aws.signin); Insights events have
//     source aws.cloudtrail.
//   - account, region and time from recipientAccountId, awsRegion and
//     eventTime; resources is empty, as EventBridge delivers CloudTrail
//     events.
//   - id: EventBridge assigns a random UUID; Wrap derives a name-based
//     (version 5, SHA-1) UUID from the eventID in the namespace
//     6f7a3c1e-2b4d-5e8f-9a0b-1c2d3e4f5a6b, so that envelopes are
//     reproducible.
func Wrap(r *event.Record) Envelope {
	dt, src := kind(r)
	var id [36]byte
	if src == "" {
		src = "aws." + service(r.EventSource)
	}
	return Envelope{
		ID:         string(appendID(id[:0], r.EventID)),
		DetailType: dt,
		Source:     src,
		Account:    r.RecipientAccountID,
		Time:       r.EventTime,
		Region:     r.AWSRegion,
		Resources:  []string{},
		Detail:     r,
	}
}

// kind is the detail-type and source of r's envelope.
func kind(r *event.Record) (detailType, source string) {
	switch r.EventType {
	case event.AwsConsoleSignIn:
		return detailTypeConsoleSignIn, ""
	case event.AwsServiceEvent:
		return detailTypeServiceEvent, ""
	case event.AwsCloudTrailInsight:
		return detailTypeInsight, "aws.cloudtrail"
	}
	return detailTypeAPICall, ""
}

// service is the eventSource's first label (iam for iam.amazonaws.com).
func service(eventSource string) string {
	if i := strings.IndexByte(eventSource, '.'); i >= 0 {
		return eventSource[:i]
	}
	return eventSource
}

// appendID appends the version 5 UUID of eventID without allocating.
func appendID(b []byte, eventID string) []byte {
	var in [16 + 128]byte
	var sum [20]byte
	if len(eventID) <= 128 {
		copy(in[:], idSpace[:])
		n := copy(in[16:], eventID)
		sum = sha1.Sum(in[:16+n])
	} else {
		sum = sha1.Sum(append(idSpace[:], eventID...))
	}
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	const hexd = "0123456789abcdef"
	for i, x := range sum[:16] {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			b = append(b, '-')
		}
		b = append(b, hexd[x>>4], hexd[x&15])
	}
	return b
}

// appendString appends s as a JSON string.
func appendString(b []byte, s string) []byte {
	return append(appendEscaped(append(b, '"'), s), '"')
}

// appendEscaped appends the content of s as a JSON string, without quotes.
func appendEscaped(b []byte, s string) []byte {
	const hexd = "0123456789abcdef"
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hexd[c>>4], hexd[c&15])
		default:
			b = append(b, c)
		}
	}
	return b
}

// AppendJSON appends the envelope as EventBridge delivers it to targets:
// {"version":"0","id":…,"detail-type":…,"source":…,"account":…,"time":…,
// "region":…,"resources":[…],"detail":{record}}.
func (e *Envelope) AppendJSON(b []byte) []byte {
	b = append(b, `{"version":"0","id":`...)
	b = appendString(b, e.ID)
	b = append(b, `,"detail-type":`...)
	b = appendString(b, e.DetailType)
	b = append(b, `,"source":`...)
	b = appendString(b, e.Source)
	b = appendTail(b, e.Account, e.Time, e.Region, e.Resources)
	if e.Detail == nil {
		b = append(b, "{}"...)
	} else {
		b = e.Detail.AppendJSON(b)
	}
	return append(b, '}')
}

func appendTail(b []byte, account string, t time.Time, region string, resources []string) []byte {
	b = append(b, `,"account":`...)
	b = appendString(b, account)
	b = append(b, `,"time":"`...)
	b = t.UTC().AppendFormat(b, event.TimeLayout)
	b = append(b, `","region":`...)
	b = appendString(b, region)
	b = append(b, `,"resources":[`...)
	for i, r := range resources {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, r)
	}
	return append(b, `],"detail":`...)
}

// appendRecord appends Wrap(r).AppendJSON without building the Envelope.
func appendRecord(b []byte, r *event.Record) []byte {
	dt, src := kind(r)
	b = append(b, `{"version":"0","id":"`...)
	b = appendID(b, r.EventID)
	b = append(b, `","detail-type":`...)
	b = appendString(b, dt)
	b = append(b, `,"source":`...)
	if src != "" {
		b = appendString(b, src)
	} else {
		b = append(b, `"aws.`...)
		b = append(appendEscaped(b, service(r.EventSource)), '"')
	}
	b = appendTail(b, r.RecipientAccountID, r.EventTime, r.AWSRegion, nil)
	b = r.AppendJSON(b)
	return append(b, '}')
}

// Event is one EventBridge event parsed once so that many patterns can be
// evaluated on it. The zero value is empty: no pattern matches it. An Event
// is not safe for concurrent use; reuse one per goroutine to match without
// allocating.
type Event struct {
	doc jsontree.Doc
	buf []byte
	ok  bool
}

// SetRecord makes the event the envelope of r (Wrap). It fails only when
// the record cannot be encoded.
func (e *Event) SetRecord(r *event.Record) error {
	e.ok = false
	e.buf = appendRecord(e.buf[:0], r)
	if err := e.doc.Parse(e.buf); err != nil {
		return err
	}
	e.ok = e.doc.Kind(0) == jsontree.Object
	return nil
}

// SetJSON makes the event the JSON object b (any EventBridge event), which
// is kept, not copied, until the next Set call. Anything but a JSON object
// leaves the event empty and returns a *jsontree syntax error.
func (e *Event) SetJSON(b []byte) error {
	e.ok = false
	if err := e.doc.Parse(b); err != nil {
		return err
	}
	e.ok = e.doc.Kind(0) == jsontree.Object
	return nil
}

var eventPool = sync.Pool{New: func() any { return new(Event) }}
