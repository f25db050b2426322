package apicall_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/apicall"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

type env struct {
	store logfile.Store
	w     *logfile.Writer
	rc    *apicall.Recorder
	srv   *httptest.Server
	errs  []error
	mu    sync.Mutex
}

func newEnv(t *testing.T, writer apicall.RecordWriter, h http.Handler) *env {
	e := &env{store: logfile.NewMemStore()}
	var err error
	e.w, err = logfile.NewWriter(e.store, logfile.WriterOptions{ManualTick: true, Location: logfile.Location{Bucket: "b"}, Now: time.Now})
	if err != nil {
		t.Fatal(err)
	}
	if writer == nil {
		writer = e.w
	}
	e.rc = &apicall.Recorder{Account: "111122223333", Region: "us-east-1", EventSource: "notes.example.com", Writer: writer,
		Identify: func(r *http.Request) *event.UserIdentity {
			return &event.UserIdentity{Type: event.IdentityIAMUser, UserName: r.Header.Get("X-User"), AccountID: "111122223333"}
		},
		OnError: func(err error) { e.mu.Lock(); e.errs = append(e.errs, err); e.mu.Unlock() }}
	e.srv = httptest.NewServer(e.rc.Handler(h))
	t.Cleanup(e.srv.Close)
	return e
}

func (e *env) records(t *testing.T) []*event.Record {
	t.Helper()
	ctx := context.Background()
	if err := e.w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	var out []*event.Record
	for key, err := range e.store.List(ctx, "b", "", "") {
		if err != nil {
			t.Fatal(err)
		}
		obj, _ := e.store.Get(ctx, "b", key)
		for r, err := range logfile.ReadRecords(bytes.NewReader(obj.Body), logfile.ReadOptions{}) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, r)
		}
	}
	return out
}

// TestClientHangUp: the client gives up while the operation runs; the
// operation completes and its record is written. Before (the example wrote
// with the request's context), the record was lost: 13% of DELETEs under
// load.
func TestClientHangUp(t *testing.T) {
	started, finished := make(chan struct{}), make(chan struct{})
	e := newEnv(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := apicall.Of(r)
		c.EventName = "DeleteNote"
		c.RequestParameters = json.RawMessage(`{"id":"n1"}`)
		close(started)
		<-r.Context().Done() // the client hung up
		w.WriteHeader(http.StatusNoContent)
		close(finished)
	}))
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "DELETE", e.srv.URL+"/v1/notes/n1", nil)
	req.Header.Set("X-User", "alice")
	done := make(chan error)
	go func() {
		_, err := http.DefaultClient.Do(req)
		done <- err
	}()
	<-started
	cancel()
	if err := <-done; err == nil {
		t.Fatal("request was not cancelled")
	}
	<-finished
	var recs []*event.Record
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if recs = e.records(t); len(recs) > 0 {
			break
		}
	}
	if len(recs) != 1 || recs[0].EventName != "DeleteNote" || recs[0].UserIdentity.UserName != "alice" || string(recs[0].RequestParameters) != `{"id":"n1"}` {
		t.Fatalf("records after a hang-up: %d", len(recs))
	}
}

// TestHugeUserAgent: a request with a 300 KB User-Agent succeeds and is
// recorded, the userAgent replaced by the documented marker. Before, it
// succeeded with no record (the record was over 256 KB).
func TestHugeUserAgent(t *testing.T) {
	e := newEnv(t, nil, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apicall.Of(r).EventName = "ListNotes"
		w.Write([]byte(`[]`))
	}))
	req, _ := http.NewRequest("GET", e.srv.URL+"/v1/notes", nil)
	req.Header.Set("User-Agent", strings.Repeat("A", 300<<10))
	req.Header.Set("X-User", "bob")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	recs := e.records(t)
	want := "[omitted by trailkit: 307200 bytes]" // the package documentation's marker
	if len(recs) != 1 || recs[0].UserAgent != want || recs[0].EventName != "ListNotes" {
		t.Fatalf("%d records; userAgent %.60q", len(recs), recs[0].UserAgent)
	}
	var re *apicall.ReducedError
	if len(e.errs) != 1 || !errors.As(e.errs[0], &re) || len(re.Members) != 1 || re.Members[0] != "userAgent" ||
		!strings.Contains(re.Error(), "replaced userAgent") {
		t.Errorf("OnError got %v", e.errs)
	}
	// Large JSON members are reduced too, largest first.
	r := event.Record{RequestParameters: json.RawMessage(`{"x":"` + strings.Repeat("y", 200<<10) + `"}`),
		ResponseElements: json.RawMessage(`{"x":"` + strings.Repeat("y", 100<<10) + `"}`), UserAgent: "small"}
	if got := apicall.Reduce(&r); len(got) != 1 || got[0] != "requestParameters" || string(r.RequestParameters) != `{"omittedByTrailkit":204808}` {
		t.Errorf("Reduce = %v, %s", got, r.RequestParameters)
	}
}

type failingWriter struct{}

func (failingWriter) Write(context.Context, *event.Record) error {
	return &logfile.Error{Op: "spool", Err: fmt.Errorf("%w: %w", logfile.ErrSpool, &fs.PathError{Op: "sync", Path: "/spool", Err: errors.New("disk full")})}
}

// TestNotDurableFails: when the record cannot be written the client gets
// 500, never the operation's success.
func TestNotDurableFails(t *testing.T) {
	e := newEnv(t, failingWriter{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		apicall.Of(r).EventName = "PutNote"
		w.Header().Set("X-Request-Id", "req-1")
		w.Write([]byte(`{"ok":true}`))
	}))
	resp, err := http.Get(e.srv.URL + "/v1/notes/x")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	body.ReadFrom(resp.Body)
	if resp.StatusCode != 500 || strings.Contains(body.String(), "ok") || resp.Header.Get("X-Request-Id") != "req-1" {
		t.Fatalf("status %d body %s", resp.StatusCode, body.String())
	}
	if len(e.errs) != 1 || !errors.Is(e.errs[0], logfile.ErrSpool) {
		t.Errorf("OnError got %v", e.errs)
	}
	// Unclaimed requests pass through unrecorded.
	e2 := newEnv(t, failingWriter{}, http.NotFoundHandler())
	resp2, _ := http.Get(e2.srv.URL + "/nothing")
	resp2.Body.Close()
	if resp2.StatusCode != 404 {
		t.Errorf("unclaimed: %d", resp2.StatusCode)
	}
}
