package event

import (
	"encoding/json"
	"testing"
)

// The baseline types (mirrorRecord, …) are generated: bench_mirror_test.go.

// codecBenchTypical returns the typical record (testdata/codec-api-call.json,
// 1528 bytes), its JSON, and the same JSON decoded into the mirror.
func codecBenchTypical(b *testing.B) (*Record, []byte, *mirrorRecord) {
	r := codecTypicalRecord()
	data := r.AppendJSON(nil)
	var m mirrorRecord
	if err := json.Unmarshal(data, &m); err != nil {
		b.Fatal(err)
	}
	return r, data, &m
}

func BenchmarkEncode(b *testing.B) {
	r, data, m := codecBenchTypical(b)
	b.Run("AppendJSON", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		buf := make([]byte, 0, 4096)
		for b.Loop() {
			buf = r.AppendJSON(buf[:0])
		}
	})
	b.Run("json.Marshal/Record", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal/mirror", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkDecode(b *testing.B) {
	_, data, _ := codecBenchTypical(b)
	b.Run("Unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var r Record
			if err := Unmarshal(data, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal/mirror", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			var m mirrorRecord
			if err := json.Unmarshal(data, &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The corpus benchmarks process all 884 real records per iteration.

func codecBenchCorpus(b *testing.B) ([][]byte, []Record, []mirrorRecord, int64) {
	lines := codecCorpusLines(b)
	recs := make([]Record, len(lines))
	mirrors := make([]mirrorRecord, len(lines))
	var n int64
	for i, l := range lines {
		if err := Unmarshal(l, &recs[i]); err != nil {
			b.Fatal(err)
		}
		if err := json.Unmarshal(l, &mirrors[i]); err != nil {
			b.Fatalf("line %d does not fit the mirror: %v", i+1, err)
		}
		n += int64(len(l))
	}
	return lines, recs, mirrors, n
}

func BenchmarkEncodeCorpus(b *testing.B) {
	_, recs, mirrors, n := codecBenchCorpus(b)
	b.Run("AppendJSON", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		buf := make([]byte, 0, 16<<10)
		for b.Loop() {
			for i := range recs {
				buf = recs[i].AppendJSON(buf[:0])
			}
		}
	})
	b.Run("json.Marshal/mirror", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			for i := range mirrors {
				if _, err := json.Marshal(&mirrors[i]); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

func BenchmarkDecodeCorpus(b *testing.B) {
	lines, _, _, n := codecBenchCorpus(b)
	b.Run("Unmarshal", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				var r Record
				if err := Unmarshal(l, &r); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("json.Unmarshal/mirror", func(b *testing.B) {
		b.SetBytes(n)
		b.ReportAllocs()
		for b.Loop() {
			for _, l := range lines {
				var m mirrorRecord
				if err := json.Unmarshal(l, &m); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}
