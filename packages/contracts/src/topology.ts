/**
 * Which consumer groups read each topic. Brokers that drop messages nobody subscribed to yet
 * (Google Pub/Sub) get these subscriptions before the first publish, so a service started after
 * its producers still receives everything.
 */
export const TOPOLOGY: Readonly<Record<string, readonly string[]>> = {
  intents: ['scoring'],
  // Reporting comes later; its subscriptions exist from the first publish on, so what is published
  // before it is deployed waits for it.
  leads: ['dispatcher'],
  'lead-events': ['reporting'],
  offers: ['agent-gateway'],
  'agent-commands': ['dispatcher'],
  'dial-requests': ['dialer'],
  'call-events': ['dispatcher', 'reporting'],
  // Read by the tenant's SMS provider integration, outside Pronto: its subscription exists from the
  // first survey on, so the questions asked before it is deployed wait for it.
  'survey-requests': ['survey-sender'],
};
