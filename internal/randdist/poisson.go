// Package randdist holds the randomness trailkit's generators share: the
// Poisson sampler of event/eventtest and the insights test scenarios, and
// the seeded streams and UUIDs of the fixtures and the CLI. It
// imports nothing of trailkit, so eventtest can use it without an import
// cycle.
package randdist

import "math"

// Poisson draws from a Poisson distribution of mean lam, taking uniform
// draws in [0, 1) from u: by inversion below 30, by Hörmann's PTRS
// transformed rejection above ("The transformed rejection method for
// generating Poisson random variables", 1993). The draw depends only on
// lam and the values u returns, so a caller that seeds u keeps its streams
// byte for byte.
func Poisson(u func() float64, lam float64) int {
	if lam < 30 {
		x := u()
		p := math.Exp(-lam)
		f := p
		k := 0
		for x > f && k < 1000 {
			k++
			p *= lam / float64(k)
			f += p
		}
		return k
	}
	slam := math.Sqrt(lam)
	loglam := math.Log(lam)
	b := 0.931 + 2.53*slam
	a := -0.059 + 0.02483*b
	invalpha := 1.1239 + 1.1328/(b-3.4)
	vr := 0.9277 - 3.6224/(b-2)
	for {
		x := u() - 0.5
		v := u()
		us := 0.5 - math.Abs(x)
		k := math.Floor((2*a/us+b)*x + lam + 0.43)
		if us >= 0.07 && v <= vr {
			return int(k)
		}
		if k < 0 || (us < 0.013 && v > us) {
			continue
		}
		lg, _ := math.Lgamma(k + 1)
		if math.Log(v)+math.Log(invalpha)-math.Log(a/(us*us)+b) <= -lam+k*loglam-lg {
			return int(k)
		}
	}
}
