/**
 * A binary min-heap of indexes, stored in an Int32Array it takes over: built in O(n), then the next
 * best index in O(log n), without allocating per item. A round hands out at most one lead per free
 * agent, usually far fewer than the queue holds, so taking leads best first from a heap is cheaper
 * than sorting the whole queue.
 */
export class IndexHeap {
  private readonly items: Int32Array;
  private readonly compare: (a: number, b: number) => number;
  private count: number;

  /** Reorders `items` in place: pass an array (or subarray) nobody else reads. */
  constructor(items: Int32Array, compare: (a: number, b: number) => number) {
    this.items = items;
    this.compare = compare;
    this.count = items.length;
    for (let position = (this.count >> 1) - 1; position >= 0; position -= 1) this.siftDown(position);
  }

  get size(): number {
    return this.count;
  }

  /** The best index, or -1 when the heap is empty. */
  peek(): number {
    return this.count > 0 ? (this.items[0] as number) : -1;
  }

  /** Removes and returns the best index, or -1 when the heap is empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.items[0] as number;
    this.count -= 1;
    this.items[0] = this.items[this.count] as number;
    this.siftDown(0);
    return top;
  }

  /** Restores the order after the best item became worse (e.g. a bucket of leads lost its best lead). */
  settleTop(): void {
    this.siftDown(0);
  }

  private siftDown(start: number): void {
    const { items, compare, count } = this;
    if (start >= count) return;
    const item = items[start] as number;
    let position = start;
    for (;;) {
      let child = 2 * position + 1;
      if (child >= count) break;
      if (child + 1 < count && compare(items[child + 1] as number, items[child] as number) < 0) child += 1;
      const better = items[child] as number;
      if (compare(better, item) >= 0) break;
      items[position] = better;
      position = child;
    }
    items[position] = item;
  }
}
