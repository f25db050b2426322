// Command auditlog is a small HTTP service, a notes API, that keeps a
// CloudTrail-format audit trail of its own API: every request to an
// operation becomes one record (event.Builder.APICall) written by a
// logfile.Writer into a bucket in a local directory (logfile.NewDirStore), and
// a digest.Chain signs an hourly digest of the delivered log files, so that
// `trailkit validate` (or aws-cli's validate-logs, after an `aws s3 sync`)
// can prove the audit trail complete and unmodified.
//
// The API (JSON):
//
//	GET    /v1/notes          ListNotes   the caller's notes
//	GET    /v1/notes/{id}     GetNote
//	PUT    /v1/notes/{id}     PutNote     body {"text": "..."}
//	DELETE /v1/notes/{id}     DeleteNote
//
// Callers identify themselves with a TLS client certificate (-client-ca
// enables mTLS; the certificate's common name is the user) or, behind an
// authenticating proxy, with the X-Audit-User header (-trust-header). See
// Auditor for what each record holds.
//
// Usage:
//
//	go run ./examples/auditlog -dir ./auditlog-data [-addr :8080] [-tls-cert F -tls-key F -client-ca F] [-trust-header]
//
// The chain resumes after a restart from the newest digest in the bucket;
// on SIGINT or SIGTERM the service delivers what it holds and writes a
// final digest.
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
	"github.com/trailkit/trailkit/logging"
)

// notes is the service's state.
type notes struct {
	account, region string
	mu              sync.Mutex
	m               map[string]*note
}

type note struct {
	Owner   string `json:"owner"`
	Text    string `json:"text"`
	Version int    `json:"version"`
}

func newNotes(account, region string) *notes {
	return &notes{account: account, region: region, m: map[string]*note{}}
}

// handler returns the API, with every operation behind the audit
// middleware.
func (s *notes) handler(a *Auditor) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /v1/notes", Operation("ListNotes", s.list))
	mux.Handle("GET /v1/notes/{id}", Operation("GetNote", s.get))
	mux.Handle("PUT /v1/notes/{id}", Operation("PutNote", s.put))
	mux.Handle("DELETE /v1/notes/{id}", Operation("DeleteNote", s.delete))
	return a.Middleware(mux)
}

func (s *notes) resource(id string) []event.Resource {
	return []event.Resource{{AccountID: s.account, Type: "Example::Notes::Note",
		ARN: "arn:aws:notes:" + s.region + ":" + s.account + ":note/" + id}}
}

const maxText = 4096

func noteID(r *http.Request, params map[string]any) (string, error) {
	id := r.PathValue("id")
	params["noteId"] = id
	if id == "" || len(id) > 64 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") != "" {
		return "", &apiError{http.StatusBadRequest, "ValidationException", "noteId must be 1 to 64 letters, digits, - or _"}
	}
	return id, nil
}

func (s *notes) list(r *http.Request, user string, params map[string]any) (*result, error) {
	prefix := r.URL.Query().Get("prefix")
	if prefix != "" {
		params["prefix"] = prefix
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := []string{}
	for id, n := range s.m {
		if n.Owner == user && strings.HasPrefix(id, prefix) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return &result{Body: map[string]any{"noteIds": ids}}, nil
}

// owned returns note id if it exists and user owns it, else the API error
// (NoSuchNote or AccessDenied, naming verb). s.mu must be held.
func (s *notes) owned(id, user, verb string) (*note, error) {
	n := s.m[id]
	switch {
	case n == nil:
		return nil, &apiError{http.StatusNotFound, "NoSuchNote", "The note " + id + " does not exist"}
	case n.Owner != user:
		return nil, &apiError{http.StatusForbidden, "AccessDenied", "User " + user + " is not authorized to " + verb + " note " + id}
	}
	return n, nil
}

func (s *notes) get(r *http.Request, user string, params map[string]any) (*result, error) {
	id, err := noteID(r, params)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n, err := s.owned(id, user, "read")
	if err != nil {
		return nil, err
	}
	return &result{Body: n, Resources: s.resource(id)}, nil
}

func (s *notes) put(r *http.Request, user string, params map[string]any) (*result, error) {
	id, err := noteID(r, params)
	if err != nil {
		return nil, err
	}
	var body struct {
		Text *string `json:"text"`
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, 2*maxText+1024))
	if err := dec.Decode(&body); err != nil || body.Text == nil {
		return nil, &apiError{http.StatusBadRequest, "ValidationException", `the body must be {"text": "..."}`}
	}
	params["textLength"] = len(*body.Text)
	if len(*body.Text) > maxText {
		return nil, &apiError{http.StatusBadRequest, "ValidationException", fmt.Sprintf("text is longer than %d bytes", maxText)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := s.m[id]
	if n != nil && n.Owner != user {
		return nil, &apiError{http.StatusForbidden, "AccessDenied", "User " + user + " is not authorized to write note " + id}
	}
	if n == nil {
		n = &note{Owner: user}
		s.m[id] = n
	}
	n.Text = *body.Text
	n.Version++
	out := map[string]any{"noteId": id, "version": n.Version}
	return &result{Body: out, ResponseElements: out, Resources: s.resource(id)}, nil
}

func (s *notes) delete(r *http.Request, user string, params map[string]any) (*result, error) {
	id, err := noteID(r, params)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.owned(id, user, "delete"); err != nil {
		return nil, err
	}
	delete(s.m, id)
	return &result{Body: map[string]any{}, Resources: s.resource(id)}, nil
}

func main() {
	addr := flag.String("addr", "localhost:8080", "listen `address`")
	dir := flag.String("dir", "./auditlog-data", "`directory` holding the audit bucket")
	bucket := flag.String("bucket", "auditlog-bucket", "audit bucket `name`")
	account := flag.String("account", "111122223333", "the service's 12-digit `account`")
	region := flag.String("region", "us-east-1", "the service's `Region`")
	trailName := flag.String("trail", "auditlog", "trail `name` in digest keys")
	keyPath := flag.String("signing-key", "", "RSA private key `file` (PEM) signing the digests; default DIR/signing-key.pem, generated when absent")
	certFile := flag.String("tls-cert", "", "server certificate `file` (PEM); serves HTTPS")
	keyFile := flag.String("tls-key", "", "server key `file` (PEM)")
	clientCA := flag.String("client-ca", "", "CA `file` (PEM) verifying client certificates (mTLS)")
	trustHeader := flag.Bool("trust-header", false, "take the user from X-Audit-User and the client address from X-Forwarded-For")
	flag.Parse()
	if err := serve(*addr, *dir, *bucket, *account, *region, *trailName, *keyPath, *certFile, *keyFile, *clientCA, *trustHeader); err != nil {
		log.Fatal(err)
	}
}

func serve(addr, dir, bucket, account, region, trailName, keyPath, certFile, keyFile, clientCA string, trustHeader bool) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if keyPath == "" {
		keyPath = filepath.Join(dir, "signing-key.pem")
	}
	signer, err := loadSigner(keyPath)
	if err != nil {
		return err
	}
	store, err := logfile.NewDirStore(dir, logfile.DirStoreOptions{})
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// One call: spool (every record fsynced before its call is answered),
	// writer, digest chain, recovery after a crash, background ticks.
	tr, err := logging.Start(ctx, logging.Options{
		Store: store,
		DigestChain: logfile.DigestChain{
			Location: logfile.Location{Bucket: bucket}, Account: account, Region: region, Trail: trailName,
		},
		Signer: signer, SpoolDir: filepath.Join(dir, ".spool"), Sync: logfile.SyncAlways,
		OnError: func(err error) { log.Print(err) },
	})
	if err != nil {
		return err
	}
	a := &Auditor{Account: account, Region: region, EventSource: "notes.example.com", Writer: tr,
		TrustIdentityHeader: trustHeader, OnError: func(err error) { log.Print(err) }}
	srv := &http.Server{Addr: addr, Handler: newNotes(account, region).handler(a), ReadHeaderTimeout: 10 * time.Second}
	if clientCA != "" {
		pemBytes, err := os.ReadFile(clientCA)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pemBytes) {
			return fmt.Errorf("%s: no certificate", clientCA)
		}
		srv.TLSConfig = &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	}
	errc := make(chan error, 1)
	go func() {
		if certFile != "" {
			errc <- srv.ListenAndServeTLS(certFile, keyFile)
		} else {
			errc <- srv.ListenAndServe()
		}
	}()
	log.Printf("auditlog: serving on %s, audit trail in %s", addr, filepath.Join(dir, bucket))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	srv.Shutdown(shutdown)
	// Deliver what is held, then the final digest.
	return tr.Stop(shutdown)
}

// loadSigner reads a PEM RSA private key, generating and saving one when
// the file does not exist.
func loadSigner(path string) (*rsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, err
		}
		b := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "RSA PRIVATE KEY" {
		return nil, fmt.Errorf("%s: want a PEM RSA PRIVATE KEY", path)
	}
	key, err := x509.ParsePKCS1PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return key, nil
}
