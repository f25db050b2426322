package awscli_test

import (
	"context"
	"fmt"
	"os"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/awscli"
	"github.com/trailkit/trailkit/digest/internal/fixture"
)

func ExampleWriteText() {
	store := fixture.NewStore()
	signer, _ := fixture.LoadKey("../testdata/testkey.pem")
	res, _ := fixture.Build(context.Background(), store, fixture.Options{Hours: 2, Regions: []string{"us-east-1"}, Signer: signer})
	store.Delete(res.Bucket, res.Logs["us-east-1"][1])
	keys := &digest.KeyRing{}
	keys.Add(signer.PublicKey())
	rep, _ := digest.Validate(context.Background(), store, res.ValidateOptions("us-east-1", keys))
	code, _ := awscli.WriteText(os.Stdout, os.Stdout, rep, awscli.Options{})
	fmt.Println("exit status", code)
	// Output:
	// Validating log files for trail arn:aws:cloudtrail:us-east-1:111122223333:trail/audit_trail-1.x between 2024-03-05T09:17:42Z and 2024-03-05T11:24:42Z
	//
	// Log file	s3://trailkit-fixture-bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0940Z_kfm6zuNuvplGikiQ.json.gz	INVALID: not found
	//
	// Results requested for 2024-03-05T09:17:42Z to 2024-03-05T11:24:42Z
	// Results found for 2024-03-05T09:17:42Z to 2024-03-05T11:24:42Z:
	//
	// 3/3 digest files valid
	// 7/8 log files valid, 1/8 log files INVALID
	// exit status 1
}
