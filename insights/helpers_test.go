package insights

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/trailkit/trailkit/event"
)

// seqIDs returns a deterministic ID source.
func seqIDs() func() string {
	n := 0
	return func() string {
		n++
		return fmt.Sprintf("00000000-0000-4000-8000-%012d", n)
	}
}

// poisson draws a Poisson variate (Knuth for small means, normal above).
func poisson(r *rand.Rand, lam float64) int {
	if lam <= 0 {
		return 0
	}
	if lam > 60 {
		v := int(math.Round(lam + math.Sqrt(lam)*r.NormFloat64()))
		return max(v, 0)
	}
	l := math.Exp(-lam)
	k, p := 0, 1.0
	for {
		p *= r.Float64()
		if p <= l {
			return k
		}
		k++
	}
}

var t0 = time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC)

// api is one series fed through the record path by feed.
type api struct {
	source, name, errorCode string
	readOnly                bool
	rate                    func(m time.Time) float64 // expected calls per minute
}

// feed generates records minute by minute from start for n minutes, in
// eventTime order, seeded, and adds them to d.
func feed(t *testing.T, d *Detector, seed uint64, start time.Time, minutes int, apis []api) {
	t.Helper()
	feedWith(t, seed, start, minutes, apis, func(r *event.Record) { d.Add(r) }, d.Advance)
}

// feedWith is feed with the record sink and the final Advance given.
func feedWith(t *testing.T, seed uint64, start time.Time, minutes int, apis []api, add func(*event.Record), advance func(time.Time)) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	users := []string{
		"arn:aws:iam::111122223333:user/alice",
		"arn:aws:sts::111122223333:assumed-role/Deployer/ci",
		"arn:aws:sts::111122223333:assumed-role/Ops/bob",
	}
	agents := []string{"aws-cli/2.15.0 Python/3.11.6", "aws-sdk-go-v2/1.24.0", "console.amazonaws.com"}
	for i := range minutes {
		m := start.Add(time.Duration(i) * time.Minute)
		for _, a := range apis {
			n := poisson(r, a.rate(m))
			for j := range n {
				ro := a.readOnly
				rec := &event.Record{
					EventVersion:       "1.11",
					UserIdentity:       &event.UserIdentity{Type: event.IdentityIAMUser, ARN: users[r.IntN(len(users))]},
					EventTime:          m.Add(time.Duration(j*60/max(n, 1)) * time.Second),
					EventSource:        a.source,
					EventName:          a.name,
					AWSRegion:          "us-east-1",
					UserAgent:          agents[r.IntN(len(agents))],
					ErrorCode:          a.errorCode,
					ReadOnly:           &ro,
					EventType:          event.AwsAPICall,
					EventCategory:      event.CategoryManagement,
					RecipientAccountID: "111122223333",
				}
				add(rec)
			}
		}
	}
	advance(start.Add(time.Duration(minutes) * time.Minute))
}

func constRate(v float64) func(time.Time) float64 { return func(time.Time) float64 { return v } }

// stepRate is base outside [from, to) and during inside it.
func stepRate(base, during float64, from, to time.Time) func(time.Time) float64 {
	return func(m time.Time) float64 {
		if !m.Before(from) && m.Before(to) {
			return during
		}
		return base
	}
}
