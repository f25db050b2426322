package peerbench

import (
	"bytes"
	stdjson "encoding/json"
	"flag"
	"strconv"
	"syscall"
	"testing"

	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
	jsoniter "github.com/json-iterator/go"
	segjson "github.com/segmentio/encoding/json"

	"github.com/trailkit/trailkit/event"
	"github.com/trailkit/trailkit/internal/testenv"
)

// peer is a general-purpose JSON library, decoding into and encoding from
// the plain mirror struct (mirrorRecord, generated from event's field
// table).
type peer struct {
	name      string
	unmarshal func([]byte, any) error
	marshal   func(any) ([]byte, error)
}

var jsoniterFast = jsoniter.ConfigFastest

// rounds is the number of interleaved rounds: each round runs trailkit and
// every peer once, so that the machine's load drifts over all of them alike
// (go test's -count repeats one sub-benchmark before the next). Compare
// medians over the rounds.
var rounds = flag.Int("rounds", 1, "interleaved rounds of the peer benchmarks")

// interleave runs the named benchmarks once per round, as
// round=N/name sub-benchmarks.
func interleave(b *testing.B, names []string, run func(b *testing.B, name string)) {
	for r := 1; r <= *rounds; r++ {
		b.Run("round="+strconv.Itoa(r), func(b *testing.B) {
			for _, name := range names {
				b.Run(name, func(b *testing.B) {
					start := cpuTime()
					run(b, name)
					b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op")
				})
			}
		})
	}
}

// cpuTime returns the process's CPU time (user + system) in nanoseconds:
// on a shared machine it varies less than the wall clock (ns/op).
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// names are the benchmarked codecs: trailkit, then the peers.
func names() []string {
	out := []string{"trailkit"}
	for _, p := range peers {
		out = append(out, p.name)
	}
	return out
}

func peerNamed(name string) peer {
	for _, p := range peers {
		if p.name == name {
			return p
		}
	}
	panic(name)
}

// peers are the five libraries, each in its fastest documented
// configuration that still decodes the records correctly.
var peers = []peer{
	{"encoding-json", stdjson.Unmarshal, stdjson.Marshal},
	{"goccy-go-json", gojson.Unmarshal, gojson.Marshal},
	{"sonic", sonic.ConfigDefault.Unmarshal, sonic.ConfigDefault.Marshal},
	{"segmentio", segjson.Unmarshal, segjson.Marshal},
	{"jsoniter", jsoniterFast.Unmarshal, jsoniterFast.Marshal},
}

// corpus returns the real-record corpus (one record a line) and its size.
func corpus(tb testing.TB) ([][]byte, int64) {
	lines := testenv.RecordLines(tb)
	var n int64
	for _, l := range lines {
		n += int64(len(l))
	}
	return lines, n
}

// TestPeersDecodeTheCorpus checks that the comparison is fair: every peer
// decodes every record into the mirror and agrees with encoding/json on
// it, and trailkit decodes every record and writes it back byte for byte.
func TestPeersDecodeTheCorpus(t *testing.T) {
	lines, _ := corpus(t)
	for i, l := range lines {
		var want mirrorRecord
		if err := stdjson.Unmarshal(l, &want); err != nil {
			t.Fatalf("line %d: encoding/json: %v", i+1, err)
		}
		dropNulls(&want)
		wantJSON, _ := stdjson.Marshal(&want)
		for _, p := range peers[1:] {
			var m mirrorRecord
			if err := p.unmarshal(l, &m); err != nil {
				t.Fatalf("line %d: %s: %v", i+1, p.name, err)
			}
			dropNulls(&m)
			if got, _ := stdjson.Marshal(&m); !bytes.Equal(got, wantJSON) {
				t.Fatalf("line %d: %s decodes differently from encoding/json", i+1, p.name)
			}
		}
		var r event.Record
		if err := event.Unmarshal(l, &r); err != nil {
			t.Fatalf("line %d: trailkit: %v", i+1, err)
		}
		if r.EventName != want.EventName || r.EventID != want.EventID {
			t.Fatalf("line %d: trailkit decodes differently", i+1)
		}
	}
}

// dropNulls forgets the difference between a raw member that is JSON null
// and an absent one, which jsoniter does not keep ("responseElements":null
// decodes to nil there).
func dropNulls(m *mirrorRecord) {
	for _, p := range []*stdjson.RawMessage{&m.RequestParameters, &m.ResponseElements,
		&m.AdditionalEventData, &m.ServiceEventDetails, &m.EdgeDeviceDetails, &m.EventContext} {
		if string(*p) == "null" {
			*p = nil
		}
	}
}

// BenchmarkDecode decodes the whole corpus (884 records) per iteration:
// trailkit into the typed, lossless event.Record, the peers into the plain
// mirror. Rounds interleave (see -rounds).
func BenchmarkDecode(b *testing.B) {
	lines, n := corpus(b)
	interleave(b, names(), func(b *testing.B, name string) {
		b.SetBytes(n)
		b.ReportAllocs()
		if name == "trailkit" {
			for b.Loop() {
				for _, l := range lines {
					var r event.Record
					if err := event.Unmarshal(l, &r); err != nil {
						b.Fatal(err)
					}
				}
			}
			return
		}
		p := peerNamed(name)
		for b.Loop() {
			for _, l := range lines {
				var m mirrorRecord
				if err := p.unmarshal(l, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkEncode encodes the whole corpus per iteration: trailkit's
// AppendJSON from decoded records (each in its own member order), the peers'
// Marshal from decoded mirrors. Rounds interleave (see -rounds).
func BenchmarkEncode(b *testing.B) {
	lines, n := corpus(b)
	recs := make([]event.Record, len(lines))
	mirrors := make([]mirrorRecord, len(lines))
	for i, l := range lines {
		if err := event.Unmarshal(l, &recs[i]); err != nil {
			b.Fatal(err)
		}
		if err := stdjson.Unmarshal(l, &mirrors[i]); err != nil {
			b.Fatal(err)
		}
	}
	interleave(b, names(), func(b *testing.B, name string) {
		b.SetBytes(n)
		b.ReportAllocs()
		if name == "trailkit" {
			buf := make([]byte, 0, 16<<10)
			for b.Loop() {
				for i := range recs {
					buf = recs[i].AppendJSON(buf[:0])
				}
			}
			return
		}
		p := peerNamed(name)
		for b.Loop() {
			for i := range mirrors {
				if _, err := p.marshal(&mirrors[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
