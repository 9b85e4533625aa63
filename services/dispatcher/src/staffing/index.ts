export { localHours } from './local-hours.ts';
export { adviseStaffing, type StaffingAnswer, type StaffingHour } from './staffing-advice.ts';
export {
  type StaffingRouteDeps,
  StaffingSchema,
  staffingRoutes,
  staffingSignedRoutes,
} from './staffing-routes.ts';
