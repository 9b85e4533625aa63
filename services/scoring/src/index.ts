export { computeScore, DEFAULT_WEIGHTS, type ScoringWeights } from './compute-score.ts';
export { ScoringConfig } from './config.ts';
export {
  SCORING_GROUP,
  SCORING_TOPICS,
  type Scoring,
  type ScoringDeps,
  startScoring,
} from './start-scoring.ts';
