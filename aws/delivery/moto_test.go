package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trailkit/trailkit/internal/testenv"
)

// The tests share one moto_server (it serves CloudWatch Logs, EventBridge,
// SNS and SQS on one port), started on first use on a free loopback port
// and killed by TestMain. Each test uses resources with names of its own.

var moto struct {
	once sync.Once
	url  string
	cmd  *exec.Cmd
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if moto.cmd != nil {
		_ = moto.cmd.Process.Kill()
		_ = moto.cmd.Wait()
	}
	os.Exit(code)
}

func motoURL(t testing.TB) string {
	t.Helper()
	path := testenv.Tool(t, "moto_server")
	moto.once.Do(func() { moto.url, moto.cmd, moto.err = startMoto(path) })
	if moto.err != nil {
		t.Fatalf("starting moto_server: %v", moto.err)
	}
	return moto.url
}

func startMoto(path string) (string, *exec.Cmd, error) {
	var errs []error
	for range 3 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", nil, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		cmd := exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
		if err := cmd.Start(); err != nil {
			return "", nil, err
		}
		url := fmt.Sprintf("http://127.0.0.1:%d", port)
		client := &http.Client{Timeout: time.Second}
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if resp, err := client.Get(url + "/"); err == nil {
				resp.Body.Close()
				return url, cmd, nil
			}
		}
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		errs = append(errs, fmt.Errorf("port %d: no answer", port))
	}
	return "", nil, errors.Join(errs...)
}

func awsConfig(url string) aws.Config {
	return aws.Config{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""),
		BaseEndpoint: aws.String(url),
	}
}

type clients struct {
	logs   *cloudwatchlogs.Client
	events *eventbridge.Client
	sns    *sns.Client
	sqs    *sqs.Client
}

func newClients(t testing.TB) clients {
	cfg := awsConfig(motoURL(t))
	return clients{cloudwatchlogs.NewFromConfig(cfg), eventbridge.NewFromConfig(cfg), sns.NewFromConfig(cfg), sqs.NewFromConfig(cfg)}
}

var seq struct {
	sync.Mutex
	n int
}

// name returns a resource name unique in this process.
func name(prefix string) string {
	seq.Lock()
	defer seq.Unlock()
	seq.n++
	return fmt.Sprintf("%s-%d-%d", prefix, os.Getpid(), seq.n)
}

func ctx(t testing.TB) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	t.Cleanup(cancel)
	return c
}
