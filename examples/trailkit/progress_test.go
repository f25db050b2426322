package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// Progress is off for --quiet and for a stderr that is not a terminal (a
// pipe, a buffer); on a terminal it rewrites one line and erases it.
func TestProgress(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, p := range []*progress{newProgress(w, false), newProgress(&bytes.Buffer{}, false), newProgress(w, true)} {
		if p.on {
			t.Errorf("progress on for %T (quiet or not a terminal)", p.w)
		}
	}
	var buf bytes.Buffer
	p := &progress{w: &buf, on: true, start: time.Now().Add(-2 * time.Second)}
	p.update("read %d records", 10)
	p.update("read %d records", 20) // within 200 ms: not shown
	p.done()
	if got, want := buf.String(), "\r\033[Kread 10 records\r\033[K"; got != want {
		t.Errorf("progress wrote %q, want %q", got, want)
	}
	// Not during the first second.
	buf.Reset()
	p = &progress{w: &buf, on: true, start: time.Now()}
	p.update("x")
	p.done()
	if buf.Len() != 0 {
		t.Errorf("progress in the first second: %q", buf.String())
	}
	// Commands given a buffer as stderr never write progress.
	dir := t.TempDir()
	code, _, errs := cli(t, nil, "gen", "--dir", dir, "--hours", "1", "--rate", "10", "--signing-key", testKey)
	if code != 0 || strings.Contains(errs, "\033[K") {
		t.Errorf("gen: exit %d, stderr %q", code, errs)
	}
}
