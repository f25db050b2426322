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

// nbUpper returns P(X >= x) for X negative binomial of mean lambda and
// variance phi*lambda (Poisson when phi is 1): with r = lambda/(phi-1)
// and success probability q = 1/phi, P(X >= x) = I_{1-q}(x, r), the
// regularized incomplete beta function.
func nbUpper(x, lambda, phi float64) float64 {
	if phi <= 1+1e-9 {
		return poissonUpper(x, lambda)
	}
	if x <= 0 {
		return 1
	}
	if lambda <= 0 {
		return 0
	}
	return betaInc(x, lambda/(phi-1), 1-1/phi)
}

// nbLower returns P(X <= x) for the same X: I_q(r, x+1).
func nbLower(x, lambda, phi float64) float64 {
	if phi <= 1+1e-9 {
		return poissonLower(x, lambda)
	}
	if lambda <= 0 {
		return 1
	}
	return betaInc(lambda/(phi-1), x+1, 1/phi)
}

// zeroRate is -ln P(X = 0) / lambda for the same X: ln(phi)/(phi-1), 1
// for Poisson.
func zeroRate(phi float64) float64 {
	if phi <= 1+1e-9 {
		return 1
	}
	return math.Log(phi) / (phi - 1)
}

// betaInc is the regularized incomplete beta function I_z(a, b)
// (Numerical Recipes §6.4: the continued fraction, on the side of z where
// it converges fast).
func betaInc(a, b, z float64) float64 {
	switch {
	case z <= 0:
		return 0
	case z >= 1:
		return 1
	}
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	front := math.Exp(lab - la - lb + a*math.Log(z) + b*math.Log1p(-z))
	if z < (a+1)/(a+b+2) {
		return front * betaCF(a, b, z) / a
	}
	return 1 - front*betaCF(b, a, 1-z)/b
}

// betaCF evaluates the continued fraction of betaInc by the modified
// Lentz method.
func betaCF(a, b, z float64) float64 {
	const tiny = 1e-300
	qab, qap, qam := a+b, a+1, a-1
	c, d := 1.0, 1-qab*z/qap
	if math.Abs(d) < tiny {
		d = tiny
	}
	d = 1 / d
	h := d
	for m := 1; m <= 10000; m++ {
		fm := float64(m)
		m2 := 2 * fm
		aa := fm * (b - fm) * z / ((qam + m2) * (a + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
		if math.Abs(c) < tiny {
			c = tiny
		}
		d = 1 / d
		h *= d * c
		aa = -(a + fm) * (qab + fm) * z / ((a + m2) * (qap + m2))
		d = 1 + aa*d
		if math.Abs(d) < tiny {
			d = tiny
		}
		c = 1 + aa/c
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
	return h
}
