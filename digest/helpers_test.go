package digest_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

func testSigner(t testing.TB) *digest.RSASigner {
	t.Helper()
	s, err := fixture.LoadKey("testdata/testkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func otherSigner(t testing.TB) *digest.RSASigner {
	t.Helper()
	s, err := fixture.LoadKey("testdata/otherkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ring(signers ...*digest.RSASigner) *digest.KeyRing {
	r := &digest.KeyRing{}
	for _, s := range signers {
		r.Add(s.PublicKey())
	}
	return r
}

// sharedDir finds ../shared next to the directory holding go.mod.
func sharedDir(t testing.TB) string {
	t.Helper()
	dir, _ := os.Getwd()
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			d := filepath.Join(dir, "..", "shared")
			if _, err := os.Stat(d); err != nil {
				t.Skipf("shared corpus %s absent", d)
			}
			return d
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("go.mod not found; shared corpus absent")
		}
		dir = parent
	}
}

func build(t testing.TB, store logfile.Store, o fixture.Options) *fixture.Result {
	t.Helper()
	if o.Signer == nil {
		o.Signer = testSigner(t)
	}
	res, err := fixture.Build(context.Background(), store, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func validate(t testing.TB, store logfile.Store, opts digest.ValidateOptions) *digest.Report {
	t.Helper()
	rep, err := digest.Validate(context.Background(), store, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func statuses(rep *digest.Report) (digests, logs map[string]digest.Status) {
	digests, logs = map[string]digest.Status{}, map[string]digest.Status{}
	for _, d := range rep.Digests {
		digests[d.Key] = d.Status
	}
	for _, l := range rep.LogFiles {
		if logs[l.Key] == "" || l.Status != digest.StatusValid {
			logs[l.Key] = l.Status
		}
	}
	return digests, logs
}
