// Where a handler's HTTP response goes as the isolate produces it: the worker forwards it to the supervisor.
import type { HeaderList } from "@skiff/core";

export interface ResponseStart {
  status: number;
  statusText: string;
  headers: HeaderList;
  /** The whole body, or undefined when chunks follow. */
  body?: Uint8Array;
}

export interface ResponseSink {
  start(response: ResponseStart): void;
  /** Resolves when the consumer wants more (backpressure reaches the handler's stream). */
  chunk(bytes: Uint8Array): Promise<void>;
  end(error?: string): void;
}
