import { ProblemError } from '@pronto/http';
import { describe, expect, it } from 'vitest';
import { createComputeGate } from './compute-gate.ts';

/** A computation the test finishes when it chooses, recording when it started. */
function pending(started: string[], name: string) {
  let finish: (value: string) => void = () => {};
  const compute = () => {
    started.push(name);
    return new Promise<string>((resolve) => {
      finish = resolve;
    });
  };
  return { compute, finish: (value: string) => finish(value) };
}

describe('the staffing computation gate', () => {
  it('runs one answer at a time, in the order asked, and refuses a sixth with a 503 and Retry-After', async () => {
    const gate = createComputeGate(4);
    const started: string[] = [];
    const jobs = ['a', 'b', 'c', 'd'].map((name) => pending(started, name));
    const answers = jobs.map((job) => gate.run(job.compute));
    // Four wait (the first among them running): a fifth may still wait, a sixth is refused.
    const fifth = pending(started, 'e');
    const fifthAnswer = gate.run(fifth.compute);
    let refused: unknown;
    try {
      gate.run(pending(started, 'f').compute);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ProblemError);
    expect((refused as ProblemError).status).toBe(503);
    expect((refused as ProblemError).headers['retry-after']).toBe('5');

    await Promise.resolve();
    expect(started).toEqual(['a']);
    for (const [index, job] of jobs.entries()) {
      await new Promise((resolve) => setImmediate(resolve));
      job.finish(`answer ${index}`);
      await expect(answers[index]).resolves.toBe(`answer ${index}`);
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'c', 'd', 'e']);
    fifth.finish('answer e');
    await expect(fifthAnswer).resolves.toBe('answer e');
  });

  it('goes on with the next answer after one fails', async () => {
    const gate = createComputeGate(2);
    const failed = gate.run(() => Promise.reject(new Error('database away')));
    const next = gate.run(() => Promise.resolve('answer'));
    await expect(failed).rejects.toThrow('database away');
    await expect(next).resolves.toBe('answer');
  });
});
