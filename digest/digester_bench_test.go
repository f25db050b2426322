package digest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/logfile"
)

// benchLogFile is a log file of 5 records, about 1 KB compressed.
func benchLogFile(b *testing.B, at time.Time) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(`{"Records":[`))
	for i := range 5 {
		if i > 0 {
			zw.Write([]byte(","))
		}
		rec := event.Builder{}.APICall(event.Record{EventSource: "s3.amazonaws.com", EventName: "PutObject", AWSRegion: "eu-west-1",
			RecipientAccountID: fixture.Account, EventTime: at.Add(time.Duration(i) * time.Second), SourceIPAddress: "198.51.100.7",
			UserAgent: "aws-sdk-go-v2/1.30.0", RequestParameters: []byte(`{"bucketName":"example-bucket","key":"reports/2025/03/01/part-0001.parquet"}`)})
		zw.Write(rec.AppendJSON(nil))
	}
	zw.Write([]byte("]}"))
	if err := zw.Close(); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkDigesterWindow measures one digest window of a Digester: list
// the chain's log folder, read and hash every file no digest lists, sign
// and store the digest. The window holds n log files spread over one
// hour (the one-hour window of a chain receiving n files an hour). Each
// iteration is a new chain (another trail name) over the same files.
func BenchmarkDigesterWindow(b *testing.B) {
	hour := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for _, kind := range []string{"MemStore", "DirStore"} {
		for _, n := range []int{1_000, 10_000, 100_000} {
			b.Run(fmt.Sprintf("%s/files=%d", kind, n), func(b *testing.B) {
				body := benchLogFile(b, hour)
				var store logfile.Store
				var ds logfile.Store
				root := b.TempDir()
				if kind == "DirStore" {
					var err error
					if ds, err = logfile.NewDirStore(root, logfile.DirStoreOptions{}); err != nil {
						b.Fatal(err)
					}
					store = ds
				} else {
					store = logfile.NewMemStore()
				}
				ctx := context.Background()
				for i := range n {
					k := logfile.Key{Kind: logfile.KindLog, Prefix: fleetPrefix, Account: fixture.Account, Region: "eu-west-1",
						Time: hour.Add(time.Duration(i) * time.Hour / time.Duration(n)).Truncate(time.Minute), Unique: fmt.Sprintf("F%015d", i)}
					if ds != nil {
						// Write the files directly: Put's fsyncs would make
						// the setup take minutes and are not measured.
						// The layout: <root>/<bucket>/<key>.
						p := filepath.Join(root, fixture.Bucket, filepath.FromSlash(k.String()))
						os.MkdirAll(filepath.Dir(p), 0o755)
						if err := os.WriteFile(p, body, 0o644); err != nil {
							b.Fatal(err)
						}
					} else if err := store.Put(ctx, logfile.Object{Bucket: fixture.Bucket, Key: k.String(), Body: body}); err != nil {
						b.Fatal(err)
					}
				}
				signer := testSigner(b)
				now := func() time.Time { return hour.Add(time.Hour + time.Second) }
				b.ReportAllocs()
				b.ResetTimer()
				cpu0 := cpuTime()
				for i := 0; i < b.N; i++ {
					id := fleetChain()
					id.Trail = fmt.Sprintf("bench-%d", i)
					d, err := digest.NewDigester(digest.DigesterOptions{DigestChain: id, Signer: signer, Store: store, Now: now})
					if err != nil {
						b.Fatal(err)
					}
					if err := d.Tick(ctx); err != nil {
						b.Fatal(err)
					}
					if s := d.Stats(); s.Written != 1 || s.Files != n {
						b.Fatalf("stats %+v, want one digest of %d files", s, n)
					}
				}
				// The machine is shared: CPU time per file is the figure
				// to compare; wall time includes waiting for a CPU.
				cpu := cpuTime() - cpu0
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(n*b.N)/1000, "cpu-µs/file")
				b.ReportMetric(float64(n*b.N)/cpu.Seconds(), "files/cpu-s")
			})
		}
	}
}
