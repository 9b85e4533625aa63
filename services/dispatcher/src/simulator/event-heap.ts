/**
 * The simulator's future events, earliest first, as a binary min-heap over parallel arrays (no object
 * per event). Events at the same time come out in the order they were scheduled, so a run never
 * depends on the heap's internal layout.
 */
export class EventHeap {
  private times = new Float64Array(1024);
  private seqs = new Float64Array(1024);
  private kinds = new Int32Array(1024);
  private subjects = new Int32Array(1024);
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** The earliest time, or Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? (this.times[0] as number) : Number.POSITIVE_INFINITY;
  }

  push(time: number, kind: number, subject: number): void {
    if (this.count === this.times.length) this.grow();
    let at = this.count;
    this.count += 1;
    const seq = this.nextSeq;
    this.nextSeq += 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(time, seq, parent)) break;
      this.move(parent, at);
      at = parent;
    }
    this.set(at, time, seq, kind, subject);
  }

  /** Removes and returns the earliest event. */
  pop(): { time: number; kind: number; subject: number } {
    const time = this.times[0] as number;
    const kind = this.kinds[0] as number;
    const subject = this.subjects[0] as number;
    this.count -= 1;
    const last = this.count;
    if (last > 0) {
      const t = this.times[last] as number;
      const s = this.seqs[last] as number;
      const k = this.kinds[last] as number;
      const j = this.subjects[last] as number;
      let at = 0;
      for (;;) {
        const left = 2 * at + 1;
        if (left >= last) break;
        const right = left + 1;
        const child =
          right < last && this.before(this.times[right] as number, this.seqs[right] as number, left)
            ? right
            : left;
        if (this.before(t, s, child)) break;
        this.move(child, at);
        at = child;
      }
      this.set(at, t, s, k, j);
    }
    return { time, kind, subject };
  }

  /** Whether (time, seq) goes before the event stored at `index`. */
  private before(time: number, seq: number, index: number): boolean {
    const t = this.times[index] as number;
    return time < t || (time === t && seq < (this.seqs[index] as number));
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.kinds[to] = this.kinds[from] as number;
    this.subjects[to] = this.subjects[from] as number;
  }

  private set(at: number, time: number, seq: number, kind: number, subject: number): void {
    this.times[at] = time;
    this.seqs[at] = seq;
    this.kinds[at] = kind;
    this.subjects[at] = subject;
  }

  private grow(): void {
    const size = this.times.length * 2;
    const copy = <T extends Float64Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.times = copy(this.times, new Float64Array(size));
    this.seqs = copy(this.seqs, new Float64Array(size));
    this.kinds = copy(this.kinds, new Int32Array(size));
    this.subjects = copy(this.subjects, new Int32Array(size));
  }
}
