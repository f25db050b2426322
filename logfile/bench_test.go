package logfile

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// The baselines are what a straightforward implementation would do:
// encoding/json over a struct with json tags, and compress/gzip at its
// default level.

type plainRecord struct {
	EventVersion        string          `json:"eventVersion"`
	UserIdentity        *plainIdentity  `json:"userIdentity,omitempty"`
	EventTime           time.Time       `json:"eventTime"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress,omitempty"`
	UserAgent           string          `json:"userAgent,omitempty"`
	ErrorCode           string          `json:"errorCode,omitempty"`
	ErrorMessage        string          `json:"errorMessage,omitempty"`
	RequestParameters   json.RawMessage `json:"requestParameters,omitempty"`
	ResponseElements    json.RawMessage `json:"responseElements,omitempty"`
	AdditionalEventData json.RawMessage `json:"additionalEventData,omitempty"`
	RequestID           string          `json:"requestID,omitempty"`
	EventID             string          `json:"eventID"`
	ReadOnly            *bool           `json:"readOnly,omitempty"`
	Resources           []struct {
		AccountID string `json:"accountId,omitempty"`
		Type      string `json:"type,omitempty"`
		ARN       string `json:"ARN,omitempty"`
	} `json:"resources,omitempty"`
	EventType          string `json:"eventType"`
	ManagementEvent    *bool  `json:"managementEvent,omitempty"`
	RecipientAccountID string `json:"recipientAccountId"`
	EventCategory      string `json:"eventCategory"`
	TLSDetails         *struct {
		TLSVersion               string `json:"tlsVersion,omitempty"`
		CipherSuite              string `json:"cipherSuite,omitempty"`
		ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
	} `json:"tlsDetails,omitempty"`
}

type plainIdentity struct {
	Type           string `json:"type"`
	PrincipalID    string `json:"principalId,omitempty"`
	ARN            string `json:"arn,omitempty"`
	AccountID      string `json:"accountId,omitempty"`
	AccessKeyID    string `json:"accessKeyId,omitempty"`
	UserName       string `json:"userName,omitempty"`
	SessionContext *struct {
		SessionIssuer *struct {
			Type        string `json:"type,omitempty"`
			PrincipalID string `json:"principalId,omitempty"`
			ARN         string `json:"arn,omitempty"`
			AccountID   string `json:"accountId,omitempty"`
			UserName    string `json:"userName,omitempty"`
		} `json:"sessionIssuer,omitempty"`
		WebIDFederationData map[string]any `json:"webIdFederationData,omitempty"`
		Attributes          *struct {
			CreationDate     string `json:"creationDate,omitempty"`
			MFAAuthenticated string `json:"mfaAuthenticated,omitempty"`
		} `json:"attributes,omitempty"`
	} `json:"sessionContext,omitempty"`
}

// cpuMeter reports throughput per CPU-second of the whole process (GC
// included): on a shared machine wall-clock rates fall with the load, CPU
// rates do not.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter { return cpuMeter{cpuTime()} }

func (m cpuMeter) report(b *testing.B, records, bytes float64) {
	used := (cpuTime() - m.start).Seconds()
	if m.start == 0 || used <= 0 {
		return
	}
	if records > 0 {
		b.ReportMetric(records/used, "records/cpu-s")
	}
	if bytes > 0 {
		b.ReportMetric(bytes/used/1e6, "MB/cpu-s")
	}
}

func benchRecords(b *testing.B) ([]*event.Record, []plainRecord, int) {
	recs := genStream(21, 1000, time.Date(2024, 3, 5, 9, 0, 0, 0, time.UTC))
	plain := make([]plainRecord, len(recs))
	size := 0
	for i, r := range recs {
		r.RecipientAccountID, r.AWSRegion = genAccounts[0], genRegions[0]
		data := r.AppendJSON(nil)
		size += len(data)
		if err := json.Unmarshal(data, &plain[i]); err != nil {
			b.Fatal(err)
		}
	}
	return recs, plain, size / len(recs)
}

// nullStore discards objects, so that the benchmarks measure the writer.
type nullStore struct{ memStore }

func (*nullStore) Put(context.Context, Object) error { return nil }

// BenchmarkWriter: trailkit's Writer, one goroutine, default options
// (gzip level defaultLevel, 10,000-record files).
func BenchmarkWriter(b *testing.B) {
	recs, _, avg := benchRecords(b)
	ctx := context.Background()
	w, err := NewWriter(&nullStore{}, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: time.Now})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(avg))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		if err := w.Write(ctx, recs[i%len(recs)]); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	cpu.report(b, float64(b.N), 0)
}

// BenchmarkWriterBaseline: encoding/json + compress/gzip (default level),
// the same {"Records":[…]} files of 10,000 records.
func BenchmarkWriterBaseline(b *testing.B) {
	_, plain, avg := benchRecords(b)
	var buf bytes.Buffer
	zw := stdgzip.NewWriter(&buf)
	n := 0
	start := func() {
		buf.Reset()
		zw.Reset(&buf)
		zw.Write([]byte(`{"Records":[`))
		n = 0
	}
	start()
	b.SetBytes(int64(avg))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		data, err := json.Marshal(&plain[i%len(plain)])
		if err != nil {
			b.Fatal(err)
		}
		if n > 0 {
			zw.Write([]byte{','})
		}
		zw.Write(data)
		if n++; n == defaultMaxRecords {
			zw.Write([]byte(`]}`))
			zw.Close()
			start()
		}
	}
	zw.Write([]byte(`]}`))
	zw.Close()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	cpu.report(b, float64(b.N), 0)
}

// BenchmarkWriterParallel: many goroutines writing to one stream.
func BenchmarkWriterParallel(b *testing.B) {
	recs, _, avg := benchRecords(b)
	ctx := context.Background()
	w, _ := NewWriter(&nullStore{}, WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: time.Now})
	b.SetBytes(int64(avg))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			if err := w.Write(ctx, recs[i%len(recs)]); err != nil {
				b.Error(err)
				return
			}
			i++
		}
	})
	w.Flush(ctx)
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}

// benchLogFile is a gzip log file of about 10 MB of uncompressed JSON.
func benchLogFile(b *testing.B) (body []byte, raw int) {
	body, _, raw = bigLogFile(b, 10_000_000)
	return body, raw
}

// BenchmarkReader: trailkit's Reader, gunzip + typed decode; MB/s are of
// uncompressed JSON.
func BenchmarkReader(b *testing.B) {
	body, raw := benchLogFile(b)
	b.SetBytes(int64(raw))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		rd := newReader(bytes.NewReader(body), ReadOptions{})
		for {
			_, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	cpu.report(b, 0, float64(b.N)*float64(raw))
}

// BenchmarkReaderBaseline: compress/gzip + encoding/json into typed structs.
func BenchmarkReaderBaseline(b *testing.B) {
	body, raw := benchLogFile(b)
	b.SetBytes(int64(raw))
	b.ReportAllocs()
	b.ResetTimer()
	cpu := startCPU()
	for i := 0; i < b.N; i++ {
		zr, err := stdgzip.NewReader(bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		var f struct{ Records []plainRecord }
		if err := json.NewDecoder(zr).Decode(&f); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b, 0, float64(b.N)*float64(raw))
}

// BenchmarkReaderPeakHeap50MB reads a 50 MB (uncompressed) log file from
// disk and reports the highest heap in use while reading, in MB.
func BenchmarkReaderPeakHeap50MB(b *testing.B) {
	body, _, raw := bigLogFile(b, 50_000_000)
	path := filepath.Join(b.TempDir(), "big.json.gz")
	if err := os.WriteFile(path, body, 0o644); err != nil {
		b.Fatal(err)
	}
	body = nil
	b.SetBytes(int64(raw))
	b.ResetTimer()
	var peak uint64
	for i := 0; i < b.N; i++ {
		p, _ := readPeakHeap(b, path)
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}

// BenchmarkWriterSpool: 64 goroutines (b.SetParallelism 32 per GOMAXPROCS
// on 2 cores) writing through a Writer with no spool ("memory") and with a
// spool in a temporary directory at each SyncPolicy: SyncAlways (fsync per
// write, concurrent writes share an fsync), SyncInterval at 10 ms and 2 ms,
// and SyncProcess (write(2) only). records/s is the acknowledged rate.
func BenchmarkWriterSpool(b *testing.B) {
	recs, _, avg := benchRecords(b)
	ctx := context.Background()
	for _, c := range []struct {
		name string
		opts *spoolOptions
	}{
		{"memory", nil},
		{"always", &spoolOptions{Sync: SyncAlways}},
		{"interval=10ms", &spoolOptions{Sync: SyncInterval, Interval: 10 * time.Millisecond}},
		{"interval=2ms", &spoolOptions{Sync: SyncInterval, Interval: 2 * time.Millisecond}},
		{"process", &spoolOptions{Sync: SyncProcess}},
	} {
		b.Run(c.name, func(b *testing.B) {
			opts := WriterOptions{ManualTick: true, Location: Location{Bucket: "b"}, Now: time.Now}
			if c.opts != nil {
				opts.SpoolDir, opts.Sync, opts.SyncInterval = b.TempDir(), c.opts.Sync, c.opts.Interval
			}
			w, err := NewWriter(&nullStore{}, opts)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := w.Replay(ctx); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(avg))
			b.SetParallelism(32)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					if err := w.Write(ctx, recs[i%len(recs)]); err != nil {
						b.Error(err)
						return
					}
					i++
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
			w.Close(ctx)
		})
	}
}
