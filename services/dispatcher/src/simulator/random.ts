/**
 * Seeded randomness for the simulator. Two kinds: a sequential stream (mulberry32) for the traffic,
 * and keyed draws, a hash of (seed, lead, attempt, slot), for everything that happens to a lead. Keyed
 * draws give common random numbers: every policy run on the same seed sees the same outcome, ring
 * and handle time for a lead's n-th dial, so two policies differ by their choices only, and the upper
 * bound can reason about the very draws the policies meet.
 */

import { seededRandom } from '@pronto/staffing';

/** A uniform draw in [0, 1) from a 32-bit state, advanced on each call (mulberry32). */
export const sequentialRandom = seededRandom;

/** A 32-bit avalanche mix (the murmur3 finaliser): close inputs give unrelated outputs. */
function mix(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** What a keyed draw is for: each has its own number so that draws of one dial are independent. */
export const DRAW = {
  score: 1,
  outcome: 2,
  agentRing: 3,
  personRing: 4,
  handle: 5,
  handleShape: 6,
} as const;

/** A uniform draw in (0, 1) that depends only on its keys. */
export function keyedUniform(seed: number, lead: number, attempt: number, slot: number): number {
  const h = mix(mix(mix(mix(seed ^ 0x9e3779b9) ^ lead) ^ Math.imul(attempt + 1, 0x27d4eb2d)) ^ slot);
  return (h + 0.5) / 4_294_967_296;
}

export function uniformBetween(min: number, max: number, u: number): number {
  return min + (max - min) * u;
}

/** Exponential with the given mean, by inversion. */
export function exponential(mean: number, u: number): number {
  return -mean * Math.log(u);
}

/**
 * Log-normal with the given mean and standard deviation (of the value, not of its log), from two
 * uniforms by Box-Muller.
 */
export function lognormal(mean: number, sd: number, u1: number, u2: number): number {
  if (sd <= 0) return mean;
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  const mu = Math.log(mean) - sigma2 / 2;
  const normal = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  return Math.exp(mu + Math.sqrt(sigma2) * normal);
}
