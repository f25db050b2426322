package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

const (
	account = "111122223333"
	region  = "eu-west-1"
	bucket  = "audit-bucket"
)

// harness is the service wired to a MemStore with a simulated clock.
type harness struct {
	mu     sync.Mutex
	now    time.Time
	store  logfile.Store
	writer *logfile.Writer
	chain  *digest.Chain
	signer *rsa.PrivateKey
	start  time.Time
	errs   []error
}

func (h *harness) clock() time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.now
}

func (h *harness) advance(d time.Duration) {
	h.mu.Lock()
	h.now = h.now.Add(d)
	h.mu.Unlock()
}

func newHarness(t *testing.T, trustHeader bool) (*harness, *Auditor, http.Handler) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer := key
	h := &harness{now: time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC), store: logfile.NewMemStore(), signer: signer}
	h.start = h.now
	h.writer, err = logfile.NewWriter(h.store, logfile.WriterOptions{ManualTick: true, Location: logfile.Location{Bucket: bucket}, Now: h.clock})
	if err != nil {
		t.Fatal(err)
	}
	h.chain, err = digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket}, Account: account, Region: region, Trail: "auditlog", HomeRegion: region},
		Signer:      signer,
		Store:       h.store,
		Now:         h.clock,
	})
	if err != nil {
		t.Fatal(err)
	}
	h.writer.Subscribe(h.chain.Add)
	var n int
	var idMu sync.Mutex
	a := &Auditor{Account: account, Region: region, EventSource: "notes.example.com", Writer: h.writer,
		TrustIdentityHeader: trustHeader,
		Builder: event.Builder{Now: h.clock, NewID: func() string {
			idMu.Lock()
			defer idMu.Unlock()
			n++
			return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
		}},
		OnError: func(err error) { h.mu.Lock(); h.errs = append(h.errs, err); h.mu.Unlock() },
	}
	return h, a, newNotes(account, region).handler(a)
}

// finish delivers everything, writes the digests and returns the records
// stored, in delivery order.
func (h *harness) finish(t *testing.T) []*event.Record {
	t.Helper()
	ctx := context.Background()
	h.advance(5 * time.Minute)
	if err := h.writer.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	h.advance(time.Hour)
	if err := h.chain.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.writer.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if err := h.chain.Close(ctx); err != nil {
		t.Fatal(err)
	}
	if len(h.errs) > 0 {
		t.Fatalf("audit errors: %v", h.errs)
	}
	var recs []*event.Record
	prefix := logfile.Location{}.Dir(account, logfile.KindLog, region)
	for key, err := range h.store.List(ctx, bucket, prefix, "") {
		if err != nil {
			t.Fatal(err)
		}
		o, err := h.store.Get(ctx, bucket, key)
		if err != nil {
			t.Fatal(err)
		}
		for r, err := range logfile.ReadRecords(bytes.NewReader(o.Body), logfile.ReadOptions{}) {
			if err != nil {
				t.Fatalf("%s: %v", key, err)
			}
			recs = append(recs, r)
		}
	}
	return recs
}

// validateChain runs digest.Validate over the store and requires every
// digest and log file valid, with no strict finding.
func (h *harness) validateChain(t *testing.T, wantLogs int) {
	t.Helper()
	var ring digest.KeyRing
	ring.Add(publicKey(t, h.signer))
	rep, err := digest.Validate(context.Background(), h.store, digest.ValidateOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: bucket}},
		TrailARN:    "arn:aws:cloudtrail:" + region + ":" + account + ":trail/auditlog",
		Start:       h.start,
		End:         h.clock(),
		Keys:        &ring,
	})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Strict() {
		var out, errs bytes.Buffer
		awscli.WriteText(&out, &errs, rep, awscli.Options{Verbose: true, Strict: true})
		t.Fatalf("chain does not validate:\n%s\n%s", out.String(), errs.String())
	}
	if len(rep.Digests) < 2 || len(rep.LogFiles) != wantLogs {
		t.Fatalf("validated %d digests and %d log files, want >= 2 and %d", len(rep.Digests), len(rep.LogFiles), wantLogs)
	}
}

// clientCert returns a CA pool and a client certificate for user.
func clientCert(t *testing.T, users ...string) (*x509.CertPool, map[string]tls.Certificate) {
	t.Helper()
	caKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	caTmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "audit test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		KeyUsage: x509.KeyUsageCertSign, BasicConstraintsValid: true}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	pool := x509.NewCertPool()
	pool.AddCert(ca)
	certs := map[string]tls.Certificate{}
	for i, u := range users {
		k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(int64(i + 2)), Subject: pkix.Name{CommonName: u},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &k.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		certs[u] = tls.Certificate{Certificate: [][]byte{der}, PrivateKey: k}
	}
	return pool, certs
}

type request struct {
	client           *http.Client
	method, path     string
	body             string
	wantStatus       int
	audited          bool
	name, code, user string
	readOnly         bool
}

func do(t *testing.T, base string, rq request) {
	t.Helper()
	var body io.Reader
	if rq.body != "" {
		body = strings.NewReader(rq.body)
	}
	req, _ := http.NewRequest(rq.method, base+rq.path, body)
	req.Header.Set("User-Agent", "notes-cli/1.2 test")
	resp, err := rq.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != rq.wantStatus {
		t.Fatalf("%s %s: status %d, want %d", rq.method, rq.path, resp.StatusCode, rq.wantStatus)
	}
}

// TestAuditMTLS drives the API over mTLS and checks every record and the
// digest chain.
func TestAuditMTLS(t *testing.T) {
	h, _, handler := newHarness(t, false)
	pool, certs := clientCert(t, "alice", "bob")
	srv := httptest.NewUnstartedServer(handler)
	srv.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	srv.StartTLS()
	defer srv.Close()
	client := func(user string) *http.Client {
		c := srv.Client()
		tr := c.Transport.(*http.Transport).Clone()
		if user != "" {
			tr.TLSClientConfig.Certificates = []tls.Certificate{certs[user]}
		}
		return &http.Client{Transport: tr}
	}
	alice, bob, anon := client("alice"), client("bob"), client("")
	reqs := []request{
		{alice, "PUT", "/v1/notes/n1", `{"text":"hello"}`, 200, true, "PutNote", "", "alice", false},
		{alice, "GET", "/v1/notes/n1", "", 200, true, "GetNote", "", "alice", true},
		{alice, "GET", "/v1/notes", "", 200, true, "ListNotes", "", "alice", true},
		{bob, "GET", "/v1/notes/n1", "", 403, true, "GetNote", "AccessDenied", "bob", true},
		{alice, "GET", "/v1/notes/missing", "", 404, true, "GetNote", "NoSuchNote", "alice", true},
		{alice, "PUT", "/v1/notes/n2", `{"txt":1}`, 400, true, "PutNote", "ValidationException", "alice", false},
		{anon, "GET", "/v1/notes", "", 403, true, "ListNotes", "AccessDenied", "", true},
		{alice, "GET", "/not-an-api", "", 404, false, "", "", "", false},
		{alice, "DELETE", "/v1/notes/n1", "", 200, true, "DeleteNote", "", "alice", false},
	}
	var want []request
	for _, rq := range reqs {
		do(t, srv.URL, rq)
		h.advance(10 * time.Second)
		if rq.audited {
			want = append(want, rq)
		}
	}
	recs := h.finish(t)
	if len(recs) != len(want) {
		t.Fatalf("%d records, want %d", len(recs), len(want))
	}
	for i, r := range recs {
		w := want[i]
		if err := event.Validate(r); err != nil {
			t.Errorf("record %d: %v", i, err)
		}
		if r.EventName != w.name || r.ErrorCode != w.code {
			t.Errorf("record %d: %s/%q, want %s/%q", i, r.EventName, r.ErrorCode, w.name, w.code)
		}
		if (r.ErrorCode == "") != (r.ErrorMessage == "") {
			t.Errorf("record %d: errorCode %q with errorMessage %q", i, r.ErrorCode, r.ErrorMessage)
		}
		if r.UserIdentity.UserName != w.user {
			t.Errorf("record %d: user %q, want %q", i, r.UserIdentity.UserName, w.user)
		}
		if w.user == "" && r.UserIdentity.Type != event.IdentityUnknown {
			t.Errorf("record %d: anonymous caller has identity type %q", i, r.UserIdentity.Type)
		}
		if r.ReadOnly == nil || *r.ReadOnly != w.readOnly {
			t.Errorf("record %d (%s): readOnly %v, want %v", i, r.EventName, r.ReadOnly, w.readOnly)
		}
		if r.SourceIPAddress != "127.0.0.1" || r.UserAgent != "notes-cli/1.2 test" {
			t.Errorf("record %d: source %q agent %q", i, r.SourceIPAddress, r.UserAgent)
		}
		if r.TLSDetails == nil || r.TLSDetails.TLSVersion != "TLSv1.3" || !strings.HasPrefix(r.TLSDetails.ClientProvidedHostHeader, "127.0.0.1:") {
			t.Errorf("record %d: tlsDetails %+v", i, r.TLSDetails)
		}
		if r.RequestID == "" || r.RecipientAccountID != account || r.AWSRegion != region || r.EventSource != "notes.example.com" {
			t.Errorf("record %d: requestID %q account %q region %q source %q", i, r.RequestID, r.RecipientAccountID, r.AWSRegion, r.EventSource)
		}
		if !r.EventTime.Equal(h.start.Add(time.Duration(i) * 10 * time.Second)) {
			// The /not-an-api request is not audited but still took 10s.
			if i < 7 || !r.EventTime.Equal(h.start.Add(time.Duration(i+1)*10*time.Second)) {
				t.Errorf("record %d: eventTime %s", i, r.EventTime)
			}
		}
	}
	// Request parameters and response elements.
	var p map[string]any
	json.Unmarshal(recs[0].RequestParameters, &p)
	if p["noteId"] != "n1" || p["textLength"] != 5.0 {
		t.Errorf("PutNote requestParameters %s", recs[0].RequestParameters)
	}
	if string(recs[0].ResponseElements) != `{"noteId":"n1","version":1}` {
		t.Errorf("PutNote responseElements %s", recs[0].ResponseElements)
	}
	if string(recs[1].ResponseElements) != "null" {
		t.Errorf("GetNote responseElements %s, want null", recs[1].ResponseElements)
	}
	if len(recs[1].Resources) != 1 || recs[1].Resources[0].ARN != "arn:aws:notes:eu-west-1:111122223333:note/n1" {
		t.Errorf("GetNote resources %+v", recs[1].Resources)
	}
	h.validateChain(t, 1)
}

// TestAuditHeaderConcurrent serves many concurrent callers identified by
// the trusted header and requires one record per request, none lost, and a
// valid chain over several deliveries.
func TestAuditHeaderConcurrent(t *testing.T) {
	h, _, handler := newHarness(t, true)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	const users, each = 8, 25
	var wg sync.WaitGroup
	for u := range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				req, _ := http.NewRequest("PUT", fmt.Sprintf("%s/v1/notes/u%d-%d", srv.URL, u, i), strings.NewReader(`{"text":"x"}`))
				req.Header.Set("X-Audit-User", fmt.Sprintf("user%d", u))
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("203.0.113.%d, 10.0.0.1", u+1))
				resp, err := srv.Client().Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	// Deliveries while requests run: the clock moves and the writer and
	// chain are flushed and ticked concurrently with Write.
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 6 {
			time.Sleep(5 * time.Millisecond)
			h.advance(20 * time.Minute)
			if err := h.writer.Flush(context.Background()); err != nil {
				t.Error(err)
			}
			if err := h.chain.Tick(context.Background()); err != nil {
				t.Error(err)
			}
		}
	}()
	wg.Wait()
	<-done
	recs := h.finish(t)
	if len(recs) != users*each {
		t.Fatalf("%d records, want %d", len(recs), users*each)
	}
	seen := map[string]bool{}
	perUser := map[string]int{}
	for _, r := range recs {
		if seen[r.EventID] {
			t.Fatalf("duplicate eventID %s", r.EventID)
		}
		seen[r.EventID] = true
		perUser[r.UserIdentity.UserName]++
		u := strings.TrimPrefix(r.UserIdentity.UserName, "user")
		if r.SourceIPAddress != "203.0.113."+fmt.Sprint(atoi(u)+1) {
			t.Errorf("user %s: source %s", r.UserIdentity.UserName, r.SourceIPAddress)
		}
		if r.TLSDetails != nil {
			t.Errorf("plain HTTP request has tlsDetails")
		}
	}
	for u := range users {
		if perUser[fmt.Sprintf("user%d", u)] != each {
			t.Errorf("user%d: %d records, want %d", u, perUser[fmt.Sprintf("user%d", u)], each)
		}
	}
	// Count the log files to compare with what the chain lists.
	n := 0
	for _, err := range h.store.List(context.Background(), bucket, logfile.Location{}.Dir(account, logfile.KindLog, region), "") {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	h.validateChain(t, n)
}

// TestAuditHeaderIgnoredUnlessTrusted: without TrustIdentityHeader the
// header does not identify anyone.
func TestAuditHeaderIgnoredUnlessTrusted(t *testing.T) {
	h, _, handler := newHarness(t, false)
	srv := httptest.NewServer(handler)
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/v1/notes", nil)
	req.Header.Set("X-Audit-User", "mallory")
	req.Header.Set("X-Forwarded-For", "198.51.100.9")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
	recs := h.finish(t)
	if len(recs) != 1 || recs[0].UserIdentity.Type != event.IdentityUnknown || recs[0].ErrorCode != "AccessDenied" || recs[0].SourceIPAddress != "127.0.0.1" {
		t.Fatalf("records %+v", recs)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscan(s, &n)
	return n
}

// publicKey returns k's public half as the digests name it.
func publicKey(t *testing.T, k *rsa.PrivateKey) *digest.PublicKey {
	t.Helper()
	pk, err := digest.ParsePublicKey(x509.MarshalPKCS1PublicKey(&k.PublicKey))
	if err != nil {
		t.Fatal(err)
	}
	return pk
}
