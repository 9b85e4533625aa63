/**
 * Which consumer groups read each topic. Brokers that drop messages nobody subscribed to yet
 * (Google Pub/Sub) get these subscriptions before the first publish, so a service started after
 * its producers still receives everything.
 */
export const TOPOLOGY: Readonly<Record<string, readonly string[]>> = {
  intents: ['scoring'],
  leads: [],
  'lead-events': [],
};
