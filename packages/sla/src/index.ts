export {
  type CallingCalendar,
  type CallingWindow,
  type Interval,
  isOpen,
  nextOpening,
  openIntervals,
} from './calling-calendar.ts';
export { type ResolvedZone, resolveZone } from './resolve-zone.ts';
export { computeSlaDue, type SlaClock, type SlaDue } from './sla-clock.ts';
