package s3store_test

import (
	"bytes"
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/trailkit/trailkit/aws/s3store"
	"github.com/trailkit/trailkit/logfile"
)

// The benchmarks measure the store against moto_server on loopback, next
// to the same requests made with the SDK directly (the baseline), so the
// store's own cost shows. moto is slow; the figures are for orientation.

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	for _, size := range []int{1 << 10, 256 << 10} {
		body := make([]byte, size)
		for i := range body {
			body[i] = byte(i * 7)
		}
		md := map[string]string{"signature": fmt.Sprintf("%0512x", 1), "signature-algorithm": "SHA256withRSA"}
		b.Run(fmt.Sprintf("store/%dKiB", size>>10), func(b *testing.B) {
			s, bucket := newStore(b, s3store.Options{})
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				if err := s.Put(ctx, logfile.Object{Bucket: bucket, Key: fmt.Sprintf("k/%d", i), Body: body, Metadata: md}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("sdk/%dKiB", size>>10), func(b *testing.B) {
			s, bucket := newStore(b, s3store.Options{})
			client := s.Client()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				_, err := client.PutObject(ctx, &awss3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(fmt.Sprintf("k/%d", i)),
					Body: bytesReader(body), ContentLength: aws.Int64(int64(size)), Metadata: md})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var listFixture struct {
	once   sync.Once
	store  *s3store.Store
	bucket string
}

const listKeys = 2000

// BenchmarkList lists a bucket of 2,000 keys (two pages) per iteration.
func BenchmarkList(b *testing.B) {
	ctx := context.Background()
	listFixture.once.Do(func() {
		s, bucket := newStore(b, s3store.Options{})
		keys := make(chan string)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range keys {
					if err := s.Put(ctx, logfile.Object{Bucket: bucket, Key: k}); err != nil {
						panic(err)
					}
				}
			}()
		}
		for i := range listKeys {
			keys <- fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/05/111122223333_CloudTrail_us-east-1_20240305T0925Z_%016d.json.gz", i)
		}
		close(keys)
		wg.Wait()
		listFixture.store, listFixture.bucket = s, bucket
	})
	s, bucket := listFixture.store, listFixture.bucket
	if s == nil {
		b.Fatal("list fixture failed")
	}
	b.Run("store", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			for _, err := range s.List(ctx, bucket, "AWSLogs/", "") {
				if err != nil {
					b.Fatal(err)
				}
				n++
			}
			if n != listKeys {
				b.Fatalf("listed %d keys, want %d", n, listKeys)
			}
		}
		b.ReportMetric(float64(listKeys*b.N)/b.Elapsed().Seconds(), "keys/s")
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n := 0
			p := awss3.NewListObjectsV2Paginator(s.Client(), &awss3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String("AWSLogs/")})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					b.Fatal(err)
				}
				n += len(out.Contents)
			}
			if n != listKeys {
				b.Fatalf("listed %d keys, want %d", n, listKeys)
			}
		}
		b.ReportMetric(float64(listKeys*b.N)/b.Elapsed().Seconds(), "keys/s")
	})
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }
