/**
 * The design's example event: a person who just checked a pre-approved cash-loan offer. It is the
 * example in the OpenAPI document and the base that tests and `npm run send-event` vary. (Not typed
 * as IntentEvent here, which would make the schema refer to itself; a test validates it.)
 */
export const INTENT_EVENT_EXAMPLE = {
  eventId: 'evt_01JD3W5Q8E',
  type: 'offer_check',
  occurredAt: '2026-11-22T10:15:03.120Z',
  campaign: 'cash-loan',
  person: {
    phone: '+48 601 234 567',
    name: 'Jan Kowalski',
    locale: 'pl-PL',
    timeZone: 'Europe/Warsaw',
    customerId: 'C-991',
  },
  consent: { phoneContact: true, capturedAt: '2026-11-22T10:14:58Z', source: 'offer-form-v3' },
  offer: {
    product: 'cash_loan',
    amount: 20000,
    currency: 'PLN',
    termMonths: 36,
    eligibility: 'pre_approved',
  },
  context: { pageUrl: 'https://bank.example/kredyt', visits: 3, secondsOnPage: 140, utmSource: 'google' },
} as const;
