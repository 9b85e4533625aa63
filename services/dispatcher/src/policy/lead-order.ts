import { compareIds } from './compare-ids.ts';
import type { QueuedLead } from './types.ts';

/**
 * Which lead is offered first, as numeric sort keys per lead, compared in order (lower first), the
 * lead id breaking the last tie so that the order is total and the same input always gives the same
 * assignments. Policies differ only here; the agent choice and the overflow rule are shared, so a
 * simulator comparing policies on the same traffic compares orders and nothing else.
 */
export interface LeadOrder {
  /** How many keys each lead has. */
  readonly keyCount: number;
  /** Writes the lead's keys, most significant first, to keys[at] .. keys[at + keyCount - 1]. */
  readonly writeKeys: (lead: QueuedLead, now: number, keys: Float64Array, at: number) => void;
}

/**
 * A round's sort keys in one Float64Array, computed once per lead so that comparing reads numbers
 * only. The buffer is kept from one round to the next: allocating it per round (320 KB for 10,000
 * leads and 4 keys) made the garbage collector pause rounds for milliseconds. Rounds run
 * synchronously, so two never share it at the same time.
 */
export class SortKeys {
  private readonly order: LeadOrder;
  private values = new Float64Array(0);
  private leads: readonly QueuedLead[] = [];

  constructor(order: LeadOrder) {
    this.order = order;
  }

  /** Computes the keys of this round's queue; compare then takes indexes into it. */
  load(leads: readonly QueuedLead[], now: number): void {
    const { keyCount, writeKeys } = this.order;
    if (this.values.length < leads.length * keyCount) this.values = new Float64Array(leads.length * keyCount);
    this.leads = leads;
    const values = this.values;
    leads.forEach((lead, index) => {
      writeKeys(lead, now, values, index * keyCount);
    });
  }

  /** Negative when lead `a` goes first. */
  compare(a: number, b: number): number {
    const { values } = this;
    const width = this.order.keyCount;
    for (let key = 0; key < width; key += 1) {
      const difference = (values[a * width + key] as number) - (values[b * width + key] as number);
      if (difference !== 0) return difference;
    }
    return compareIds((this.leads[a] as QueuedLead).id, (this.leads[b] as QueuedLead).id);
  }
}
