export { npsCategory } from './nps.ts';
export { requestSurvey, SURVEY_RELAY, SURVEY_TTL_MS } from './request-survey.ts';
export { SURVEYS_GROUP, type Surveys, type SurveysDeps, startSurveys } from './start-surveys.ts';
export { SURVEY_EVENT } from './survey-requests.ts';
export { type SurveyRouteDeps, surveyRoutes } from './survey-routes.ts';
export { surveysSignedRoutes } from './surveys-api.ts';
