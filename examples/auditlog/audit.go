package main

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/trailkit/trailkit/apicall"
	"github.com/trailkit/trailkit/event"
)

// Auditor is the audit middleware: it emits one CloudTrail record
// (eventType AwsApiCall, eventCategory Management) per API request into a
// logfile.Writer.
//
// Who made the request: the subject common name of a verified TLS client
// certificate (mTLS), or else, when TrustIdentityHeader is set (behind an
// authenticating proxy), the X-Audit-User header. Either becomes an IAMUser
// identity of the service's account, with the name as userName; without
// one the identity is {"type":"Unknown"} and the operation fails with
// AccessDenied. sourceIPAddress is the client address (the first
// X-Forwarded-For address when TrustIdentityHeader is set), userAgent the
// User-Agent header, requestParameters what the operation reports (path
// values and request fields), responseElements what a write returns, and a
// failed operation carries errorCode and errorMessage. readOnly follows the
// operation name (event.ReadOnlyAPI: Get and List are reads).
type Auditor struct {
	Account     string               // the service's 12-digit account, recipientAccountId
	Region      string               // awsRegion
	EventSource string               // eventSource, e.g. notes.example.com
	Writer      apicall.RecordWriter // a *logfile.Writer or a *logging.Trail
	// Builder fills eventID, eventTime and the other fields a service does
	// not choose; tests inject its clock and ids.
	Builder event.Builder
	// TrustIdentityHeader accepts X-Audit-User and X-Forwarded-For.
	TrustIdentityHeader bool
	// OnError receives errors writing records (a record that cannot be
	// routed, a failed delivery that the Writer will retry).
	OnError func(error)
}

// Middleware wraps next with the apicall middleware: every operation is
// recorded whatever the client does, and fails with 500 when its record
// cannot be written. Requests that no operation claims (the mux's 404s) are
// not API calls and are not recorded.
func (a *Auditor) Middleware(next http.Handler) http.Handler {
	rc := &apicall.Recorder{Account: a.Account, Region: a.Region, EventSource: a.EventSource, Writer: a.Writer,
		Builder: a.Builder, Identify: a.identify, SourceIP: a.sourceIP, OnError: a.OnError}
	return rc.Handler(next)
}

// identify returns the caller's identity (see Auditor).
func (a *Auditor) identify(r *http.Request) *event.UserIdentity {
	name := ""
	if r.TLS != nil && len(r.TLS.VerifiedChains) > 0 {
		name = r.TLS.VerifiedChains[0][0].Subject.CommonName
	} else if a.TrustIdentityHeader {
		name = r.Header.Get("X-Audit-User")
	}
	if name == "" {
		return &event.UserIdentity{Type: event.IdentityUnknown}
	}
	return &event.UserIdentity{
		Type:        event.IdentityIAMUser,
		PrincipalID: name,
		ARN:         "arn:aws:iam::" + a.Account + ":user/" + name,
		AccountID:   a.Account,
		UserName:    name,
	}
}

func (a *Auditor) sourceIP(r *http.Request) string {
	if a.TrustIdentityHeader {
		if f := r.Header.Get("X-Forwarded-For"); f != "" {
			first, _, _ := strings.Cut(f, ",")
			return strings.TrimSpace(first)
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// apiError is an operation's failure: the HTTP status and the errorCode
// and errorMessage the record carries.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

// result is what an operation returns: the response body and, for writes,
// the responseElements of its record.
type result struct {
	Body             any
	ResponseElements any
	Resources        []event.Resource
}

// operation is an API operation. params are its requestParameters.
type operation func(r *http.Request, user string, params map[string]any) (*result, error)

// Operation returns the handler of the API operation name: it checks that
// the caller is known, runs op and reports the outcome to the audit
// middleware, which must wrap it.
func Operation(name string, op operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := apicall.Of(r)
		if c == nil {
			c = &apicall.Call{Identity: &event.UserIdentity{Type: event.IdentityUnknown}}
		}
		c.EventName = name
		w.Header().Set("X-Request-Id", newRequestID())
		params := map[string]any{}
		var res *result
		var err error
		if c.Identity.Type == event.IdentityUnknown {
			err = &apiError{http.StatusForbidden, "AccessDenied", "No identity: present a client certificate"}
		} else {
			res, err = op(r, c.Identity.UserName, params)
		}
		if len(params) > 0 {
			c.RequestParameters, _ = json.Marshal(params)
		}
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				ae = &apiError{http.StatusInternalServerError, "InternalFailure", "internal error"}
			}
			c.ErrorCode, c.ErrorMessage = ae.Code, ae.Message
			writeJSON(w, ae.Status, map[string]string{"code": ae.Code, "message": ae.Message})
			return
		}
		if res.ResponseElements != nil {
			c.ResponseElements, _ = json.Marshal(res.ResponseElements)
		}
		c.Resources = res.Resources
		writeJSON(w, http.StatusOK, res.Body)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// newRequestID returns a random version 4 UUID as the request id.
var newRequestID = func() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
