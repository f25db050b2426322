package delivery_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	ebtypes "github.com/aws/aws-sdk-go-v2/service/eventbridge/types"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/trailkit/trailkit/aws/delivery"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/event/eventtest"
)

// records generates n minutes of activity in two accounts and two regions,
// shuffled as log files deliver them.
func records(t testing.TB, minutes int) []*event.Record {
	// CloudWatch Logs refuses events older than 14 days or more than 2 hours
	// ahead: the activity ends an hour ago, as a live trail's would.
	start := time.Now().UTC().Truncate(time.Minute).Add(-time.Hour)
	g := eventtest.MustNew(eventtest.Config{Seed: 21, Start: start, Duration: time.Duration(minutes) * time.Minute,
		Accounts: []string{"111122223333", "444455556666"}, Regions: []string{"us-east-1", "eu-west-1"}})
	var out []*event.Record
	for r := range g.Records() {
		out = append(out, r)
	}
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func newLogGroup(t testing.TB, c clients) string {
	n := "/trailkit/" + name("ct")
	if _, err := c.logs.CreateLogGroup(ctx(t), &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String(n)}); err != nil {
		t.Fatal(err)
	}
	return n
}

// readStreams reads every stream of a log group: stream name to messages
// with their timestamps, in stored order.
func readStreams(t testing.TB, c clients, group string) map[string][]string {
	out := map[string][]string{}
	var token *string
	for {
		ls, err := c.logs.DescribeLogStreams(ctx(t), &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(group), NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range ls.LogStreams {
			var next *string
			for {
				ev, err := c.logs.GetLogEvents(ctx(t), &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String(group),
					LogStreamName: s.LogStreamName, StartFromHead: aws.Bool(true), NextToken: next})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range ev.Events {
					out[*s.LogStreamName] = append(out[*s.LogStreamName], fmt.Sprintf("%d %s", *e.Timestamp, *e.Message))
				}
				if len(ev.Events) == 0 || (next != nil && *ev.NextForwardToken == *next) {
					break
				}
				next = ev.NextForwardToken
			}
		}
		if ls.NextToken == nil {
			return out
		}
		token = ls.NextToken
	}
}

// wantStreams is what CloudTrail would have written for the records.
func wantStreams(t testing.TB, recs []*event.Record) map[string][]string {
	type ev struct {
		ms  int64
		msg string
	}
	by := map[string][]ev{}
	for _, r := range recs {
		b, err := r.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		s := delivery.StreamName("", r.RecipientAccountID, r.AWSRegion)
		by[s] = append(by[s], ev{r.EventTime.UnixMilli(), string(b)})
	}
	out := map[string][]string{}
	for s, evs := range by {
		sort.SliceStable(evs, func(i, j int) bool { return evs[i].ms < evs[j].ms })
		for _, e := range evs {
			out[s] = append(out[s], fmt.Sprintf("%d %s", e.ms, e.msg))
		}
	}
	return out
}

// recordingLogs records every PutLogEvents call and can fail calls.
type recordingLogs struct {
	delivery.LogsAPI
	mu    sync.Mutex
	calls [][]string // messages per call
	// fail decides, before forwarding, whether call n (from 0) fails.
	fail func(n int, stream string) bool
	n    int
}

func (r *recordingLogs) PutLogEvents(ctx context.Context, in *cloudwatchlogs.PutLogEventsInput, o ...func(*cloudwatchlogs.Options)) (*cloudwatchlogs.PutLogEventsOutput, error) {
	r.mu.Lock()
	n := r.n
	r.n++
	var msgs []string
	for _, e := range in.LogEvents {
		msgs = append(msgs, *e.Message)
	}
	r.calls = append(r.calls, msgs)
	r.mu.Unlock()
	if r.fail != nil && r.fail(n, *in.LogStreamName) {
		return nil, errors.New("injected failure")
	}
	return r.LogsAPI.PutLogEvents(ctx, in, o...)
}

func TestLogGroupMoto(t *testing.T) {
	c := newClients(t)
	group := newLogGroup(t, c)
	recs := records(t, 20)
	rec := &recordingLogs{LogsAPI: c.logs}
	g := &delivery.LogGroup{Client: rec, Name: group}
	if err := g.Deliver(ctx(t), recs); err != nil {
		t.Fatal(err)
	}
	got, want := readStreams(t, c, group), wantStreams(t, recs)
	if len(want) != 4 || !reflect.DeepEqual(got, want) {
		t.Fatalf("streams read back differ from what was sent: %d streams, want %d", len(got), len(want))
	}
	for s := range got {
		if !strings.HasSuffix(s, "_CloudTrail_us-east-1") && !strings.HasSuffix(s, "_CloudTrail_eu-west-1") {
			t.Errorf("stream %s", s)
		}
	}
	t.Logf("%d records in %d PutLogEvents calls", len(recs), len(rec.calls))
}

func TestLogGroupBatchLimits(t *testing.T) {
	c := newClients(t)
	group := newLogGroup(t, c)
	// Records of about 100 KiB push batches over 1 MiB long before 10,000
	// events; 12,000 small ones over 10,000 events.
	big := strings.Repeat("x", 100<<10)
	var recs []*event.Record
	base := time.Now().UTC().Truncate(time.Second).Add(-26 * time.Hour)
	for i := range 30 {
		r := event.Builder{}.APICall(event.Record{EventTime: base.Add(time.Duration(i) * time.Second), EventSource: "s3.amazonaws.com", EventName: "PutObject",
			AWSRegion: "us-east-1", RecipientAccountID: "111122223333", RequestParameters: json.RawMessage(`{"pad":"` + big + `"}`)})
		recs = append(recs, r)
	}
	for i := range 12000 {
		recs = append(recs, event.Builder{}.APICall(event.Record{EventTime: base.Add(time.Duration(i) * time.Millisecond), EventSource: "s3.amazonaws.com",
			EventName: "GetObject", AWSRegion: "us-east-1", RecipientAccountID: "111122223333"}))
	}
	// Spanning more than 24 hours splits a batch too.
	recs = append(recs, event.Builder{}.APICall(event.Record{EventTime: base.Add(25 * time.Hour), EventSource: "s3.amazonaws.com",
		EventName: "GetObject", AWSRegion: "us-east-1", RecipientAccountID: "111122223333"}))
	// A record over the 256 KiB event limit is reported, not sent.
	huge := event.Builder{}.APICall(event.Record{EventTime: base, EventSource: "s3.amazonaws.com", EventName: "PutObject", AWSRegion: "us-east-1",
		RecipientAccountID: "111122223333", RequestParameters: json.RawMessage(`{"pad":"` + strings.Repeat("y", 300<<10) + `"}`)})
	rec := &recordingLogs{LogsAPI: c.logs}
	g := &delivery.LogGroup{Client: rec, Name: group}
	err := g.Deliver(ctx(t), append(slices.Clone(recs), huge))
	var de *delivery.DeliveryError
	if !errors.As(err, &de) || len(de.Undelivered) != 1 || de.Undelivered[0].Record != huge || !de.Undelivered[0].Rejected {
		t.Fatalf("error %v", err)
	}
	for i, call := range rec.calls {
		size := 0
		for _, m := range call {
			size += len(m) + delivery.LogEventOverhead
		}
		if len(call) > delivery.MaxLogBatchEvents || size > delivery.MaxLogBatchBytes {
			t.Errorf("call %d: %d events, %d bytes", i, len(call), size)
		}
	}
	if len(rec.calls) < 5 {
		t.Errorf("only %d calls", len(rec.calls))
	}
	if got, want := readStreams(t, c, group), wantStreams(t, recs); !reflect.DeepEqual(got, want) {
		t.Fatal("read back differs")
	}
}

func TestLogGroupRetries(t *testing.T) {
	c := newClients(t)
	group := newLogGroup(t, c)
	recs := records(t, 5)
	// Every call fails twice before it goes through: all records arrive,
	// each once.
	tries := map[string]int{}
	var mu sync.Mutex
	rec := &recordingLogs{LogsAPI: c.logs, fail: func(n int, stream string) bool {
		mu.Lock()
		defer mu.Unlock()
		tries[stream]++
		return tries[stream]%3 != 0
	}}
	g := &delivery.LogGroup{Client: rec, Name: group, Retry: delivery.Retry{Backoff: time.Millisecond}}
	if err := g.Deliver(ctx(t), recs); err != nil {
		t.Fatal(err)
	}
	if got, want := readStreams(t, c, group), wantStreams(t, recs); !reflect.DeepEqual(got, want) {
		t.Fatal("read back differs after retries")
	}
	// One stream always fails: its records, and only they, are reported.
	group2 := newLogGroup(t, c)
	bad := delivery.StreamName("", "444455556666", "eu-west-1")
	rec2 := &recordingLogs{LogsAPI: c.logs, fail: func(n int, stream string) bool { return stream == bad }}
	g2 := &delivery.LogGroup{Client: rec2, Name: group2, Retry: delivery.Retry{Attempts: 3, Backoff: time.Millisecond}}
	err := g2.Deliver(ctx(t), recs)
	var de *delivery.DeliveryError
	if !errors.As(err, &de) || !errors.Is(err, delivery.ErrUndelivered) {
		t.Fatalf("error %v", err)
	}
	var lost, delivered []*event.Record
	for _, r := range recs {
		if delivery.StreamName("", r.RecipientAccountID, r.AWSRegion) == bad {
			lost = append(lost, r)
		} else {
			delivered = append(delivered, r)
		}
	}
	var reported []*event.Record
	for _, u := range de.Undelivered {
		if u.Rejected {
			t.Errorf("%s reported as rejected", u.Record.EventID)
		}
		reported = append(reported, u.Record)
	}
	if !sameSet(reported, lost) {
		t.Errorf("reported %d records, want the %d of the failing stream", len(reported), len(lost))
	}
	if got, want := readStreams(t, c, group2), wantStreams(t, delivered); !reflect.DeepEqual(got, want) {
		t.Fatal("the other streams' read back differs")
	}
	// Redelivering the reported records completes the group.
	rec2.fail = nil
	if err := g2.Deliver(ctx(t), reported); err != nil {
		t.Fatal(err)
	}
	if got, want := readStreams(t, c, group2), wantStreams(t, recs); !reflect.DeepEqual(got, want) {
		t.Fatal("read back differs after redelivery")
	}
}

func sameSet(a, b []*event.Record) bool {
	ids := func(rs []*event.Record) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.EventID)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(ids(a), ids(b))
}

// flakyEvents fails whole calls and single entries.
type flakyEvents struct {
	delivery.EventsAPI
	mu      sync.Mutex
	n       int
	sizes   []int
	failAll func(n int) bool
}

func (f *flakyEvents) PutEvents(ctx context.Context, in *eventbridge.PutEventsInput, o ...func(*eventbridge.Options)) (*eventbridge.PutEventsOutput, error) {
	f.mu.Lock()
	n := f.n
	f.n++
	f.sizes = append(f.sizes, len(in.Entries))
	f.mu.Unlock()
	if f.failAll != nil && f.failAll(n) {
		return nil, errors.New("injected failure")
	}
	// Entries at odd positions of every third call fail as throttled; the
	// others go through.
	if n%3 == 1 {
		var pass []ebtypes.PutEventsRequestEntry
		for i, e := range in.Entries {
			if i%2 == 0 {
				pass = append(pass, e)
			}
		}
		out := &eventbridge.PutEventsOutput{}
		if len(pass) > 0 {
			res, err := f.EventsAPI.PutEvents(ctx, &eventbridge.PutEventsInput{Entries: pass}, o...)
			if err != nil {
				return nil, err
			}
			out.FailedEntryCount = res.FailedEntryCount
			_ = res
		}
		for i := range in.Entries {
			if i%2 == 0 {
				out.Entries = append(out.Entries, ebtypes.PutEventsResultEntry{EventId: aws.String("ok")})
			} else {
				out.Entries = append(out.Entries, ebtypes.PutEventsResultEntry{ErrorCode: aws.String("ThrottlingException"), ErrorMessage: aws.String("Rate exceeded")})
				out.FailedEntryCount++
			}
		}
		return out, nil
	}
	return f.EventsAPI.PutEvents(ctx, in, o...)
}

func TestEventBusMoto(t *testing.T) {
	c := newClients(t)
	// A rule on the default bus sends every delivered event to a queue,
	// where the test reads them back.
	q, err := c.sqs.CreateQueue(ctx(t), &sqs.CreateQueueInput{QueueName: aws.String(name("ct-events"))})
	if err != nil {
		t.Fatal(err)
	}
	rule := name("all-trailkit")
	if _, err := c.events.PutRule(ctx(t), &eventbridge.PutRuleInput{Name: aws.String(rule),
		EventPattern: aws.String(`{"source":[{"prefix":"trailkit."}]}`)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.events.PutTargets(ctx(t), &eventbridge.PutTargetsInput{Rule: aws.String(rule), Targets: []ebtypes.Target{
		{Id: aws.String("queue"), Arn: aws.String(queueARN(t, c, q.QueueUrl))}}}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = c.events.RemoveTargets(context.Background(), &eventbridge.RemoveTargetsInput{Rule: aws.String(rule), Ids: []string{"queue"}})
		_, _ = c.events.DeleteRule(context.Background(), &eventbridge.DeleteRuleInput{Name: aws.String(rule)})
	})
	// moto takes about a second per event a rule matches: 12 records, two calls.
	recs := records(t, 1)[:12]
	f := &flakyEvents{EventsAPI: c.events, failAll: func(n int) bool { return n%4 == 0 }}
	b := &delivery.EventBus{Client: f, Retry: delivery.Retry{Backoff: time.Millisecond}}
	t0 := time.Now()
	if err := b.Deliver(ctx(t), recs); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d records delivered in %v", len(recs), time.Since(t0))
	for i, n := range f.sizes {
		if n > delivery.MaxEventsBatchEntries {
			t.Errorf("call %d: %d entries", i, n)
		}
	}
	// Read back: each record exactly once, its detail equal to the record.
	got := map[string]int{}
	for _, body := range drain(t, c, q.QueueUrl) {
		{
			var env struct {
				Source     string          `json:"source"`
				DetailType string          `json:"detail-type"`
				Detail     json.RawMessage `json:"detail"`
			}
			if err := json.Unmarshal([]byte(body), &env); err != nil {
				t.Fatal(err)
			}
			var r event.Record
			if err := event.Unmarshal(env.Detail, &r); err != nil {
				t.Fatal(err)
			}
			got[r.EventID]++
			orig := findRecord(recs, r.EventID)
			if orig == nil || !sameJSON(t, env.Detail, orig) || env.DetailType != detailType(orig) ||
				env.Source != "trailkit."+strings.Split(orig.EventSource, ".")[0] {
				t.Fatalf("event %s differs: %s %s", r.EventID, env.Source, env.DetailType)
			}
		}
	}
	if len(got) != len(recs) {
		t.Fatalf("%d events read back, %d sent", len(got), len(recs))
	}
	for id, n := range got {
		if n != 1 {
			t.Errorf("%s delivered %d times", id, n)
		}
	}
}

func detailType(r *event.Record) string {
	switch r.EventType {
	case event.AwsConsoleSignIn:
		return "AWS Console Sign In via CloudTrail"
	case event.AwsServiceEvent:
		return "AWS Service Event via CloudTrail"
	}
	return "AWS API Call via CloudTrail"
}

func findRecord(recs []*event.Record, id string) *event.Record {
	for _, r := range recs {
		if r.EventID == id {
			return r
		}
	}
	return nil
}

// sameJSON compares JSON by value (moto re-serialises the detail).
func sameJSON(t testing.TB, got json.RawMessage, r *event.Record) bool {
	want, err := r.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var a, b any
	if json.Unmarshal(got, &a) != nil || json.Unmarshal(want, &b) != nil {
		return false
	}
	return reflect.DeepEqual(a, b)
}

func TestEventBusRetriesSpent(t *testing.T) {
	c := newClients(t)
	recs := records(t, 1)[:25]
	f := &flakyEvents{EventsAPI: c.events, failAll: func(n int) bool { return n >= 1 }}
	b := &delivery.EventBus{Client: f, Retry: delivery.Retry{Attempts: 2, Backoff: time.Millisecond}}
	err := b.Deliver(ctx(t), recs)
	var de *delivery.DeliveryError
	if !errors.As(err, &de) {
		t.Fatalf("error %v", err)
	}
	// The first call (10 entries) went through; the other 15 are reported.
	var reported []*event.Record
	for _, u := range de.Undelivered {
		reported = append(reported, u.Record)
	}
	if !sameSet(reported, recs[10:]) {
		t.Errorf("reported %d records, want 15", len(reported))
	}
}

func TestNoticesMoto(t *testing.T) {
	c := newClients(t)
	topic, err := c.sns.CreateTopic(ctx(t), &sns.CreateTopicInput{Name: aws.String(name("ct-notices"))})
	if err != nil {
		t.Fatal(err)
	}
	q, err := c.sqs.CreateQueue(ctx(t), &sqs.CreateQueueInput{QueueName: aws.String(name("ct-notices"))})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.sns.Subscribe(ctx(t), &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String(queueARN(t, c, q.QueueUrl)), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
		t.Fatal(err)
	}
	keys := []string{
		"AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0000Z_a1b2c3d4e5f6a7b8.json.gz",
		"AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/05/111122223333_CloudTrail_eu-west-1_20240305T0005Z_0f1e2d3c4b5a6978.json.gz",
	}
	fails := 0
	n := &delivery.Notices{Client: publishFlaky{c.sns, &fails}, TopicARN: *topic.TopicArn, Retry: delivery.Retry{Backoff: time.Millisecond}}
	if err := n.Notify(ctx(t), "trail-bucket", keys...); err != nil {
		t.Fatal(err)
	}
	got := drain(t, c, q.QueueUrl)
	want := []string{
		`{"s3Bucket":"trail-bucket","s3ObjectKey":["` + keys[0] + `"]}`,
		`{"s3Bucket":"trail-bucket","s3ObjectKey":["` + keys[1] + `"]}`,
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("notices read back:\n%q\nwant\n%q", got, want)
	}
}

// publishFlaky fails every other Publish before forwarding it.
type publishFlaky struct {
	delivery.SNSAPI
	n *int
}

func (p publishFlaky) Publish(ctx context.Context, in *sns.PublishInput, o ...func(*sns.Options)) (*sns.PublishOutput, error) {
	*p.n++
	if *p.n%2 == 1 {
		return nil, errors.New("injected failure")
	}
	return p.SNSAPI.Publish(ctx, in, o...)
}

func queueARN(t testing.TB, c clients, url *string) string {
	qa, err := c.sqs.GetQueueAttributes(ctx(t), &sqs.GetQueueAttributesInput{QueueUrl: url, AttributeNames: []sqstypes.QueueAttributeName{"QueueArn"}})
	if err != nil {
		t.Fatal(err)
	}
	return qa.Attributes["QueueArn"]
}

// drain receives and deletes every message of a queue.
func drain(t testing.TB, c clients, url *string) []string {
	var out []string
	for {
		m, err := c.sqs.ReceiveMessage(ctx(t), &sqs.ReceiveMessageInput{QueueUrl: url, MaxNumberOfMessages: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Messages) == 0 {
			return out
		}
		for _, x := range m.Messages {
			out = append(out, *x.Body)
			if _, err := c.sqs.DeleteMessage(ctx(t), &sqs.DeleteMessageInput{QueueUrl: url, ReceiptHandle: x.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
}
