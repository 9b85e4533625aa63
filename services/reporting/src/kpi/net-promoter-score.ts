/**
 * Net Promoter Score: % promoters (9-10) minus % detractors (0-6) of the answered surveys (-100..100);
 * null when none. The scores are the surveys service's (the survey table, read by kpi-sql.ts).
 */
export function netPromoterScore(promoters: number, detractors: number, answered: number): number | null {
  return answered > 0 ? ((promoters - detractors) * 100) / answered : null;
}
