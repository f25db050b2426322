package digest_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/trailkit/trailkit/internal/testenv"

	"github.com/trailkit/trailkit/digest"
	"github.com/trailkit/trailkit/digest/internal/fixture"
	"github.com/trailkit/trailkit/logfile"
)

func testSigner(t testing.TB) *fixture.Key {
	t.Helper()
	s, err := fixture.LoadKey("testdata/testkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func otherSigner(t testing.TB) *fixture.Key {
	t.Helper()
	s, err := fixture.LoadKey("testdata/otherkey.pem")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func ring(signers ...*fixture.Key) *digest.KeyRing {
	r := &digest.KeyRing{}
	for _, s := range signers {
		r.Add(s.PublicKey())
	}
	return r
}

// sharedDir returns ../shared next to the repository, or skips.
func sharedDir(t testing.TB) string {
	t.Helper()
	return filepath.Dir(filepath.Dir(testenv.RealData(t, "records.jsonl")))
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

// lookup returns the ring's key with fingerprint fp, or nil.
func lookup(r *digest.KeyRing, fp digest.Fingerprint) *digest.PublicKey {
	for _, k := range r.Keys() {
		if k.Fingerprint == fp {
			return k
		}
	}
	return nil
}

// marshal returns d's JSON as CloudTrail writes it.
func marshal(d *digest.Digest) string {
	b, _ := d.MarshalJSON()
	return string(b)
}
