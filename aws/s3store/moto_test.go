package s3store_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailkit/trailkit/aws/s3store"
)

// The tests share one moto_server, started on first use on a free loopback
// port and killed by TestMain. moto keeps its state in memory, so each test
// works in buckets of its own.

var moto struct {
	once sync.Once
	url  string
	proc *child
	err  error
}

// child is a started process whose Wait runs in its own goroutine.
type child struct {
	cmd    *exec.Cmd
	exited chan struct{}
}

func startChild(cmd *exec.Cmd) (*child, error) {
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{cmd: cmd, exited: make(chan struct{})}
	go func() { cmd.Wait(); close(c.exited) }()
	return c, nil
}

// stop kills the child (and its process group) and waits for it to exit.
func (c *child) stop() {
	killProcess(c.cmd)
	<-c.exited
}

func TestMain(m *testing.M) {
	if role := os.Getenv(fleetRoleEnv); role != "" {
		os.Exit(fleetChild(role))
	}
	code := m.Run()
	if moto.proc != nil {
		moto.proc.stop()
	}
	os.Exit(code)
}

// requireInterop reports whether missing interop tools must fail the tests
// rather than skip them (CI sets TRAILKIT_REQUIRE_INTEROP=1).
func requireInterop() bool { return os.Getenv("TRAILKIT_REQUIRE_INTEROP") == "1" }

// needTool skips or fails tb when the named program is not on PATH.
func needTool(tb testing.TB, name string) string {
	tb.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if requireInterop() {
			tb.Fatalf("%s not found on PATH and TRAILKIT_REQUIRE_INTEROP=1: %v", name, err)
		}
		tb.Skipf("%s not found on PATH (install moto[server] / awscli, or set TRAILKIT_REQUIRE_INTEROP=1 to make this a failure): %v", name, err)
	}
	return path
}

// motoURL returns the base URL of the shared moto_server, starting it on
// first use.
func motoURL(tb testing.TB) string {
	tb.Helper()
	path := needTool(tb, "moto_server")
	moto.once.Do(func() { moto.url, moto.proc, moto.err = startMoto(path) })
	if moto.err != nil {
		tb.Fatalf("starting moto_server: %v", moto.err)
	}
	return moto.url
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// startMoto runs moto_server on a free loopback port and waits until it
// answers. Another process can take the port between freePort and moto's
// bind, so it tries a few ports.
func startMoto(path string) (string, *child, error) {
	var errs []error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return "", nil, err
		}
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		var log lockedBuffer
		cmd.Stdout, cmd.Stderr = &log, &log
		proc, err := startChild(cmd)
		if err != nil {
			return "", nil, err
		}
		if err := waitHTTP(url, proc.exited, 60*time.Second); err != nil {
			proc.stop()
			errs = append(errs, fmt.Errorf("port %d: %w; output:\n%s", port, err, log.String()))
			continue
		}
		return url, proc, nil
	}
	return "", nil, errors.Join(errs...)
}

// waitHTTP polls url until it answers, the process exits or the timeout passes.
func waitHTTP(url string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	client := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("moto_server exited")
		default:
		}
		if resp, err := client.Get(url + "/"); err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("no answer within %v", timeout)
}

// lockedBuffer collects a child's output, written from the exec goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() < 1<<20 {
		b.buf.Write(p)
	}
	return len(p), nil
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// endpoint returns static-credential settings for a server at url.
func endpoint(url string) s3store.Endpoint {
	return s3store.Endpoint{
		URL:             url,
		Region:          "us-east-1",
		PathStyle:       true,
		AccessKeyID:     "AKIAIOSFODNN7EXAMPLE",
		SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
	}
}

func newClient(tb testing.TB, ep s3store.Endpoint) *awss3.Client {
	tb.Helper()
	c, err := s3store.NewClient(context.Background(), ep)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

var bucketSeq atomic.Int64

// newBucket creates a bucket with a fresh name on the server behind client.
func newBucket(tb testing.TB, client *awss3.Client) string {
	tb.Helper()
	name := fmt.Sprintf("trailkit-test-%d-%d", os.Getpid(), bucketSeq.Add(1))
	if _, err := client.CreateBucket(context.Background(), &awss3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		tb.Fatalf("CreateBucket(%s): %v", name, err)
	}
	return name
}

// newStore returns a store on the shared moto_server and a new bucket in it.
func newStore(tb testing.TB, opts s3store.Options) (*s3store.Store, string) {
	tb.Helper()
	client := newClient(tb, endpoint(motoURL(tb)))
	s, err := s3store.New(client, opts)
	if err != nil {
		tb.Fatal(err)
	}
	return s, newBucket(tb, client)
}

// proxyMode is what a faultProxy does with a request.
type proxyMode int32

const (
	proxyUp         proxyMode = iota // forward
	proxyDropBefore                  // close the connection without forwarding: the server is gone
	proxyDropAfter                   // forward, then close without answering: the reply is lost
	proxyBusy                        // answer 503 SlowDown without forwarding
	proxyTruncate                    // forward, then send half the answer's body and hang up
)

// faultProxy is an HTTP proxy in front of moto_server that can be
// switched to failing, after letting a number of PUT requests through.
// moto keeps its state in memory, so stopping moto itself would lose the
// bucket; the proxy simulates an outage instead.
type faultProxy struct {
	url      string
	target   string
	srv      *http.Server
	mu       sync.Mutex
	mode     proxyMode
	putsLeft int // PUTs still forwarded before failMode applies; -1: no limit
	failMode proxyMode
	failures atomic.Int64 // requests failed
	puts     atomic.Int64 // PUT requests that reached moto
}

func newFaultProxy(tb testing.TB, target string) *faultProxy {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	p := &faultProxy{url: "http://" + l.Addr().String(), target: target, putsLeft: -1}
	p.srv = &http.Server{Handler: p}
	go p.srv.Serve(l)
	tb.Cleanup(func() { p.srv.Close() })
	return p
}

// set switches the proxy to mode for every request from now on.
func (p *faultProxy) set(mode proxyMode) {
	p.mu.Lock()
	p.mode, p.putsLeft = mode, -1
	p.mu.Unlock()
}

// failAfterPuts forwards n more PUT requests (and any other request), then
// applies mode to every request.
func (p *faultProxy) failAfterPuts(n int, mode proxyMode) {
	p.mu.Lock()
	p.mode, p.putsLeft, p.failMode = proxyUp, n, mode
	p.mu.Unlock()
}

func (p *faultProxy) current(method string) proxyMode {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.mode == proxyUp && p.putsLeft >= 0 && method == http.MethodPut {
		if p.putsLeft == 0 {
			p.mode, p.putsLeft = p.failMode, -1
		} else {
			p.putsLeft--
		}
	}
	return p.mode
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	mode := p.current(r.Method)
	switch mode {
	case proxyDropBefore:
		p.failures.Add(1)
		io.Copy(io.Discard, r.Body)
		hangUp(w)
		return
	case proxyBusy:
		p.failures.Add(1)
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>`)
		return
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, p.target+r.URL.RequestURI(), r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	out.Header = r.Header.Clone()
	out.Host = r.Host
	out.ContentLength = r.ContentLength
	resp, err := http.DefaultTransport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	if r.Method == http.MethodPut {
		p.puts.Add(1)
	}
	if mode == proxyTruncate {
		p.failures.Add(1)
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		body, _ := io.ReadAll(resp.Body)
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		hangUp(w)
		return
	}
	if mode == proxyDropAfter {
		p.failures.Add(1)
		io.Copy(io.Discard, resp.Body)
		hangUp(w)
		return
	}
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	io.Copy(w, resp.Body)
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(err)
	}
	conn.Close()
}
