// The API Gateway HTTP API payload format 2.0 event, built from an HTTP request, as Lambda handlers expect it.
import base64 from "base-64";
import type { InvocationMeta, PlainHttpEvent } from "../invocation-events.js";

const TEXT_TYPES =
  /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded|graphql)|[^;]*\+(json|xml))/i;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `27/Nov/2026:13:15:00 +0000`, the `requestContext.time` format. */
function requestTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
}

function bytesToBinaryString(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return out;
}

export function toLambdaHttpEvent(
  event: PlainHttpEvent,
  meta: InvocationMeta,
  now: number,
): Record<string, unknown> {
  const url = new URL(event.url);
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [name, value] of event.headers) {
    if (name === "cookie") {
      cookies.push(
        ...value
          .split(";")
          .map((c) => c.trim())
          .filter((c) => c.length > 0),
      );
      continue;
    }
    headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;

  const lambdaEvent: Record<string, unknown> = {
    version: "2.0",
    routeKey: "$default",
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: meta.tenant,
      apiId: meta.functionName,
      domainName: url.host,
      domainPrefix: url.hostname.split(".")[0] ?? "",
      http: {
        method: event.method,
        path: url.pathname,
        protocol: "HTTP/1.1",
        sourceIp: event.clientIp ?? "",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: meta.invocationId,
      routeKey: "$default",
      stage: "$default",
      time: requestTime(now),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
  if (cookies.length > 0) lambdaEvent.cookies = cookies;
  if (Object.keys(query).length > 0) lambdaEvent.queryStringParameters = query;
  if (event.body !== null && event.body.length > 0) {
    const contentType = headers["content-type"] ?? "";
    if (TEXT_TYPES.test(contentType)) {
      lambdaEvent.body = new TextDecoder().decode(event.body);
    } else {
      lambdaEvent.body = base64.encode(bytesToBinaryString(event.body));
      lambdaEvent.isBase64Encoded = true;
    }
  }
  return lambdaEvent;
}
