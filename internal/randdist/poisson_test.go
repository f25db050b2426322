package randdist

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestPoissonMoments: over many draws the sample mean and variance of
// Poisson(lam) are both lam, for means on both sides of the switch from
// inversion to PTRS at 30.
func TestPoissonMoments(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, lam := range []float64{0.1, 1, 4.5, 29.9, 30, 75, 1000} {
		const n = 200_000
		var sum, sq float64
		for range n {
			k := float64(Poisson(r.Float64, lam))
			sum += k
			sq += k * k
		}
		mean := sum / n
		variance := sq/n - mean*mean
		// The sample mean's standard error is sqrt(lam/n); allow 5 of them.
		if tol := 5 * math.Sqrt(lam/n); math.Abs(mean-lam) > tol {
			t.Errorf("lam %v: mean %v, want within %v", lam, mean, tol)
		}
		if math.Abs(variance-lam) > 0.05*lam+0.01 {
			t.Errorf("lam %v: variance %v", lam, variance)
		}
	}
}

func TestPoissonZeroMean(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 1000 {
		if k := Poisson(r.Float64, 0); k != 0 {
			t.Fatalf("Poisson(0) = %d", k)
		}
	}
}
