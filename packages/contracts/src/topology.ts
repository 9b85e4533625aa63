/**
 * Which consumer groups read each topic. Brokers that drop messages nobody subscribed to yet
 * (Google Pub/Sub) get these subscriptions before the first publish, so a service started after
 * its producers still receives everything.
 */
export const TOPOLOGY: Readonly<Record<string, readonly string[]>> = {
  intents: ['scoring'],
  // The dispatcher and reporting consume these (they come next); their subscriptions exist from the
  // first publish on, so what scoring publishes before they are deployed waits for them.
  leads: ['dispatcher'],
  'lead-events': ['reporting'],
};
