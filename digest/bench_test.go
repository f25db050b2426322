package digest_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

var benchOnce struct {
	sync.Once
	store logfile.Store
	res   *fixture.Result
	raw   int64
}

// benchBucket holds one region's chain over log files of real CloudTrail
// records (../shared/cloudtrail-realdata/records.jsonl, ~1 MB per file,
// compressing about 7.5:1 like real logs), or of fixture records (about
// 12:1) when the corpus is absent.
func benchBucket(b *testing.B) (logfile.Store, *fixture.Result, int64) {
	benchOnce.Do(func() {
		benchOnce.store = logfile.NewMemStore()
		records := realRecords(b)
		if records == nil {
			benchOnce.res = build(b, benchOnce.store, fixture.Options{Hours: 2, Regions: []string{"us-east-1"}, FilesPerHour: 12, Records: 2000})
		} else {
			benchOnce.res = buildFromRecords(b, benchOnce.store, records)
		}
		for _, k := range benchOnce.res.Logs["us-east-1"] {
			o, _ := benchOnce.store.Get(context.Background(), fixture.Bucket, k)
			benchOnce.raw += int64(len(gunzip(b, o.Body)))
		}
		b.Logf("bench bucket: %d log files, %.1f MB gzip, %.1f MB uncompressed", len(benchOnce.res.Logs["us-east-1"]), float64(benchOnce.res.LogBytes)/1e6, float64(benchOnce.raw)/1e6)
	})
	return benchOnce.store, benchOnce.res, benchOnce.raw
}

func realRecords(b *testing.B) [][]byte {
	path, err := testenv.RealDataPath("records.jsonl")
	if err != nil {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	var recs [][]byte
	for _, l := range bytes.Split(data, []byte("\n")) {
		if l = bytes.TrimSpace(l); len(l) > 0 {
			recs = append(recs, l)
		}
	}
	return recs
}

// buildFromRecords writes 24 log files (2 hours, one each 5 minutes) of
// about 1 MB of real records each, rotating through the corpus, and their
// digests.
func buildFromRecords(b *testing.B, store logfile.Store, recs [][]byte) *fixture.Result {
	ctx := context.Background()
	clock := &fixture.Clock{T: time.Date(2024, 3, 5, 9, 17, 42, 0, time.UTC)}
	res := &fixture.Result{Start: clock.T, Bucket: fixture.Bucket, Regions: []string{"us-east-1"}, Logs: map[string][]string{}, Digests: map[string][]string{}}
	c, err := digest.NewChain(digest.ChainOptions{
		DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Account: fixture.Account, Region: "us-east-1", Trail: fixture.Trail, HomeRegion: fixture.HomeRegion},
		Signer:      testSigner(b),
		Store:       store,
		Now:         clock.Now,
	})
	if err != nil {
		b.Fatal(err)
	}
	next := 0
	for i := range 24 {
		clock.T = clock.T.Add(5 * time.Minute)
		var raw bytes.Buffer
		raw.WriteString(`{"Records":[`)
		for n := 0; raw.Len() < 1<<20; n++ {
			if n > 0 {
				raw.WriteByte(',')
			}
			raw.Write(recs[next%len(recs)])
			next++
		}
		raw.WriteString("]}")
		body := gz(b, raw.Bytes())
		key := logfile.Key{Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1", Time: clock.T, Unique: fmt.Sprintf("BENCH%011d", i)}.String()
		store.Put(ctx, logfile.Object{Bucket: fixture.Bucket, Key: key, Body: body})
		res.Logs["us-east-1"] = append(res.Logs["us-east-1"], key)
		res.LogBytes += int64(len(body))
		c.Add(logfile.Delivery{Bucket: fixture.Bucket, Key: key, Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1",
			SHA256: sha256.Sum256(raw.Bytes()), OldestEventTime: clock.T, NewestEventTime: clock.T, DeliveredAt: clock.T})
		if err := c.Tick(ctx); err != nil {
			b.Fatal(err)
		}
	}
	clock.T = clock.T.Add(3 * time.Minute)
	if err := c.Close(ctx); err != nil {
		b.Fatal(err)
	}
	res.End = clock.T
	return res
}

// BenchmarkValidate: the whole walk (digests verified, log files fetched,
// inflated and hashed by GOMAXPROCS workers). MB/s is of gzip log data.
func BenchmarkValidate(b *testing.B) {
	store, res, raw := benchBucket(b)
	opts := res.ValidateOptions("us-east-1", ring(testSigner(b)))
	b.SetBytes(res.LogBytes)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		rep, err := digest.Validate(context.Background(), store, opts)
		if err != nil || !rep.Strict() {
			b.Fatal(err)
		}
	}
	reportRates(b, res.LogBytes, raw, cpuTime()-cpu0)
}

// BenchmarkHashLoopBaseline: the plain single-goroutine loop over the same
// log files with compress/gzip and crypto/sha256, as aws-cli does it.
func BenchmarkHashLoopBaseline(b *testing.B) {
	store, res, raw := benchBucket(b)
	var bodies [][]byte
	for _, k := range res.Logs["us-east-1"] {
		o, _ := store.Get(context.Background(), fixture.Bucket, k)
		bodies = append(bodies, o.Body)
	}
	b.SetBytes(res.LogBytes)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for b.Loop() {
		for _, body := range bodies {
			zr, _ := gzip.NewReader(bytes.NewReader(body))
			h := sha256.New()
			io.Copy(h, zr)
			_ = hex.EncodeToString(h.Sum(nil))
		}
	}
	reportRates(b, res.LogBytes, raw, cpuTime()-cpu0)
}

// reportCPU adds the CPU time per operation, steadier than ns/op on a
// busy shared machine.
func reportCPU(b *testing.B, cpu time.Duration) {
	if cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/op")
	}
}

// reportRates adds the uncompressed MB/s and, where CPU time is known, the
// gzip MB per CPU-second (what one idle core would do).
func reportRates(b *testing.B, gzipBytes, raw int64, cpu time.Duration) {
	b.ReportMetric(float64(raw)*float64(b.N)/b.Elapsed().Seconds()/1e6, "uncompressed-MB/s")
	if cpu > 0 {
		b.ReportMetric(float64(gzipBytes)*float64(b.N)/cpu.Seconds()/1e6, "gzip-MB/cpu-s")
	}
}

// BenchmarkAWSCLIHashLoop times aws-cli's own loop (zlib.decompressobj,
// 2048-byte reads, hashlib.sha256) in python3 over the same files and
// reports its MB/s of gzip data; ns/op is the Go-side overhead only.
func BenchmarkAWSCLIHashLoop(b *testing.B) {
	py, err := exec.LookPath("python3")
	if err != nil {
		b.Skip("python3 not found")
	}
	store, res, _ := benchBucket(b)
	dir := b.TempDir()
	var files []string
	for i, k := range res.Logs["us-east-1"] {
		o, _ := store.Get(context.Background(), fixture.Bucket, k)
		f := filepath.Join(dir, strconv.Itoa(i))
		os.WriteFile(f, o.Body, 0o644)
		files = append(files, f)
	}
	list, _ := json.Marshal(files)
	os.WriteFile(filepath.Join(dir, "files.json"), list, 0o644)
	out, err := exec.Command(py, "testdata/awscli_hashloop.py", filepath.Join(dir, "files.json")).Output()
	if err != nil {
		b.Skipf("python timing failed: %v", err)
	}
	var r struct{ CompressedMBps, UncompressedMBps, CompressedMBperCPUs float64 }
	if err := json.Unmarshal(out, &r); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
	}
	b.ReportMetric(r.CompressedMBps, "python-gzip-MB/s")
	b.ReportMetric(r.UncompressedMBps, "python-uncompressed-MB/s")
	b.ReportMetric(r.CompressedMBperCPUs, "python-gzip-MB/cpu-s")
}

// BenchmarkDigestHour: Add n deliveries and write one signed digest (JSON,
// SHA-256, RSA-2048 signature, gzip, Put into a MemStore).
func BenchmarkDigestHour(b *testing.B) {
	for _, n := range []int{0, 10, 100, 1000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			ds := deliveries(n)
			clock := &fixture.Clock{T: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}
			c, err := digest.NewChain(digest.ChainOptions{
				DigestChain: logfile.DigestChain{Location: logfile.Location{Bucket: fixture.Bucket}, Account: fixture.Account, Region: "us-east-1", Trail: "t", HomeRegion: "us-east-1"},
				Signer:      testSigner(b),
				Store:       logfile.NewMemStore(),
				Now:         clock.Now,
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				for i := range ds {
					ds[i].DeliveredAt = clock.T
					c.Add(ds[i])
				}
				clock.T = clock.T.Add(time.Hour)
				if err := c.Tick(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
			reportCPU(b, cpuTime()-cpu0)
		})
	}
}

// BenchmarkDigestHourBaseline: the same digest with encoding/json (struct
// with the members in CloudTrail's order, then '/' escaped by replacement),
// compress/gzip and the same RSA signature.
func BenchmarkDigestHourBaseline(b *testing.B) {
	type lf struct {
		S3Bucket        string `json:"s3Bucket"`
		S3Object        string `json:"s3Object"`
		HashValue       string `json:"hashValue"`
		HashAlgorithm   string `json:"hashAlgorithm"`
		NewestEventTime string `json:"newestEventTime"`
		OldestEventTime string `json:"oldestEventTime"`
	}
	type dg struct {
		AWSAccountID, DigestStartTime, DigestEndTime, DigestS3Bucket, DigestS3Object, Fingerprint, Alg string
		Newest, Oldest, PB, PO, PH, PA, PS                                                             *string
		LogFiles                                                                                       []lf `json:"logFiles"`
	}
	for _, n := range []int{0, 10, 100, 1000} {
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			s := testSigner(b)
			ds := deliveries(n)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				d := dg{AWSAccountID: fixture.Account, DigestStartTime: "2024-01-01T00:00:00Z", DigestEndTime: "2024-01-01T01:00:00Z", DigestS3Bucket: "b", DigestS3Object: ds0key, Fingerprint: s.Fingerprint().String(), Alg: "SHA256withRSA"}
				for _, x := range ds {
					d.LogFiles = append(d.LogFiles, lf{x.Bucket, x.Key, hex.EncodeToString(x.SHA256[:]), "SHA-256", x.NewestEventTime.Format(digest.TimeFormat), x.OldestEventTime.Format(digest.TimeFormat)})
				}
				raw, _ := json.Marshal(d)
				raw = []byte(strings.ReplaceAll(string(raw), "/", `\/`))
				sum := sha256.Sum256(raw)
				sts := digest.StringToSign(d.DigestEndTime, d.DigestS3Bucket, d.DigestS3Object, digest.Hash(sum), nil)
				if _, err := s.SignString(sts); err != nil {
					b.Fatal(err)
				}
				var buf bytes.Buffer
				zw := gzip.NewWriter(&buf)
				zw.Write(raw)
				zw.Close()
			}
			reportCPU(b, cpuTime()-cpu0)
		})
	}
}

const ds0key = "AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/01/01/111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240101T010000Z.json.gz"

func deliveries(n int) []logfile.Delivery {
	ds := make([]logfile.Delivery, n)
	t := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range ds {
		ds[i] = logfile.Delivery{Bucket: fixture.Bucket, Kind: logfile.KindLog, Account: fixture.Account, Region: "us-east-1",
			Key:             fmt.Sprintf("AWSLogs/111122223333/CloudTrail/us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_20240101T0005Z_%016d.json.gz", i),
			SHA256:          sha256.Sum256([]byte(strconv.Itoa(i))),
			OldestEventTime: t, NewestEventTime: t.Add(time.Minute)}
	}
	return ds
}
