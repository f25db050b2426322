package delivery_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"

	"github.com/trailkit/trailkit/aws/delivery"
	"github.com/trailkit/trailkit/event"
)

func ExampleStreamName() {
	fmt.Println(delivery.StreamName("", "111122223333", "eu-west-1"))
	fmt.Println(delivery.StreamName("o-a1b2c3d4e5", "111122223333", "eu-west-1"))
	// Output:
	// 111122223333_CloudTrail_eu-west-1
	// o-a1b2c3d4e5_111122223333_CloudTrail_eu-west-1
}

// Deliver records to a trail's log group, and keep what was not delivered
// for another attempt.
func ExampleLogGroup() {
	ctx := context.Background()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		log.Fatal(err)
	}
	g := &delivery.LogGroup{Client: cloudwatchlogs.NewFromConfig(cfg), Name: "aws-cloudtrail-logs-111122223333"}
	var records []*event.Record // from a logfile.Writer's input, a Reader, …
	var de *delivery.DeliveryError
	if err := g.Deliver(ctx, records); errors.As(err, &de) {
		for _, u := range de.Undelivered {
			if !u.Rejected {
				records = append(records[:0], u.Record) // send again later
			}
		}
	}
}
