package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
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
	Account     string // the service's 12-digit account, recipientAccountId
	Region      string // awsRegion
	EventSource string // eventSource, e.g. notes.example.com
	Writer      *logfile.Writer
	// Builder fills eventID, eventTime and the other fields a service does
	// not choose; tests inject its clock and ids.
	Builder event.Builder
	// TrustIdentityHeader accepts X-Audit-User and X-Forwarded-For.
	TrustIdentityHeader bool
	// OnError receives errors writing records (a record that cannot be
	// routed, a failed delivery that the Writer will retry).
	OnError func(error)
}

// call is the audit state of one request, shared between the middleware and
// the operation that serves it.
type call struct {
	identity  *event.UserIdentity
	name      string          // eventName
	params    json.RawMessage // requestParameters
	response  json.RawMessage // responseElements
	resources []event.Resource
	errCode   string
	errMsg    string
}

type callKey struct{}

// Middleware wraps next. Requests that no operation claims (the mux's 404s)
// are not API calls and are not recorded.
func (a *Auditor) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := &call{identity: a.identify(r)}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), callKey{}, c)))
		if c.name == "" {
			return
		}
		rec := a.Builder.APICall(event.Record{
			UserIdentity:       c.identity,
			EventSource:        a.EventSource,
			EventName:          c.name,
			AWSRegion:          a.Region,
			SourceIPAddress:    a.sourceIP(r),
			UserAgent:          r.UserAgent(),
			ErrorCode:          c.errCode,
			ErrorMessage:       c.errMsg,
			RequestParameters:  c.params,
			ResponseElements:   c.response,
			RequestID:          w.Header().Get("X-Request-Id"),
			Resources:          c.resources,
			RecipientAccountID: a.Account,
			TLSDetails:         tlsDetails(r),
		})
		if err := a.Writer.Write(r.Context(), rec); err != nil && a.OnError != nil {
			a.OnError(err)
		}
	})
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

// tlsDetails describes the connection as CloudTrail's tlsDetails does.
func tlsDetails(r *http.Request) *event.TLSDetails {
	if r.TLS == nil {
		return nil
	}
	v := map[uint16]string{tls.VersionTLS12: "TLSv1.2", tls.VersionTLS13: "TLSv1.3"}[r.TLS.Version]
	if v == "" {
		v = tls.VersionName(r.TLS.Version)
	}
	return &event.TLSDetails{
		TLSVersion:               v,
		CipherSuite:              openSSLName(r.TLS.CipherSuite),
		ClientProvidedHostHeader: r.Host,
	}
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
		c, _ := r.Context().Value(callKey{}).(*call)
		if c == nil {
			c = &call{identity: &event.UserIdentity{Type: event.IdentityUnknown}}
		}
		c.name = name
		w.Header().Set("X-Request-Id", newRequestID())
		params := map[string]any{}
		var res *result
		var err error
		if c.identity.Type == event.IdentityUnknown {
			err = &apiError{http.StatusForbidden, "AccessDenied", "No identity: present a client certificate"}
		} else {
			res, err = op(r, c.identity.UserName, params)
		}
		if len(params) > 0 {
			c.params, _ = json.Marshal(params)
		}
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				ae = &apiError{http.StatusInternalServerError, "InternalFailure", "internal error"}
			}
			c.errCode, c.errMsg = ae.Code, ae.Message
			writeJSON(w, ae.Status, map[string]string{"code": ae.Code, "message": ae.Message})
			return
		}
		if res.ResponseElements != nil {
			c.response, _ = json.Marshal(res.ResponseElements)
		}
		c.resources = res.Resources
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
