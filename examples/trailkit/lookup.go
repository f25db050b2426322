package main

import (
	"container/heap"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

const lookupAbout = `Usage: trailkit lookup --dir DIR --s3-bucket B --account-id ID --region R [flags]

Event history over a local bucket, like 'aws cloudtrail lookup-events'
(LookupEvents): the management events of one account and Region whose
eventTime is in [--start-time, --end-time] (both inclusive; open when not given),
newest first, at most --max-results of them (default 50; there is no
NextToken, raise it to see more).

--lookup-attribute Key=Value filters on one attribute, as the API (which
takes at most one). Keys: EventId, EventName, ReadOnly (true or false),
Username, ResourceType, ResourceName, EventSource, AccessKeyId. Values are
compared exactly.

Differences from CloudTrail's event history, which the service keeps
itself: the bucket holds only what the trail recorded (event history
ignores the trail's selectors), data events are left out as event history
does, and the fields are derived from the record as follows: Username is
userIdentity.userName, else "root" for Root, the session name (the ARN's
last part) for AssumedRole and FederatedUser, invokedBy for AWSService,
else principalId; Resources are the record's resources (ResourceType its
type, ResourceName its ARN). With --event-category insight the Insights
files are searched instead (keys EventId, EventName, EventSource).

--output json prints LookupEvents' response shape {"Events":[…]} with
EventTime in epoch seconds and CloudTrailEvent the record's JSON as a
string; --output csv prints one line per event with a header. Files that
cannot be read are reported on stderr and the exit status is then 1.`

// lookupKeys are LookupEvents' attribute keys.
var lookupKeys = []string{"EventId", "EventName", "ReadOnly", "Username", "ResourceType", "ResourceName", "EventSource", "AccessKeyId"}

type attrFlag struct {
	set        int
	key, value string
}

func (f *attrFlag) String() string {
	if f == nil || f.set == 0 {
		return ""
	}
	return f.key + "=" + f.value
}

func (f *attrFlag) Set(s string) error {
	f.set++
	if f.set > 1 {
		return errors.New("at most one lookup attribute may be given (LookupEvents takes one)")
	}
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return fmt.Errorf("%q is not Key=Value", s)
	}
	// aws-cli's shorthand AttributeKey=K,AttributeValue=V is accepted too.
	if k == "AttributeKey" {
		kk, rest, ok := strings.Cut(v, ",AttributeValue=")
		if !ok {
			return fmt.Errorf("%q is not AttributeKey=K,AttributeValue=V", s)
		}
		k, v = kk, rest
	}
	for _, known := range lookupKeys {
		if k == known {
			f.key, f.value = k, v
			if k == "ReadOnly" && v != "true" && v != "false" {
				return fmt.Errorf("ReadOnly must be true or false, not %q", v)
			}
			if v == "" {
				return fmt.Errorf("empty value for %s", k)
			}
			return nil
		}
	}
	return fmt.Errorf("unknown attribute key %q (want one of %s)", k, strings.Join(lookupKeys, ", "))
}

// lookupEvent is one event of LookupEvents' response.
type lookupEvent struct {
	EventID         string           `json:"EventId"`
	EventName       string           `json:"EventName,omitempty"`
	ReadOnly        string           `json:"ReadOnly,omitempty"`
	AccessKeyID     string           `json:"AccessKeyId,omitempty"`
	EventTime       json.Number      `json:"EventTime"`
	EventSource     string           `json:"EventSource,omitempty"`
	Username        string           `json:"Username,omitempty"`
	Resources       []lookupResource `json:"Resources"`
	CloudTrailEvent string           `json:"CloudTrailEvent"`

	time   time.Time
	region string
	record *event.Record
}

type lookupResource struct {
	ResourceType string `json:"ResourceType,omitempty"`
	ResourceName string `json:"ResourceName"`
}

// newLookupEvent derives LookupEvents' fields from a record.
func newLookupEvent(r *event.Record) *lookupEvent {
	ev := &lookupEvent{
		EventID: r.EventID, EventName: r.EventName, EventSource: r.EventSource,
		EventTime: json.Number(strconv.FormatInt(r.EventTime.Unix(), 10) + ".0"),
		Resources: []lookupResource{},
		time:      r.EventTime, region: r.AWSRegion, record: r,
	}
	if d := r.InsightDetails; d != nil {
		ev.EventName, ev.EventSource = d.EventName, d.EventSource
		return ev
	}
	// Records older than the readOnly field answer from the API table.
	ev.ReadOnly = strconv.FormatBool(r.IsReadOnly())
	if u := r.UserIdentity; u != nil {
		ev.AccessKeyID = u.AccessKeyID
		ev.Username = username(u)
	}
	for _, res := range r.Resources {
		name := res.ARN
		if name == "" {
			name = res.ARNPrefix
		}
		ev.Resources = append(ev.Resources, lookupResource{ResourceType: res.Type, ResourceName: name})
	}
	return ev
}

// username is the Username event history shows for an identity (see
// lookupAbout for the rule).
func username(u *event.UserIdentity) string {
	switch {
	case u.UserName != "":
		return u.UserName
	case u.Type == event.IdentityRoot:
		return "root"
	case u.Type == event.IdentityAssumedRole || u.Type == event.IdentityFederatedUser:
		if i := strings.LastIndexByte(u.ARN, '/'); i >= 0 {
			return u.ARN[i+1:]
		}
	case u.Type == event.IdentityAWSService && u.InvokedBy != "":
		return u.InvokedBy
	}
	return u.PrincipalID
}

// matches reports whether ev has the attribute.
func (ev *lookupEvent) matches(key, value string) bool {
	switch key {
	case "":
		return true
	case "EventId":
		return ev.EventID == value
	case "EventName":
		return ev.EventName == value
	case "EventSource":
		return ev.EventSource == value
	case "ReadOnly":
		return ev.ReadOnly == value
	case "Username":
		return ev.Username == value
	case "AccessKeyId":
		return ev.AccessKeyID == value
	case "ResourceType", "ResourceName":
		for _, r := range ev.Resources {
			if key == "ResourceType" && r.ResourceType == value || key == "ResourceName" && r.ResourceName == value {
				return true
			}
		}
	}
	return false
}

// newest keeps the n newest events: a min-heap on (time, then eventID
// descending), so the root is the one to drop.
type newest []*lookupEvent

func (h newest) Len() int { return len(h) }
func (h newest) Less(i, j int) bool {
	if !h[i].time.Equal(h[j].time) {
		return h[i].time.Before(h[j].time)
	}
	return h[i].EventID > h[j].EventID
}
func (h newest) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *newest) Push(x any)   { *h = append(*h, x.(*lookupEvent)) }
func (h *newest) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func runLookup(e *env, args []string) int {
	fs := newFlags("lookup", lookupAbout)
	loc := fs.bucketFlags("")
	account := fs.account("", "12-digit account `id` (required)")
	region := fs.region("`Region` (required)")
	var attr attrFlag
	fs.Var(&attr, "lookup-attribute", "`Key=Value` filter (at most one); also AttributeKey=K,AttributeValue=V")
	fs.alias("lookup-attribute", "lookup-attributes") // aws-cli's name
	start, end := fs.timeRange("earliest eventTime", "latest eventTime")
	maxResults := fs.Int("max-results", 50, "most events to print")
	output := fs.String("output", "json", "output `format`: json or csv")
	category := fs.String("event-category", "", "insight: search Insights events instead of management events")
	quiet := fs.quiet()
	if ok, code := parseFlags(e, fs, args); !ok {
		return code
	}
	switch {
	case fs.NArg() > 0:
		return usageError(e, fs, "unexpected argument %q", fs.Arg(0))
	case loc.dir == "" || loc.Bucket == "" || *account == "" || *region == "":
		return usageError(e, fs, "--dir, --s3-bucket, --account-id and --region are required")
	case *maxResults < 1:
		return usageError(e, fs, "--max-results must be at least 1")
	case *output != "json" && *output != "csv":
		return usageError(e, fs, "--output must be json or csv, not %q", *output)
	case *category != "" && *category != "insight":
		return usageError(e, fs, "--event-category must be insight, not %q", *category)
	case *category == "insight" && attr.key != "" && attr.key != "EventId" && attr.key != "EventName" && attr.key != "EventSource":
		return usageError(e, fs, "for Insights events only EventId, EventName and EventSource can be looked up")
	case !start.t.IsZero() && !end.t.IsZero() && start.t.After(end.t):
		return usageError(e, fs, "--start-time is after --end-time")
	}
	if err := checkAccount(*account); err != nil {
		return usageError(e, fs, "%v", err)
	}
	if err := checkRegions([]string{*region}); err != nil {
		return usageError(e, fs, "%v", err)
	}
	if st, err := os.Stat(loc.dir); err != nil || !st.IsDir() {
		return ioError(e, "lookup", fmt.Errorf("--dir %s is not a directory", loc.dir))
	}
	store, err := logfile.NewDirStore(loc.dir, logfile.DirStoreOptions{})
	if err != nil {
		return ioError(e, "lookup", err)
	}
	kind := logfile.KindLog
	if *category == "insight" {
		kind = logfile.KindInsight
	}
	prog := newProgress(e.stderr, *quiet)
	var h newest
	failed, scanned := 0, 0
	for r, err := range logfile.Scan(context.Background(), store, logfile.ScanOptions{
		Location:   loc.Location,
		Account:    *account,
		Region:     *region,
		Kind:       kind,
		Start:      start.t,
		End:        end.t,
		WholeFiles: true,
	}) {
		if err != nil {
			var se *logfile.RecordError
			if !errors.As(err, &se) {
				prog.done()
				return ioError(e, "lookup", err)
			}
			failed++
			prog.done()
			fmt.Fprintf(e.stderr, "trailkit lookup: skipped a file: %s\n", escapeControl(err.Error()))
			continue
		}
		scanned++
		prog.update("read %d records", scanned)
		if kind == logfile.KindLog && !isManagement(r) {
			continue
		}
		ev := newLookupEvent(r)
		if !ev.matches(attr.key, attr.value) {
			continue
		}
		if h.Len() < *maxResults {
			heap.Push(&h, ev)
		} else if newestLess(h[0], ev) {
			h[0] = ev
			heap.Fix(&h, 0)
		}
	}
	prog.done()
	events := make([]*lookupEvent, h.Len())
	for i := len(events) - 1; i >= 0; i-- {
		events[i] = heap.Pop(&h).(*lookupEvent)
	}
	if err := writeLookup(e, *output, events); err != nil {
		return ioError(e, "lookup", err)
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "trailkit lookup: %d files could not be read; the results may be incomplete\n", failed)
		return exitProblems
	}
	return exitOK
}

// newestLess reports whether a sorts before b in the heap's order (a is
// older).
func newestLess(a, b *lookupEvent) bool {
	h := newest{a, b}
	return h.Less(0, 1)
}

// isManagement reports whether event history would hold r: a management
// event (eventCategory Management, or before 1.07 managementEvent not false).
func isManagement(r *event.Record) bool {
	switch r.EventCategory {
	case event.CategoryManagement:
		return true
	case "":
		return r.InsightDetails == nil && (r.ManagementEvent == nil || *r.ManagementEvent)
	}
	return false
}

func writeLookup(e *env, format string, events []*lookupEvent) error {
	if format == "json" {
		for _, ev := range events {
			ev.CloudTrailEvent = string(ev.record.AppendJSON(nil))
		}
		// aws-cli prints & < > as they are, so HTML escaping is off.
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "    ")
		return enc.Encode(struct {
			Events []*lookupEvent `json:"Events"`
		}{append([]*lookupEvent{}, events...)})
	}
	w := csv.NewWriter(e.stdout)
	w.Write([]string{"EventTime", "EventId", "EventName", "EventSource", "AwsRegion", "Username", "ReadOnly", "AccessKeyId", "ErrorCode", "SourceIPAddress", "ResourceTypes", "ResourceNames"})
	for _, ev := range events {
		var types, names []string
		for _, r := range ev.Resources {
			types = append(types, r.ResourceType)
			names = append(names, r.ResourceName)
		}
		w.Write([]string{ev.time.Format(time.RFC3339), ev.EventID, ev.EventName, ev.EventSource, ev.region, ev.Username,
			ev.ReadOnly, ev.AccessKeyID, ev.record.ErrorCode, ev.record.SourceIPAddress,
			strings.Join(types, ";"), strings.Join(names, ";")})
	}
	w.Flush()
	return w.Error()
}

var _ flag.Value = (*attrFlag)(nil)
