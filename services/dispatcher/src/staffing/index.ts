export { localHours } from './local-hours.ts';
export { adviseStaffing } from './staffing-advice.ts';
export { type StaffingRouteDeps, staffingRoutes, staffingSignedRoutes } from './staffing-routes.ts';
export { type StaffingAnswer, type StaffingHour, StaffingSchema } from './staffing-schema.ts';
