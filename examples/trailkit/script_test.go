package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The CLI's behaviour is tested with scripts in testdata/script, in a
// txtar-like format: a script, then files introduced by "-- name --"
// lines, written to a fresh $WORK directory before the script runs.
//
// Script lines (# starts a comment; arguments split on spaces, '…' quotes;
// $WORK and $TESTDATA are expanded):
//
//	trailkit ARGS…        run the command in-process; it must exit 0
//	                      unless a "status N" line follows
//	status N              the last command's exit status is N
//	[!] stdout REGEXP     the last command's stdout matches (or not)
//	[!] stderr REGEXP     same for stderr
//	stdin FILE            the next command reads FILE on stdin
//	[!] exists PATH       PATH exists (or not)
//	edit GLOB OLD NEW     in the first file matching GLOB (sorted), gunzip,
//	                      replace the first OLD with NEW, gzip again
//	rm GLOB               remove the first file matching GLOB
//	truncate GLOB N       cut the first file matching GLOB to N bytes
//	cp SRC DST            copy a file
//	count N GLOB          exactly N files match GLOB

// script is a parsed script file.
type script struct {
	lines []scriptLine
	files map[string][]byte
}

type scriptLine struct {
	no   int
	neg  bool
	args []string
}

// parseScript parses the txtar-like format.
func parseScript(data []byte) (*script, error) {
	s := &script{files: map[string][]byte{}}
	var file string
	var body []byte
	flush := func() {
		if file != "" {
			s.files[file] = body
		}
	}
	for i, line := range strings.SplitAfter(string(data), "\n") {
		trimmed := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			file = strings.TrimSpace(trimmed[3 : len(trimmed)-3])
			if file == "" || strings.Contains(file, "..") || filepath.IsAbs(file) {
				return nil, fmt.Errorf("line %d: bad file name %q", i+1, file)
			}
			if _, dup := s.files[file]; dup {
				return nil, fmt.Errorf("line %d: file %q twice", i+1, file)
			}
			body = []byte{}
			continue
		}
		if file != "" {
			body = append(body, line...)
			continue
		}
		if trimmed = strings.TrimSpace(trimmed); trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		args, err := splitArgs(trimmed)
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", i+1, err)
		}
		l := scriptLine{no: i + 1, args: args}
		if args[0] == "!" {
			l.neg, l.args = true, args[1:]
			if len(l.args) == 0 {
				return nil, fmt.Errorf("line %d: lone !", i+1)
			}
		}
		s.lines = append(s.lines, l)
	}
	flush()
	return s, nil
}

// splitArgs splits on spaces, keeping '…' quoted text together.
func splitArgs(line string) ([]string, error) {
	var args []string
	var cur strings.Builder
	in, have := false, false
	for _, c := range line {
		switch {
		case c == '\'':
			in, have = !in, true
		case (c == ' ' || c == '\t') && !in:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteRune(c)
			have = true
		}
	}
	if in {
		return nil, fmt.Errorf("unterminated quote")
	}
	if have {
		args = append(args, cur.String())
	}
	return args, nil
}

func TestScripts(t *testing.T) {
	files, err := filepath.Glob("testdata/script/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts: %v", err)
	}
	testdata, _ := filepath.Abs("testdata")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			s, err := parseScript(data)
			if err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			runScript(t, f, s, testdata)
		})
	}
}

func runScript(t *testing.T, name string, s *script, testdata string) {
	work := t.TempDir()
	for f, b := range s.files {
		p := filepath.Join(work, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	vars := map[string]string{"WORK": work, "TESTDATA": testdata}
	expand := func(s string) string {
		return os.Expand(s, func(k string) string {
			if v, ok := vars[k]; ok {
				return v
			}
			return "$" + k
		})
	}
	var stdout, stderr bytes.Buffer
	var stdin []byte
	code, checked, ran := 0, true, ""
	var log strings.Builder
	fail := func(l scriptLine, format string, args ...any) {
		t.Fatalf("%s:%d: %s: %s\n--- log:\n%s--- stdout:\n%s--- stderr:\n%s", name, l.no, strings.Join(l.args, " "),
			fmt.Sprintf(format, args...), log.String(), stdout.String(), stderr.String())
	}
	firstMatch := func(l scriptLine, glob string) string {
		m, _ := filepath.Glob(glob)
		slices.Sort(m)
		if len(m) == 0 {
			fail(l, "no file matches %s", glob)
		}
		return m[0]
	}
	for _, l := range s.lines {
		args := make([]string, len(l.args))
		for i, a := range l.args {
			args[i] = expand(a)
		}
		fmt.Fprintf(&log, "> %s\n", strings.Join(l.args, " "))
		need := func(n int) {
			if len(args) != n+1 {
				fail(l, "want %d arguments", n)
			}
		}
		switch args[0] {
		case "trailkit":
			if !checked {
				fail(l, "previous command %q exited %d, unchecked", ran, code)
			}
			if l.neg {
				fail(l, "use a status line, not !")
			}
			stdout.Reset()
			stderr.Reset()
			code = run(args[1:], bytes.NewReader(stdin), &stdout, &stderr)
			stdin, checked, ran = nil, code == 0, strings.Join(l.args, " ")
		case "status":
			need(1)
			want, err := strconv.Atoi(args[1])
			if err != nil {
				fail(l, "bad status")
			}
			if code != want {
				fail(l, "exit status %d, want %d", code, want)
			}
			checked = true
		case "stdout", "stderr":
			need(1)
			out := stdout.String()
			if args[0] == "stderr" {
				out = stderr.String()
			}
			re, err := regexp.Compile("(?m)" + args[1])
			if err != nil {
				fail(l, "bad regexp: %v", err)
			}
			if re.MatchString(out) == l.neg {
				fail(l, "%s matches: %v, want %v", args[0], l.neg, !l.neg)
			}
		case "stdin":
			need(1)
			b, err := os.ReadFile(args[1])
			if err != nil {
				fail(l, "%v", err)
			}
			stdin = b
		case "exists":
			need(1)
			_, err := os.Stat(args[1])
			if (err == nil) == l.neg {
				fail(l, "exists is %v", err == nil)
			}
		case "count":
			need(2)
			m, _ := filepath.Glob(args[2])
			if strconv.Itoa(len(m)) != args[1] {
				fail(l, "%d files match, want %s", len(m), args[1])
			}
		case "edit":
			need(3)
			p := firstMatch(l, args[1])
			b, _ := os.ReadFile(p)
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				fail(l, "%v", err)
			}
			raw, err := io.ReadAll(zr)
			if err != nil || !bytes.Contains(raw, []byte(args[2])) {
				fail(l, "%s does not contain %q (%v)", p, args[2], err)
			}
			raw = bytes.Replace(raw, []byte(args[2]), []byte(args[3]), 1)
			var buf bytes.Buffer
			zw := gzip.NewWriter(&buf)
			zw.Write(raw)
			zw.Close()
			os.WriteFile(p, buf.Bytes(), 0o644)
		case "rm":
			need(1)
			if err := os.Remove(firstMatch(l, args[1])); err != nil {
				fail(l, "%v", err)
			}
		case "truncate":
			need(2)
			n, _ := strconv.Atoi(args[2])
			if err := os.Truncate(firstMatch(l, args[1]), int64(n)); err != nil {
				fail(l, "%v", err)
			}
		case "cp":
			need(2)
			b, err := os.ReadFile(args[1])
			if err == nil {
				os.MkdirAll(filepath.Dir(args[2]), 0o755)
				err = os.WriteFile(args[2], b, 0o644)
			}
			if err != nil {
				fail(l, "%v", err)
			}
		default:
			fail(l, "unknown command %q", args[0])
		}
	}
	if !checked {
		t.Fatalf("%s: last command %q exited %d, unchecked\n%s%s", name, ran, code, stdout.String(), stderr.String())
	}
}

func TestParseScript(t *testing.T) {
	s, err := parseScript([]byte("# c\ntrailkit gen --x 'a b'\n! stdout 'x y'\n\n-- a/b.json --\n{}\n-- c --\nline\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.lines) != 2 || !slices.Equal(s.lines[0].args, []string{"trailkit", "gen", "--x", "a b"}) ||
		!s.lines[1].neg || !slices.Equal(s.lines[1].args, []string{"stdout", "x y"}) {
		t.Fatalf("lines %+v", s.lines)
	}
	if string(s.files["a/b.json"]) != "{}\n" || string(s.files["c"]) != "line\n" {
		t.Fatalf("files %q", s.files)
	}
	for _, bad := range []string{"trailkit 'x\n", "-- ../x --\n", "-- a --\n-- a --\n", "!\n"} {
		if _, err := parseScript([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// FuzzParseScript: the script parser never panics.
func FuzzParseScript(f *testing.F) {
	f.Add([]byte("trailkit gen 'a b'\n-- f --\nx\n"))
	f.Add([]byte("! stdout '\n-- --\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseScript(b)
	})
}
