// The direct data plane's answer to anything that is not a function request: the admin API, health, metrics and
// the rest live on the main port only, and saying where keeps a misdirected client from guessing.
import { SkiffError } from "@skiff/core";
import { acceptedRequestId, REQUEST_ID_HEADER, requestTargetBytes } from "@skiff/gateway/worker-data-plane";

export interface NotAFunctionOptions {
  /** The main port's URL, where the admin API is. */
  mainUrl: string;
  maxUrlBytes: number;
  newRequestId: () => string;
}

/**
 * A fetch handler answering 414 URI_TOO_LONG for an over-long target (as the main port does, before any routing),
 * else 404 NOT_FOUND naming the main port; both with an `x-request-id`, as the main port's answers have.
 *
 * @example
 * createHttpServer(notAFunction({ mainUrl, maxUrlBytes: 8192, newRequestId: randomUUID }), limits, dataPlane);
 */
export function notAFunction(options: NotAFunctionOptions): (request: Request) => Response {
  return (request) => {
    const targetBytes = requestTargetBytes(request.url);
    const error =
      targetBytes > options.maxUrlBytes
        ? new SkiffError(
            "URI_TOO_LONG",
            `the request URL's path and query are ${targetBytes} bytes; the limit is ${options.maxUrlBytes}`,
          )
        : new SkiffError(
            "NOT_FOUND",
            `this port serves functions only (/fn/{tenant}/{function}/… or a function host); the admin API is at ${options.mainUrl}`,
          );
    const requestId =
      acceptedRequestId(request.headers.get(REQUEST_ID_HEADER) ?? undefined) ?? options.newRequestId();
    const headers = { "content-type": "application/json", [REQUEST_ID_HEADER]: requestId };
    // HEAD gets the head a GET would, without the body (as Hono answers it on the main port).
    const body = request.method === "HEAD" ? null : JSON.stringify(error.toBody());
    return new Response(body, { status: error.status, headers });
  };
}
