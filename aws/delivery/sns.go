package delivery

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// SNSAPI is the part of the SNS client Notices uses; *sns.Client implements
// it.
type SNSAPI interface {
	Publish(context.Context, *sns.PublishInput, ...func(*sns.Options)) (*sns.PublishOutput, error)
}

// Notices publishes CloudTrail's log file delivery notices to an SNS topic.
// Its methods may be called concurrently.
type Notices struct {
	Client   SNSAPI
	TopicARN string
	Retry    Retry
}

// Notice is the message CloudTrail publishes for a delivered log file.
type Notice struct {
	S3Bucket    string   `json:"s3Bucket"`
	S3ObjectKey []string `json:"s3ObjectKey"`
}

// Notify publishes one notice per key, in order, and stops at the first
// notice that cannot be published after the retries; the error names it,
// and the notices before it were published.
func (n *Notices) Notify(ctx context.Context, bucket string, keys ...string) error {
	for _, k := range keys {
		msg, err := json.Marshal(Notice{S3Bucket: bucket, S3ObjectKey: []string{k}})
		if err != nil {
			return err
		}
		err = n.Retry.do(ctx, func() error {
			_, err := n.Client.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(n.TopicARN), Message: aws.String(string(msg))})
			return err
		})
		if err != nil {
			return fmt.Errorf("delivery: notice for s3://%s/%s not published: %w", bucket, k, err)
		}
	}
	return nil
}
