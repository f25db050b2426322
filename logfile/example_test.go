package logfile_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

func ExampleKey() {
	k := logfile.Key{
		Kind:    logfile.KindLog,
		Account: "444455556666",
		Region:  "eu-west-1",
		Time:    time.Date(2024, 3, 5, 9, 25, 0, 0, time.UTC),
		Unique:  "Q3xv9LmA0bTz7KpE",
	}
	fmt.Println(k)
	p, err := logfile.ParseKey(k.String())
	fmt.Println(p == k, err)
	// Output:
	// AWSLogs/444455556666/CloudTrail/eu-west-1/2024/03/05/444455556666_CloudTrail_eu-west-1_20240305T0925Z_Q3xv9LmA0bTz7KpE.json.gz
	// true <nil>
}

func ExampleDigestChain() {
	c := logfile.DigestChain{Account: "123456789012", Region: "ap-northeast-1", Trail: "my_trail", HomeRegion: "us-west-2"}
	key := c.Key(time.Date(2023, 10, 15, 23, 4, 4, 0, time.UTC), false).String()
	fmt.Println(c.ListPrefix())
	fmt.Println(key)
	k, _ := c.Parse(key)
	fmt.Println(c.Match(key), k.Trail, k.HomeRegion)
	// Output:
	// AWSLogs/123456789012/CloudTrail-Digest/ap-northeast-1/
	// AWSLogs/123456789012/CloudTrail-Digest/ap-northeast-1/2023/10/15/123456789012_CloudTrail-Digest_ap-northeast-1_my_trail_us-west-2_20231015T230404Z.json.gz
	// true my_trail us-west-2
}

func ExampleWriter() {
	ctx := context.Background()
	store := logfile.NewMemStore()
	now := time.Date(2024, 3, 5, 9, 25, 41, 0, time.UTC)
	w, err := logfile.NewWriter(store, logfile.WriterOptions{ManualTick: true,
		Location: logfile.Location{Bucket: "my-trail-bucket"},
		Now:      func() time.Time { return now },              // simulated time: call Tick to age batches
		Rand:     bytes.NewReader(bytes.Repeat([]byte{7}, 64)), // fixed unique strings, for a stable example
	})
	if err != nil {
		panic(err)
	}
	w.Subscribe(func(d logfile.Delivery) {
		fmt.Printf("%s: %d records, %d bytes of JSON\n", d.Key, d.Records, d.UncompressedSize)
	})
	for i := range 3 {
		r := event.Record{EventVersion: "1.09", EventTime: now.Add(-time.Duration(i) * time.Minute),
			EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "us-east-1",
			EventID: fmt.Sprintf("event-%d", i), RecipientAccountID: "111122223333"}
		if err := w.Write(ctx, &r); err != nil {
			panic(err)
		}
	}
	if err := w.Close(ctx); err != nil {
		panic(err)
	}
	// Output:
	// AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0925Z_HHHHHHHHHHHHHHHH.json.gz: 3 records, 607 bytes of JSON
}

func ExampleReadRecords() {
	file := `{"Records":[
		{"eventVersion":"1.09","eventTime":"2024-03-05T09:16:03Z","eventName":"GetObject","eventID":"a"},
		{"eventVersion":"1.09","eventTime":"2024-03-05T09:16:04Z","eventName":"PutObject","eventID":"b"}]}`
	for r, err := range logfile.ReadRecords(strings.NewReader(file), logfile.ReadOptions{}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(r.EventTime.Format(time.TimeOnly), r.EventName)
	}
	for _, err := range logfile.ReadRecords(strings.NewReader(`{"awsAccountId":"111122223333"}`), logfile.ReadOptions{}) {
		fmt.Println(err, errors.Is(err, logfile.ErrDigestFile))
	}
	// Output:
	// 09:16:03 GetObject
	// 09:16:04 PutObject
	// logfile: read at offset 15: a digest file, not a log file: first member "awsAccountId" true
}

func ExampleFileWriter() {
	var file bytes.Buffer // an *os.File, an HTTP body, an S3 upload …
	fw, err := logfile.NewFileWriter(&file, 0)
	if err != nil {
		panic(err)
	}
	t0 := time.Date(2024, 3, 5, 9, 25, 0, 0, time.UTC)
	for i := range 3 {
		r := event.Record{EventVersion: "1.09", EventTime: t0.Add(time.Duration(-i) * time.Minute),
			EventSource: "s3.amazonaws.com", EventName: "ListBuckets", AWSRegion: "us-east-1",
			EventID: fmt.Sprintf("event-%d", i), RecipientAccountID: "111122223333"}
		if err := fw.WriteRecord(&r); err != nil {
			panic(err)
		}
	}
	sum, err := fw.Close()
	if err != nil {
		panic(err)
	}
	fmt.Println(sum.Records, "records from", sum.OldestEventTime.Format(time.TimeOnly), "to", sum.NewestEventTime.Format(time.TimeOnly))

	// The file is one gzip member of {"Records":[…]}; SHA256 covers its
	// uncompressed bytes, as a digest lists it.
	zr, _ := gzip.NewReader(bytes.NewReader(file.Bytes()))
	raw, _ := io.ReadAll(zr)
	fmt.Println(string(raw[:12]), sha256.Sum256(raw) == sum.SHA256, int64(len(raw)) == sum.UncompressedSize)
	// Output:
	// 3 records from 09:23:00 to 09:25:00
	// {"Records":[ true true
}
