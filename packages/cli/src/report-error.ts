import { AdminApiError, UnreachableError } from './admin-client.ts';
import { CliError } from './cli-context.ts';

/**
 * What went wrong, for a person: Pronto's problem as "<title>: <detail>" and each refused field on its
 * own line, or which URL did not answer. Returns false for an error that is a bug, to be thrown.
 */
export function reportError(err: (line: string) => void, error: unknown): boolean {
  if (error instanceof AdminApiError) {
    const problem = error.problem;
    if (!problem) {
      err(`Pronto answered ${error.status}, without a problem+json body: is a proxy in between?`);
      return true;
    }
    err(problem.detail ? `${problem.title}: ${problem.detail}` : problem.title);
    for (const field of problem.errors ?? []) err(`  ${field.field || '(body)'}: ${field.detail}`);
    return true;
  }
  if (error instanceof UnreachableError) {
    err(error.message);
    err('Is it running there? Start it with `npm start`, or log in again with --url.');
    return true;
  }
  if (error instanceof CliError) {
    err(error.message);
    return true;
  }
  return false;
}
