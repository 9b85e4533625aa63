/** A score's NPS category: 9-10 promote, 7-8 are passive, 0-6 detract. */
export function npsCategory(score: number): 'promoter' | 'passive' | 'detractor' {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** Net Promoter Score: % promoters minus % detractors of the answered surveys (-100..100); null when none. */
export function netPromoterScore(promoters: number, detractors: number, answered: number): number | null {
  return answered > 0 ? ((promoters - detractors) * 100) / answered : null;
}
