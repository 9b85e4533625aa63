// Staffing science: how many agents a queue needs (Erlang C, Erlang A), and how a lead's SLA maps
// onto a queue's service level. Pure functions, no I/O; docs/staffing.md explains every figure.

export {
  type AgentsNeededInput,
  agentsNeeded,
} from './agents-needed.ts';
export { type ErlangAFigures, type ErlangAInput, erlangA } from './erlang-a.ts';
export {
  averageWaitC,
  type ErlangCInput,
  erlangB,
  erlangC,
  occupancyC,
  serviceLevelC,
} from './erlang-c.ts';
export { forecastHourly } from './forecast.ts';
export {
  type LeadMapping,
  leadTargetSeconds,
  reachWithinSla,
  requiredServiceLevel,
} from './lead-mapping.ts';
export { seededRandom } from './seeded-random.ts';
