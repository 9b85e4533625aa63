// The desktop's elements (agent.html), collected once: the lead card is detached from the document
// while the agent holds no lead, so later look-ups by selector would miss its children.
import { byTestId } from '@pronto/pages/browser';

const byId = <Element extends HTMLElement = HTMLElement>(id: string) =>
  document.getElementById(id) as Element;

export const el = {
  boot: byId('boot'),
  signin: byId('signin'),
  signinForm: byTestId<HTMLFormElement>('signin-form'),
  signinUser: byTestId<HTMLInputElement>('signin-username'),
  signinPassword: byTestId<HTMLInputElement>('signin-password'),
  signinSubmit: byTestId<HTMLButtonElement>('signin-submit'),
  signinError: byTestId('signin-error'),
  signinNote: byId('signin-note'),
  desktop: byId('desktop'),
  agentName: byId('agent-name'),
  badge: byTestId('agent-state'),
  soundHint: byId<HTMLButtonElement>('sound-hint'),
  connection: byTestId('connection'),
  pauseForm: byId<HTMLFormElement>('pause-form'),
  pauseReason: byId<HTMLSelectElement>('pause-reason'),
  pause: byTestId<HTMLButtonElement>('pause'),
  resume: byTestId<HTMLButtonElement>('resume'),
  signout: byTestId<HTMLButtonElement>('signout'),
  replaced: byId('replaced'),
  reconnectHere: byId<HTMLButtonElement>('reconnect-here'),
  workspace: byId('workspace'),
  saved: byTestId('saved'),
  idle: byId('idle'),
  idleTitle: byId('idle-title'),
  idleSince: byId('idle-since'),
  idleLast: byId('idle-last'),
  lead: byTestId('offer'),
  stage: byTestId('call-stage'),
  offerExpiry: byId('offer-expiry'),
  offerCountdown: byTestId('offer-countdown'),
  leadCampaign: byId('lead-campaign'),
  leadName: byTestId('lead-name'),
  leadPhone: byTestId('lead-phone'),
  leadProduct: byTestId('lead-product'),
  leadAmount: byTestId('lead-amount'),
  leadTerm: byId('lead-term'),
  leadEligibility: byId('lead-eligibility'),
  leadIntent: byId('lead-intent'),
  leadIntents: byId('lead-intents'),
  leadAttempt: byId('lead-attempt'),
  leadLocalTime: byId('lead-localtime'),
  leadPage: byId('lead-page'),
  sla: byId('sla'),
  slaLabel: byId('sla-label'),
  slaCountdown: byTestId('sla-countdown'),
  slaPrefix: document.createElement('span'),
  slaTime: document.createElement('span'),
  slaDue: byId('sla-due'),
  score: byTestId('score'),
  scoreFactors: byTestId('score-factors'),
  callActions: byId('call-actions'),
  accept: byTestId<HTMLButtonElement>('accept'),
  reject: byTestId<HTMLButtonElement>('reject'),
  hangup: byTestId<HTMLButtonElement>('hangup'),
  dispositions: byId('dispositions'),
  dispoSale: byTestId<HTMLButtonElement>('dispo-sale'),
  saleValue: byTestId<HTMLInputElement>('sale-value'),
  saleCurrency: byId('sale-currency'),
  dispoNotInterested: byTestId<HTMLButtonElement>('dispo-not-interested'),
  dispoCallback: byTestId<HTMLButtonElement>('dispo-callback'),
  callbackAt: byTestId<HTMLInputElement>('callback-at'),
  dispoWrongPerson: byTestId<HTMLButtonElement>('dispo-wrong-person'),
  dispoDnc: byTestId<HTMLButtonElement>('dispo-dnc'),
  dncText: byId('dnc-text'),
  dncConfirm: byId('dnc-confirm'),
  dispoOther: byTestId<HTMLButtonElement>('dispo-other'),
  otherNote: byId<HTMLInputElement>('other-note'),
  leadFeedback: byId('lead-feedback'),
  feedback: byId('feedback'),
  commandError: byTestId('command-error'),
  errorTitle: byId('error-title'),
  errorDetail: byId('error-detail'),
  liveOffer: byId('live-offer'),
  liveStatus: byId('live-status'),
};

/** Fields the gateway may name in an error, and the input the agent fixes them in. */
export const FIELD_INPUTS: Record<string, HTMLElement> = {
  'disposition.value': el.saleValue,
  'disposition.callbackAt': el.callbackAt,
  'disposition.note': el.otherNote,
};

/** Every button that sends a command: disabled while one is in flight or the socket is down. */
export const COMMAND_BUTTONS = [
  el.accept,
  el.reject,
  el.hangup,
  el.dispoSale,
  el.dispoNotInterested,
  el.dispoCallback,
  el.dispoWrongPerson,
  el.dispoDnc,
  el.dispoOther,
  el.pause,
  el.resume,
];

/** On screen: in the document and not inside a hidden section. */
export const isShown = (element: Element) => element.isConnected && !element.closest('[hidden]');

/** Whether the agent is typing in a field, where keys are text and not shortcuts. */
export function isTyping(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.matches('input, textarea, select');
}
