// A function's streamed response body, started only once its first chunk is in hand: a body that fails before
// its first byte can still be answered with a platform error, and one that fails later is reported, not hidden.

type ReadResult = Awaited<ReturnType<ReadableStreamDefaultReader<Uint8Array>["read"]>>;

/** How a streamed body ended. */
export type BodyEnd =
  | { kind: "complete" }
  /** The client went away (or the server cut it) before the body ended. */
  | { kind: "canceled" }
  /** The function's body failed after the status line was sent: the connection was cut. */
  | { kind: "failed"; reason: string };

export interface StartedBody {
  /** The body for the client: the first chunk, then the rest as the function produces it. */
  stream: ReadableStream<Uint8Array>;
  /** Settles (never rejects) when the body has ended, one way or another. */
  ended: Promise<BodyEnd>;
}

/** The function's body failed before producing a byte. */
export class BodyFailedEarly extends Error {
  override readonly name = "BodyFailedEarly";
}

/**
 * Waits for `source`'s first chunk (or its end) and returns a stream that replays it and then forwards the rest
 * with the source's own backpressure. Rejects with `BodyFailedEarly` when `source` errors before that.
 *
 * @example
 * const body = await startBody(response.body);
 * body.ended.then((end) => record(end));
 * return new Response(body.stream, { status });
 */
export async function startBody(source: ReadableStream<Uint8Array>): Promise<StartedBody> {
  const reader = source.getReader();
  let first: ReadResult;
  try {
    first = await reader.read();
  } catch (error) {
    throw new BodyFailedEarly(reasonOf(error), { cause: error });
  }
  let settle: (end: BodyEnd) => void = () => {};
  const ended = new Promise<BodyEnd>((resolve) => {
    settle = resolve;
  });
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (first.done) {
          controller.close();
          settle({ kind: "complete" });
        } else {
          controller.enqueue(first.value);
        }
      },
      async pull(controller) {
        let next: ReadResult;
        try {
          next = await reader.read();
        } catch (error) {
          settle({ kind: "failed", reason: reasonOf(error) });
          // The HTTP adapter logs what the stream failed with: never the tenant's own words (they go to the record).
          controller.error(new Error("the function's response body failed"));
          return;
        }
        if (next.done) {
          settle({ kind: "complete" });
          controller.close();
        } else {
          controller.enqueue(next.value);
        }
      },
      cancel(reason) {
        settle({ kind: "canceled" });
        return reader.cancel(reason);
      },
    },
    // No buffer of its own: the client's pace reaches the function through the source's backpressure.
    { highWaterMark: 0 },
  );
  return { stream, ended };
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
