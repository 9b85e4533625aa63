import { describe, expect, it } from 'vitest';
import { npsCategory } from './nps.ts';
import { surveyQuestion } from './survey-question.ts';

describe('NPS', () => {
  it('puts 9-10 among promoters, 7-8 among passives, 0-6 among detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it("asks in the person's language when it has it, else in English", () => {
    expect(surveyQuestion('pl-PL', 'Acme Bank')).toMatch(/^Jak bardzo .*Acme Bank/);
    expect(surveyQuestion('de-DE', 'Acme Bank')).toMatch(/^How likely .*Acme Bank.*0.*10/);
  });
});
