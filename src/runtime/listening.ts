/** What a runtime hands back once it listens. */
export interface Listening {
  address: string;
  port: number;
  /** Stops accepting; settles when the listener is closed. */
  stopAccepting(): Promise<void>;
}
