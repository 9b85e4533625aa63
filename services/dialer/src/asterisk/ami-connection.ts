import Manager, { type AmiMessage } from 'asterisk-manager';

export type { AmiMessage };

/** Where the AMI is and who logs in: parsed from `ami://user:secret@host:port`. */
export interface AmiAddress {
  host: string;
  port: number;
  username: string;
  secret: string;
}

/** An AMI failure; `response` is Asterisk's own answer when there was one. */
export class AmiError extends Error {
  constructor(
    message: string,
    readonly response?: AmiMessage,
  ) {
    super(message);
    this.name = 'AmiError';
  }
}

/** Asterisk refused the user name or secret: retrying at once will not help. */
export class AmiLoginRefused extends AmiError {
  constructor(message: string, response?: AmiMessage) {
    super(message, response);
    this.name = 'AmiLoginRefused';
  }
}

/**
 * One logged-in AMI connection, with promises over asterisk-manager's callbacks. Once it is gone
 * (`closed` resolves) it is never reused: a new one is made, so nothing of an old session leaks.
 */
export interface AmiConnection {
  /** Sends an action; resolves with Asterisk's `Response: Success`, rejects with an `AmiError` on `Response: Error` or when the connection goes. */
  action(fields: Record<string, unknown>): Promise<AmiMessage>;
  /** An action answered by an event list (`CoreShowChannels`, `Status`): resolves with the list's items. */
  list(fields: Record<string, unknown>, completeEvent: string): Promise<AmiMessage[]>;
  /** Every event, in the order Asterisk sent them. */
  onEvent(listener: (event: AmiMessage) => void): void;
  /** Resolves (never rejects) with why the connection is gone. */
  readonly closed: Promise<Error>;
  isOpen(): boolean;
  /** Logs off (waiting at most a second for Asterisk's goodbye), then closes. */
  close(): Promise<void>;
  /** Gives up on the connection now (a keepalive went unanswered). */
  destroy(reason: Error): void;
}

export interface ConnectOptions {
  /** Time for the TCP connect plus the login. */
  timeoutMs?: number;
  /** Time for any action's response. */
  actionTimeoutMs?: number;
}

/** The first header of that name (AMI repeats some), as a string. */
export function header(message: AmiMessage, name: string): string | undefined {
  const value = message[name];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value[0];
  return undefined;
}

/** Parses `ami://user:secret@host:5038`; errors name what is wrong, never echoing the secret. */
export function parseAmiUrl(url: string): AmiAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error('ASTERISK_AMI_URL is not a URL; expected ami://user:secret@host:5038');
  }
  if (parsed.protocol !== 'ami:') throw new Error('ASTERISK_AMI_URL must start with ami://');
  if (!parsed.username || !parsed.password)
    throw new Error('ASTERISK_AMI_URL needs the AMI user and secret: ami://user:secret@host:5038');
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 5038,
    username: decodeURIComponent(parsed.username),
    secret: decodeURIComponent(parsed.password),
  };
}

let actionSequence = 0;

/**
 * Connects and logs in. Rejects with `AmiLoginRefused` when Asterisk refuses the credentials, or an
 * `AmiError` when it cannot be reached or does not answer in time.
 */
export function connectAmi(address: AmiAddress, options: ConnectOptions = {}): Promise<AmiConnection> {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const actionTimeoutMs = options.actionTimeoutMs ?? 10_000;
  const where = `${address.host}:${address.port}`;
  const manager = Manager(undefined, address.host, address.username, address.secret, true);
  const listeners: Array<(event: AmiMessage) => void> = [];
  const pending = new Map<string, (error: Error) => void>();
  let open = false;
  let gone: Error | undefined;
  let markClosed: (reason: Error) => void = () => {};
  const closed = new Promise<Error>((resolve) => {
    markClosed = resolve;
  });

  function finish(reason: Error): void {
    if (gone) return;
    gone = reason;
    open = false;
    for (const reject of pending.values()) reject(reason);
    pending.clear();
    manager.removeAllListeners('managerevent');
    markClosed(reason);
  }

  manager.on('managerevent', (event: AmiMessage) => {
    if (gone) return;
    for (const listener of listeners) listener(event);
  });
  manager.on('close', () => finish(new AmiError(`AMI connection to ${where} closed`)));
  let lastSocketError: Error | undefined;
  manager.on('error', (error: Error) => {
    lastSocketError = error;
  });

  function action(fields: Record<string, unknown>): Promise<AmiMessage> {
    if (gone) return Promise.reject(gone);
    const actionid = (fields.actionid as string | undefined) ?? `pronto-${process.pid}-${++actionSequence}`;
    return new Promise<AmiMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(actionid);
        reject(
          new AmiError(`no answer to ${String(fields.action)} from ${where} within ${actionTimeoutMs} ms`),
        );
      }, actionTimeoutMs);
      pending.set(actionid, (error) => {
        clearTimeout(timer);
        reject(error);
      });
      manager.action({ ...fields, actionid }, (error, response) => {
        clearTimeout(timer);
        if (!pending.delete(actionid)) return;
        if (error) {
          const message = header(error, 'message') ?? 'error';
          reject(new AmiError(`${String(fields.action)} refused by Asterisk: ${message}`, error));
        } else resolve(response);
      });
    });
  }

  const connection: AmiConnection = {
    action,
    async list(fields, completeEvent) {
      const actionid = `pronto-${process.pid}-${++actionSequence}`;
      const items: AmiMessage[] = [];
      const complete = completeEvent.toLowerCase();
      let done: () => void = () => {};
      const completed = new Promise<void>((resolve) => {
        done = resolve;
      });
      // Registered before sending: the items may arrive in the same read as the response.
      const collect = (event: AmiMessage) => {
        if (header(event, 'actionid') !== actionid) return;
        if (header(event, 'event')?.toLowerCase() === complete) done();
        else items.push(event);
      };
      listeners.push(collect);
      try {
        await action({ ...fields, actionid });
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () =>
              reject(
                new AmiError(`${String(fields.action)}: no end of its list within ${actionTimeoutMs} ms`),
              ),
            actionTimeoutMs,
          );
        });
        try {
          await Promise.race([completed, late, closed.then((reason) => Promise.reject(reason))]);
        } finally {
          clearTimeout(timer);
        }
        return items;
      } finally {
        listeners.splice(listeners.indexOf(collect), 1);
      }
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    closed,
    isOpen: () => open && !gone,
    async close() {
      if (gone) return;
      if (open) {
        await Promise.race([
          action({ action: 'Logoff' }).catch(() => undefined),
          new Promise((resolve) => setTimeout(resolve, 1_000)),
        ]);
      }
      manager.disconnect();
      finish(new AmiError('AMI connection closed by the dialer'));
    },
    destroy(reason) {
      manager.disconnect();
      finish(reason);
    },
  };

  return new Promise<AmiConnection>((resolve, reject) => {
    const timer = setTimeout(() => {
      manager.disconnect();
      finish(new AmiError(`AMI at ${where} did not answer the login within ${timeoutMs} ms`));
    }, timeoutMs);
    closed.then((reason) => {
      clearTimeout(timer);
      const cause = lastSocketError ? `: ${lastSocketError.message}` : '';
      reject(
        open
          ? reason
          : reason instanceof AmiLoginRefused
            ? reason
            : new AmiError(`${reason.message}${cause}`),
      );
    });
    manager.connect(address.port, address.host, () => {
      manager.login((error) => {
        clearTimeout(timer);
        if (error) {
          const message = header(error, 'message') ?? 'login refused';
          const refused = new AmiLoginRefused(
            `AMI login as "${address.username}" at ${where} refused: ${message}`,
            error,
          );
          manager.disconnect();
          finish(refused);
          return;
        }
        open = true;
        resolve(connection);
      });
    });
  });
}
