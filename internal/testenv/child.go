package testenv

import (
	"bufio"
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// RunChild runs cmd, a child process that prints one acknowledgement a
// line on its stdout, and returns the lines it printed and its stderr.
// With kill > 0 it sends the child SIGKILL after kill and fails t unless
// the child was still running then and died of it (the crash tests kill
// writers at random moments this way); with kill == 0 it waits for the
// child to end and fails t unless it exits 0. cmd's Stdout and Stderr must
// be unset.
func RunChild(t testing.TB, cmd *exec.Cmd, kill time.Duration) (lines []string, stderr string) {
	t.Helper()
	var errBuf bytes.Buffer
	cmd.Stderr = &errBuf
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ch := make(chan string, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			ch <- sc.Text()
		}
		close(ch)
	}()
	var timer <-chan time.Time
	if kill > 0 {
		timer = time.After(kill)
	}
read:
	for {
		select {
		case l, ok := <-ch:
			if !ok {
				break read
			}
			lines = append(lines, l)
		case <-timer:
			cmd.Process.Signal(syscall.SIGKILL)
			timer, kill = nil, -1
		}
	}
	err = cmd.Wait()
	switch {
	case kill > 0:
		t.Fatalf("%s ended before the kill: %v\n%s", cmd.Path, err, errBuf.String())
	case kill < 0 && !strings.Contains(fmt.Sprint(err), "killed"):
		t.Fatalf("%s did not die of SIGKILL: %v\n%s", cmd.Path, err, errBuf.String())
	case kill == 0 && err != nil:
		t.Fatalf("%s: %v\n%s", cmd.Path, err, errBuf.String())
	}
	return lines, errBuf.String()
}
