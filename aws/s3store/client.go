package s3store

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
)

// Endpoint describes how to reach Amazon S3 or an S3-compatible server
// (MinIO, Ceph RGW, moto, …) for NewClient.
type Endpoint struct {
	// URL is the server's base URL, for example "http://127.0.0.1:9000".
	// Empty means Amazon S3's own endpoint for Region.
	URL string
	// Region signs the requests; empty means "us-east-1".
	Region string
	// PathStyle sends requests as URL/bucket/key instead of
	// bucket.host/key. Most S3-compatible servers need it.
	PathStyle bool
	// AccessKeyID, SecretAccessKey and SessionToken are static
	// credentials. When AccessKeyID is empty, NewClient loads the SDK's
	// default configuration (environment, shared files, IMDS, …) instead;
	// when it is set, no file or environment variable is read.
	AccessKeyID, SecretAccessKey, SessionToken string
	// RetryMaxAttempts bounds the SDK's standard retryer; zero keeps the
	// SDK default of 3 attempts.
	RetryMaxAttempts int
	// HTTPClient, if not nil, sends the requests.
	HTTPClient *http.Client
}

// NewClient returns an S3 client for ep, to pass to New. Callers that
// configure the SDK themselves can build the *s3.Client directly instead.
func NewClient(ctx context.Context, ep Endpoint) (*awss3.Client, error) {
	region := ep.Region
	if region == "" {
		region = "us-east-1"
	}
	if ep.URL != "" {
		u, err := url.Parse(ep.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("%w: endpoint URL %q is not an absolute http or https URL", ErrOptions, ep.URL)
		}
	}
	if ep.RetryMaxAttempts < 0 {
		return nil, fmt.Errorf("%w: negative RetryMaxAttempts %d", ErrOptions, ep.RetryMaxAttempts)
	}
	var cfg aws.Config
	if ep.AccessKeyID != "" {
		cfg = aws.Config{
			Region: region,
			Credentials: aws.NewCredentialsCache(
				credentials.NewStaticCredentialsProvider(ep.AccessKeyID, ep.SecretAccessKey, ep.SessionToken)),
		}
	} else {
		var err error
		cfg, err = config.LoadDefaultConfig(ctx, config.WithRegion(region))
		if err != nil {
			return nil, fmt.Errorf("s3: loading AWS configuration: %w", err)
		}
	}
	if ep.HTTPClient != nil {
		cfg.HTTPClient = ep.HTTPClient
	}
	return awss3.NewFromConfig(cfg, func(o *awss3.Options) {
		if ep.URL != "" {
			o.BaseEndpoint = aws.String(ep.URL)
		}
		o.UsePathStyle = ep.PathStyle
		if ep.RetryMaxAttempts > 0 {
			o.RetryMaxAttempts = ep.RetryMaxAttempts
		}
	}), nil
}
