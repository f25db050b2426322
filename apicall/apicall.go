// Package apicall records every call of an HTTP API as a CloudTrail
// management event (eventType AwsApiCall), as an importable middleware.
//
// Recorder.Handler wraps the API's handler. An operation names itself and
// reports its outcome through Of(r): the event name, requestParameters,
// responseElements, resources and, for a failure, errorCode and
// errorMessage. Requests no operation claims (a mux's 404s) are not
// recorded. The record's identity comes from Recorder.Identify, the source
// address from Recorder.SourceIP, the request id from the response's
// X-Request-Id header, userAgent from the request, tlsDetails from the
// connection.
//
// Guarantees:
//   - No operation succeeds without its record. The operation's response
//     is held (status, headers, body) until the record was written;
//     Write returning an error (for example a spool that cannot sync)
//     replaces the response with 500 InternalFailure, so the client never
//     sees a success that has no record. Handlers that stream (http.Flusher)
//     are therefore not supported.
//   - The client cannot cancel the record. It is written with a context
//     that keeps the request's values but not its cancellation, bounded by
//     Recorder.Timeout, so a client that hangs up or times out still gets
//     its call recorded.
//   - A record too large for a log file (over event.MaxRecordSize) is
//     reduced, not dropped: free-form members (userAgent, errorMessage,
//     requestParameters, responseElements, additionalEventData) are
//     replaced, largest first, by a marker until the record fits: a string
//     member by "[omitted by trailkit: <bytes> bytes]" with its size in
//     bytes, for example "[omitted by trailkit: 307200 bytes]", and a JSON
//     member by the object {"omittedByTrailkit":<bytes>}. Members of 64
//     bytes or less are kept. Recorder.OnError then receives a
//     *ReducedError naming the members replaced.
//
// With a logfile.Writer with a spool (WriterOptions.SpoolDir), a recorded
// call is durable before the client gets its response.
package apicall

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

// RecordWriter stores records; *logfile.Writer is one.
type RecordWriter interface {
	Write(ctx context.Context, r *event.Record) error
}

// Recorder is the middleware's configuration. Account, Region, EventSource
// and Writer are required.
type Recorder struct {
	Account     string // recipientAccountId, 12 digits
	Region      string // awsRegion
	EventSource string // eventSource, e.g. notes.example.com
	Writer      RecordWriter
	// Builder fills eventID, eventTime and the other fields a service does
	// not choose (tests inject its clock and ids).
	Builder event.Builder
	// Identify returns the caller's identity; nil, or a nil result, is
	// {"type":"Unknown"}.
	Identify func(*http.Request) *event.UserIdentity
	// SourceIP returns sourceIPAddress; nil is the host of RemoteAddr.
	SourceIP func(*http.Request) string
	// Timeout bounds the writing of one record; zero means 30 seconds.
	Timeout time.Duration
	// OnError, if set, receives every error writing a record (the response
	// was then 500) and every record reduction (a *ReducedError).
	OnError func(error)
}

// Call is the audit state of one request: the operation fills it in.
type Call struct {
	// Identity is the caller, from Recorder.Identify; an operation may read
	// it to authorize the request.
	Identity          *event.UserIdentity
	EventName         string
	RequestParameters json.RawMessage
	ResponseElements  json.RawMessage
	Resources         []event.Resource
	ErrorCode         string
	ErrorMessage      string
}

type callKey struct{}

// Of returns the Call of a request served through Recorder.Handler, or nil.
func Of(r *http.Request) *Call {
	c, _ := r.Context().Value(callKey{}).(*Call)
	return c
}

// ReducedError reports a record whose free-form members were replaced by
// markers so that it fits a log file (see the package documentation). The
// reduced record was written; this is reported to Recorder.OnError only,
// where errors.As tells it from a failure to write.
type ReducedError struct {
	EventID string
	Members []string // the members replaced, e.g. "userAgent"
	Size    int      // bytes of the original record's JSON
}

// Error names the record, its size and how many members were replaced.
func (e *ReducedError) Error() string {
	return "apicall: record " + e.EventID + " of " + strconv.Itoa(e.Size) + " bytes reduced to fit a log file: replaced " + strings.Join(e.Members, ", ")
}

// Handler wraps next (see the package documentation).
func (rc *Recorder) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &Call{}
		if rc.Identify != nil {
			c.Identity = rc.Identify(r)
		}
		if c.Identity == nil {
			c.Identity = &event.UserIdentity{Type: event.IdentityUnknown}
		}
		bw := &heldResponse{header: http.Header{}, status: http.StatusOK}
		next.ServeHTTP(bw, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
		if c.EventName != "" {
			if err := rc.record(r, bw, c); err != nil {
				if rc.OnError != nil {
					rc.OnError(err)
				}
				h := w.Header()
				h.Set("Content-Type", "application/json")
				if id := bw.header.Get("X-Request-Id"); id != "" {
					h.Set("X-Request-Id", id)
				}
				w.WriteHeader(http.StatusInternalServerError)
				w.Write([]byte(`{"code":"InternalFailure","message":"the call could not be recorded"}` + "\n"))
				return
			}
		}
		for k, v := range bw.header {
			w.Header()[k] = v
		}
		w.WriteHeader(bw.status)
		w.Write(bw.body)
	})
}

func (rc *Recorder) record(r *http.Request, bw *heldResponse, c *Call) error {
	src := ""
	if rc.SourceIP != nil {
		src = rc.SourceIP(r)
	} else if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		src = host
	} else {
		src = r.RemoteAddr
	}
	rec := rc.Builder.APICall(event.Record{
		UserIdentity:       c.Identity,
		EventSource:        rc.EventSource,
		EventName:          c.EventName,
		AWSRegion:          rc.Region,
		SourceIPAddress:    src,
		UserAgent:          r.UserAgent(),
		ErrorCode:          c.ErrorCode,
		ErrorMessage:       c.ErrorMessage,
		RequestParameters:  c.RequestParameters,
		ResponseElements:   c.ResponseElements,
		RequestID:          bw.header.Get("X-Request-Id"),
		Resources:          c.Resources,
		RecipientAccountID: rc.Account,
		TLSDetails:         tlsDetails(r),
	})
	timeout := rc.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), timeout)
	defer cancel()
	if n := len(rec.AppendJSON(nil)); n > event.MaxRecordSize {
		red := reduce(rec)
		if rc.OnError != nil {
			rc.OnError(&ReducedError{EventID: rec.EventID, Members: red, Size: n})
		}
	}
	err := rc.Writer.Write(ctx, rec)
	if errors.Is(err, logfile.ErrDeliveryFailed) {
		// Accepted (and, with a spool, durable); the Writer retries the
		// delivery.
		if rc.OnError != nil {
			rc.OnError(err)
		}
		return nil
	}
	return err
}

// reduce replaces r's free-form members, largest first, by the markers
// described in the package documentation until r's JSON fits
// event.MaxRecordSize (or no free-form member is left). It returns the
// names of the members replaced.
func reduce(r *event.Record) []string {
	type member struct {
		name string
		size int
		set  func(n int)
	}
	str := func(name string, p *string) member {
		return member{name, len(*p), func(n int) { *p = omitted(n) }}
	}
	raw := func(name string, p *json.RawMessage) member {
		return member{name, len(*p), func(n int) { *p = json.RawMessage(`{"omittedByTrailkit":` + strconv.Itoa(n) + `}`) }}
	}
	ms := []member{
		str("userAgent", &r.UserAgent), str("errorMessage", &r.ErrorMessage),
		raw("requestParameters", &r.RequestParameters), raw("responseElements", &r.ResponseElements),
		raw("additionalEventData", &r.AdditionalEventData),
	}
	slices.SortStableFunc(ms, func(a, b member) int { return b.size - a.size })
	var done []string
	for _, m := range ms {
		if len(r.AppendJSON(nil)) <= event.MaxRecordSize || m.size <= 64 {
			break
		}
		m.set(m.size)
		done = append(done, m.name)
	}
	return done
}

func omitted(n int) string {
	return "[omitted by trailkit: " + strconv.Itoa(n) + " bytes]"
}

// heldResponse holds an operation's response until its record is written.
type heldResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        []byte
}

func (h *heldResponse) Header() http.Header { return h.header }

func (h *heldResponse) WriteHeader(status int) {
	if !h.wroteHeader {
		h.status, h.wroteHeader = status, true
	}
}

func (h *heldResponse) Write(p []byte) (int, error) {
	h.wroteHeader = true
	h.body = append(h.body, p...)
	return len(p), nil
}

// tlsDetails describes the connection as CloudTrail's tlsDetails does.
func tlsDetails(r *http.Request) *event.TLSDetails {
	if r.TLS == nil {
		return nil
	}
	v := map[uint16]string{tls.VersionTLS12: "TLSv1.2", tls.VersionTLS13: "TLSv1.3"}[r.TLS.Version]
	if v == "" {
		v = tls.VersionName(r.TLS.Version)
	}
	return &event.TLSDetails{TLSVersion: v, CipherSuite: openSSLName(r.TLS.CipherSuite), ClientProvidedHostHeader: r.Host}
}

// openSSLName gives the OpenSSL name CloudTrail writes for the common
// suites, else Go's name.
func openSSLName(id uint16) string {
	switch id {
	case tls.TLS_AES_128_GCM_SHA256:
		return "TLS_AES_128_GCM_SHA256"
	case tls.TLS_AES_256_GCM_SHA384:
		return "TLS_AES_256_GCM_SHA384"
	case tls.TLS_CHACHA20_POLY1305_SHA256:
		return "TLS_CHACHA20_POLY1305_SHA256"
	case tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:
		return "ECDHE-RSA-AES128-GCM-SHA256"
	case tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256:
		return "ECDHE-ECDSA-AES128-GCM-SHA256"
	}
	return tls.CipherSuiteName(id)
}
