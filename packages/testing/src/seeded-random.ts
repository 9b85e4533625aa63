// Tests' and benchmarks' seeded draws: the simulations' own generator (@pronto/staffing).
export { seededRandom } from '@pronto/staffing';
