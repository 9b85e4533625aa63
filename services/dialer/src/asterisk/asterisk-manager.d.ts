// The shape of asterisk-manager 0.2 as this dialer uses it (the package ships no types).
declare module 'asterisk-manager' {
  /** A parsed AMI message: header names lower-cased; repeated headers become arrays; `Variable` headers an object. */
  export type AmiMessage = Record<string, string | string[] | Record<string, string> | undefined>;

  interface Manager {
    options: { port: number; host: string; username: string; password: string; events: boolean };
    connect(port: number, host: string, callback?: () => void): void;
    login(callback: (error?: AmiMessage) => void): void;
    action(
      action: Record<string, unknown>,
      callback?: (error: AmiMessage | undefined, response: AmiMessage) => void,
    ): string;
    disconnect(callback?: () => void): void;
    isConnected(): boolean;
    on(event: string, listener: (...args: never[]) => void): void;
    removeAllListeners(event?: string): void;
  }

  function Manager(
    port: number | undefined,
    host: string,
    username: string,
    password: string,
    events: boolean,
  ): Manager;
  export default Manager;
}
