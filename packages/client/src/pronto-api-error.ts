import type { Problem } from '@pronto/contracts';

/** An answer from Pronto that retrying will not change (400, 401, 404, 409, 413), or the last one after all retries. */
export class ProntoApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly attempts: number,
  ) {
    const fields = problem?.errors?.map((error) => `${error.field || '(body)'}: ${error.detail}`).join('; ');
    super(
      `Pronto answered ${status}${problem ? `: ${problem.title}` : ''}${problem?.detail ? ` (${problem.detail})` : ''}${
        fields ? ` [${fields}]` : ''
      }${attempts > 1 ? ` after ${attempts} attempts` : ''}`,
    );
    this.name = 'ProntoApiError';
  }
}

/** No answer at all (connection refused, reset, timed out) after every attempt. */
export class ProntoNetworkError extends Error {
  constructor(
    readonly attempts: number,
    override readonly cause: unknown,
  ) {
    super(
      `Pronto could not be reached after ${attempts} attempts: ${(cause as Error)?.message ?? String(cause)}`,
    );
    this.name = 'ProntoNetworkError';
  }
}
