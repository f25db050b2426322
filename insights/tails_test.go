package insights

import (
	"math"
	"testing"
)

// TestNegBinomialTails checks nbUpper and nbLower against direct
// summation of the negative binomial pmf of mean lam and variance
// phi*lam, and that phi = 1 is Poisson.
func TestNegBinomialTails(t *testing.T) {
	for _, lam := range []float64{0.01, 0.7, 4, 20, 100, 400} {
		for _, phi := range []float64{1.05, 2, 5, 30} {
			r, q := lam/(phi-1), 1/phi
			lgr, _ := math.Lgamma(r)
			pmf := func(k int) float64 {
				lk, _ := math.Lgamma(r + float64(k))
				lf, _ := math.Lgamma(float64(k) + 1)
				return math.Exp(lk - lgr - lf + r*math.Log(q) + float64(k)*math.Log1p(-q))
			}
			for _, x := range []int{0, 1, 3, 10, 40, 150, 900} {
				le := 0.0
				for k := 0; k <= x; k++ {
					le += pmf(k)
				}
				ge := 0.0
				for k := x; k < x+200000; k++ {
					p := pmf(k)
					ge += p
					if p < ge*1e-17 && float64(k) > lam*phi*3+50 {
						break
					}
				}
				if got := nbLower(float64(x), lam, phi); math.Abs(got-le) > 1e-9*le+1e-13 {
					t.Errorf("P(X<=%d | %v, %v) = %v, want %v", x, lam, phi, got, le)
				}
				if got := nbUpper(float64(x), lam, phi); math.Abs(got-ge) > 1e-9*ge+1e-13 {
					t.Errorf("P(X>=%d | %v, %v) = %v, want %v", x, lam, phi, got, ge)
				}
			}
		}
	}
	for _, x := range []float64{0, 2, 30} {
		if nbUpper(x, 12, 1) != poissonUpper(x, 12) || nbLower(x, 12, 1) != poissonLower(x, 12) {
			t.Errorf("phi 1 is not Poisson at x=%v", x)
		}
	}
	// The quick bound of isDrop: P(X = 0) = exp(-lam*zeroRate(phi)).
	for _, phi := range []float64{1, 3, 10} {
		if got, want := nbLower(0, 15, phi), math.Exp(-15*zeroRate(phi)); math.Abs(got-want) > 1e-12 {
			t.Errorf("P(X=0 | 15, %v) = %v, want %v", phi, got, want)
		}
	}
}
