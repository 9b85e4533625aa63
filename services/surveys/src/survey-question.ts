/** The NPS question, by language; a person whose language is not here is asked in English. */
const QUESTIONS: Readonly<Record<string, (company: string) => string>> = {
  en: (company) =>
    `How likely are you to recommend ${company} to a friend or colleague? Reply with a number from 0 (not at all) to 10 (extremely likely).`,
  pl: (company) =>
    `Jak bardzo prawdopodobne jest, że polecisz ${company} znajomemu lub współpracownikowi? Odpowiedz liczbą od 0 (wcale) do 10 (na pewno).`,
};

/** The question for a person of `locale` (BCP 47, e.g. pl-PL) about `company` (the tenant's name). */
export function surveyQuestion(locale: string, company: string): string {
  const language = locale.split('-')[0]?.toLowerCase() ?? 'en';
  return (QUESTIONS[language] ?? (QUESTIONS.en as (company: string) => string))(company);
}
