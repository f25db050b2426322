// Package testenv gives trailkit's tests what lives outside the repository:
// the real-record corpus in ../shared/cloudtrail-realdata (its licences do not
// allow copying it into the project) and the interop tools (python3 with
// awscli and moto, moto_server, aws).
//
// A test that needs one of them skips with a message saying what is missing,
// except when the environment variable TRAILKIT_REQUIRE_INTEROP is "1" (CI
// sets it): then a missing tool or corpus fails the test, so CI cannot pass
// by skipping.
package testenv

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// RequireEnv is the environment variable that turns skips into failures.
const RequireEnv = "TRAILKIT_REQUIRE_INTEROP"

// rootModule is the first line of the core module's go.mod. The nested
// module aws has a go.mod of its own, so the walk checks the line.
const rootModule = "module github.com/trailkit/trailkit"

// Missing skips the test because what it needs is missing, or fails it when
// RequireEnv is set.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv(RequireEnv) == "1" {
		t.Fatalf("%s=1 but %s", RequireEnv, what)
	}
	t.Skipf("skipping: %s (set %s=1 to make this a failure)", what, RequireEnv)
}

// RepoRoot returns the directory of the core module's go.mod, found by
// walking up from the working directory.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && (bytes.HasPrefix(b, []byte(rootModule+"\n")) || bytes.HasPrefix(b, []byte(rootModule+"\r\n"))) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("the trailkit module root is not above the working directory")
		}
		dir = parent
	}
}

// RealDataPath returns the path of name in ../shared/cloudtrail-realdata
// (next to the repository), or an error saying why it is unavailable.
func RealDataPath(name string) (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	p := filepath.Join(root, "..", "shared", "cloudtrail-realdata", name)
	if _, err := os.Stat(p); err != nil {
		return "", fmt.Errorf("real-record corpus file %s not found (it lives in ../shared next to the repository): %w", name, err)
	}
	return p, nil
}

// RealData returns the path of name in the real-record corpus, or skips the
// test (see Missing).
func RealData(t testing.TB, name string) string {
	t.Helper()
	p, err := RealDataPath(name)
	if err != nil {
		Missing(t, err.Error())
	}
	return p
}

// RecordLines returns the non-empty lines of the corpus's records.jsonl, one
// compact JSON record each, or skips the test.
func RecordLines(t testing.TB) [][]byte {
	t.Helper()
	f, err := os.Open(RealData(t, "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines [][]byte
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), 1<<24)
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 {
			lines = append(lines, bytes.Clone(l))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// Tool returns the path of the named program on PATH, or skips the test.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(t, name+" not found on PATH")
	}
	return p
}

// Python returns python3 after checking that it can import awscli, moto and
// boto3, or skips the test.
func Python(t testing.TB) string {
	t.Helper()
	py := Tool(t, "python3")
	if out, err := exec.Command(py, "-c", "import awscli, moto, boto3").CombinedOutput(); err != nil {
		Missing(t, "python3 cannot import awscli, moto and boto3: "+strings.TrimSpace(string(out)))
	}
	return py
}

// AWSCLIResult is what aws-cli's validate-logs code printed, and its exit
// status, for one run of the driver.
type AWSCLIResult struct {
	RC     int    `json:"rc"`
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
}

// ValidateLogs runs aws-cli's own validate-logs code through the driver
// digest/testdata/awscli_validate.py (moto's in-process S3, only the
// public-key lookup replaced) with python py (see Python), once per element
// of specs (the driver's JSON run specifications), and returns one result per
// run. It fails the test when the driver fails or answers with a different
// number of results.
func ValidateLogs(t testing.TB, py string, specs []map[string]string) []AWSCLIResult {
	t.Helper()
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	specFile := filepath.Join(t.TempDir(), "spec.json")
	b, err := json.Marshal(specs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(specFile, b, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, filepath.Join(root, "digest", "testdata", "awscli_validate.py"), specFile)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("aws-cli driver: %v\n%s", err, stderr.String())
	}
	var results []AWSCLIResult
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(specs) {
		t.Fatalf("aws-cli driver output: %v (%d results for %d runs)\n%s", err, len(results), len(specs), out)
	}
	return results
}
