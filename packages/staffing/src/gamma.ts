// Logarithms of the gamma and lower incomplete gamma functions, for Erlang A. Its formulas hold
// γ(x, y) with x = n·patience/h and y = λ·patience, which run to thousands for a few hundred
// patient agents: the values themselves overflow a double, their logarithms do not.

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const RELATIVE_EPSILON = 1e-17;
const MAX_TERMS = 10_000_000;
const TINY = 1e-300;

/**
 * ln Γ(x) for x > 0: Stirling's series from x >= 15 (error below 1e-16 relative there), and the
 * recurrence Γ(x) = Γ(x + k) / (x·(x+1)·…·(x+k-1)) to reach it from smaller x.
 */
export function lnGamma(x: number): number {
  let shift = 0;
  let z = x;
  while (z < 15) {
    shift += Math.log(z);
    z += 1;
  }
  const inverse = 1 / z;
  const inverseSquared = inverse * inverse;
  const series =
    inverse *
    (1 / 12 -
      inverseSquared *
        (1 / 360 - inverseSquared * (1 / 1260 - inverseSquared * (1 / 1680 - inverseSquared / 1188))));
  return (z - 0.5) * Math.log(z) - z + HALF_LOG_TWO_PI + series - shift;
}

/**
 * ln γ(a, z), the lower incomplete gamma ∫₀ᶻ t^(a-1) e^(-t) dt, for a > 0 and z >= 0.
 * Below z = a + 1 by its power series, whose terms fall from the first; above, through the upper
 * function Γ(a, z) by its continued fraction (Numerical Recipes §6.2), which converges fast there.
 */
export function lnLowerGamma(a: number, z: number): number {
  if (z <= 0) return Number.NEGATIVE_INFINITY;
  if (z < a + 1) return lnLowerGammaSeries(a, z);
  const lnGammaA = lnGamma(a);
  const upperShare = Math.exp(lnUpperGammaFraction(a, z) - lnGammaA);
  return lnGammaA + Math.log1p(-upperShare);
}

/** γ(a, z) = z^a e^(-z) Σ_k z^k / (a·(a+1)·…·(a+k)). */
function lnLowerGammaSeries(a: number, z: number): number {
  let term = 1 / a;
  let sum = term;
  for (let k = 1; k < MAX_TERMS; k += 1) {
    term *= z / (a + k);
    sum += term;
    if (term < sum * RELATIVE_EPSILON) break;
  }
  return a * Math.log(z) - z + Math.log(sum);
}

/** ln Γ(a, z) by the modified Lentz evaluation of its continued fraction, for z > a + 1. */
function lnUpperGammaFraction(a: number, z: number): number {
  let b = z + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < MAX_TERMS; i += 1) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < 1e-16) break;
  }
  return a * Math.log(z) - z + Math.log(fraction);
}
