package testenv

import (
	"fmt"
	"os/exec"
	"runtime"
	"slices"
	"testing"
	"time"
)

func TestRunChild(t *testing.T) {
	lines, _ := RunChild(t, exec.Command("sh", "-c", "echo a; echo b"), 0)
	if !slices.Equal(lines, []string{"a", "b"}) {
		t.Errorf("lines %q, want a, b", lines)
	}
	lines, _ = RunChild(t, exec.Command("sh", "-c", "echo a; exec sleep 10"), 200*time.Millisecond)
	if !slices.Equal(lines, []string{"a"}) {
		t.Errorf("killed child: lines %q, want a", lines)
	}
}

// fatalTB records a Fatalf and ends the goroutine, as testing.T does.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Helper() {}
func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fatalTB) Fatal(args ...any) { f.Fatalf("%s", fmt.Sprint(args...)) }

func TestRunChildFailures(t *testing.T) {
	for _, c := range []struct {
		name   string
		script string
		kill   time.Duration
	}{
		{"ends before the kill", "echo a", 5 * time.Second},
		{"fails", "echo a; exit 3", 0},
	} {
		f := &fatalTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			RunChild(f, exec.Command("sh", "-c", c.script), c.kill)
		}()
		<-done
		if f.msg == "" {
			t.Errorf("%s: RunChild did not fail the test", c.name)
		}
	}
}
