// The surveys service for another service's tests (the KPI report's NPS reads the surveys it asks).
export { type Surveys, startSurveys } from '../start-surveys.ts';
export { surveyRoutes } from '../survey-routes.ts';
