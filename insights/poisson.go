package insights

import "math"

// poissonUpper returns P(X >= x) for X ~ Poisson(lambda): the regularized
// lower incomplete gamma function P(x, lambda) for x >= 1.
func poissonUpper(x float64, lambda float64) float64 {
	if x <= 0 {
		return 1
	}
	if lambda <= 0 {
		return 0
	}
	return gammaP(x, lambda)
}

// poissonLower returns P(X <= x) for X ~ Poisson(lambda): the regularized
// upper incomplete gamma function Q(x+1, lambda).
func poissonLower(x float64, lambda float64) float64 {
	if lambda <= 0 {
		return 1
	}
	return 1 - gammaP(x+1, lambda)
}

// gammaP is the regularized lower incomplete gamma function P(a, x)
// (Numerical Recipes §6.2: series for x < a+1, continued fraction above).
func gammaP(a, x float64) float64 {
	if x <= 0 {
		return 0
	}
	lg, _ := math.Lgamma(a)
	if x < a+1 {
		ap, sum := a, 1/a
		del := sum
		for range 1000 {
			ap++
			del *= x / ap
			sum += del
			if math.Abs(del) < math.Abs(sum)*1e-15 {
				break
			}
		}
		return sum * math.Exp(-x+a*math.Log(x)-lg)
	}
	const tiny = 1e-300
	b := x + 1 - a
	c := 1 / tiny
	d := 1 / b
	h := d
	for i := 1; i <= 1000; i++ {
		an := -float64(i) * (float64(i) - a)
		b += 2
		d = an*d + b
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = b + an/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		del := d * c
		h *= del
		if math.Abs(del-1) < 1e-15 {
			break
		}
	}
	return 1 - math.Exp(-x+a*math.Log(x)-lg)*h
}
