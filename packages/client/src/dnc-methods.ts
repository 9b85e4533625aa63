import type { DncEntry, DncImportReport } from '@pronto/contracts';
import { ProntoApiError } from './pronto-api-error.ts';
import { splitDncCsv } from './split-dnc-csv.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export interface Payload {
  text: string;
  contentType: string;
}
/** The client's signed request with retries; resolves on 2xx, throws ProntoApiError otherwise. */
type SignedRequest = (
  method: Method,
  path: string,
  payload?: Payload,
) => Promise<{ status: number; json: unknown }>;

/** Data rows per POST /v1/dnc:import: half of what the server takes, so a part stays small. */
export const DNC_IMPORT_CHUNK_ROWS = 5_000;

export interface DncImportProgress {
  /** Data rows sent and answered so far, of `totalRows`. */
  doneRows: number;
  totalRows: number;
  added: number;
  alreadyListed: number;
  rejected: number;
}

export interface DncMethods {
  /** Lists the number (any format; a national one needs `locale`). `created` is false when it was listed already. */
  addToDnc(
    phone: string,
    options?: { reason?: string; locale?: string },
  ): Promise<{ entry: DncEntry; created: boolean }>;
  /** Takes the number off the list: true when it was on it. */
  removeFromDnc(phone: string, options?: { locale?: string }): Promise<boolean>;
  /** The number's entry, or null when it is not listed. */
  getDncEntry(phone: string, options?: { locale?: string }): Promise<DncEntry | null>;
  /**
   * Imports a CSV file of any size (a `phone` column, optionally `reason` and `locale`), 5,000 rows per
   * request; `errors[].row` are lines of the whole file. Safe to run again after a failure: numbers
   * already listed are counted as such, never listed twice.
   */
  importDnc(
    csvText: string,
    options?: { onProgress?: (progress: DncImportProgress) => void },
  ): Promise<DncImportReport>;
}

export function createDncMethods(request: SignedRequest): DncMethods {
  const path = (phone: string, locale?: string) =>
    `/v1/dnc/${encodeURIComponent(phone)}${locale ? `?locale=${encodeURIComponent(locale)}` : ''}`;
  const notFoundAsNull = async <T>(work: () => Promise<T>): Promise<T | null> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof ProntoApiError && error.status === 404) return null;
      throw error;
    }
  };

  return {
    async addToDnc(phone, options = {}) {
      const body = {
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
        ...(options.locale !== undefined ? { locale: options.locale } : {}),
      };
      const { status, json } = await request('PUT', path(phone), {
        text: JSON.stringify(body),
        contentType: 'application/json',
      });
      return { entry: json as DncEntry, created: status === 201 };
    },
    async removeFromDnc(phone, options = {}) {
      return (await notFoundAsNull(() => request('DELETE', path(phone, options.locale)))) !== null;
    },
    async getDncEntry(phone, options = {}) {
      const answer = await notFoundAsNull(() => request('GET', path(phone, options.locale)));
      return answer ? (answer.json as DncEntry) : null;
    },
    async importDnc(csvText, options = {}) {
      const { rows: totalRows, chunks } = splitDncCsv(csvText, DNC_IMPORT_CHUNK_ROWS);
      const total: DncImportReport = { rows: 0, added: 0, alreadyListed: 0, rejected: 0, errors: [] };
      for (const chunk of chunks) {
        const { json } = await request('POST', '/v1/dnc:import', {
          text: chunk.text,
          contentType: 'text/csv; charset=utf-8',
        });
        const part = json as DncImportReport;
        total.rows += part.rows;
        total.added += part.added;
        total.alreadyListed += part.alreadyListed;
        total.rejected += part.rejected;
        for (const error of part.errors) total.errors.push({ ...error, row: error.row + chunk.lineOffset });
        options.onProgress?.({
          doneRows: total.rows,
          totalRows,
          added: total.added,
          alreadyListed: total.alreadyListed,
          rejected: total.rejected,
        });
      }
      return total;
    },
  };
}
