/**
 * A score's NPS category: 9-10 promote, 7-8 are passive, 0-6 detract. The KPI report counts the same
 * categories in SQL (services/reporting/src/kpi/kpi-sql.ts) for its NPS.
 */
export function npsCategory(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}
