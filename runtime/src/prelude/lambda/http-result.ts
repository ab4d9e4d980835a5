// Turns what a Lambda handler returned for an HTTP event into a Response, by the payload format 2.0 rules:
// an object with `statusCode` describes the response; any other value is sent as JSON with status 200.
import base64 from "base-64";
import { Response } from "../fetch/response.js";
import { isError, JSONStringify, StringCtor, TypeErrorCtor } from "../intrinsics.js";

function isResponseObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "statusCode" in value;
}

function binaryStringToBytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Serialises to JSON or throws a TypeError that says why (cycles, BigInt), with the JSON.stringify taken before
 * tenant code ran (it may have replaced the global's).
 */
export function toJsonText(value: unknown, what: string): string {
  try {
    return JSONStringify(value) ?? "null";
  } catch (error) {
    throw new TypeErrorCtor(
      `${what} cannot be serialized to JSON: ${isError(error) ? StringCtor(error.message) : StringCtor(error)}`,
    );
  }
}

export function lambdaResultToResponse(result: unknown): Response {
  if (!isResponseObject(result)) {
    const body = result === undefined ? "" : toJsonText(result, "the handler's return value");
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }
  const status = Number(result.statusCode);
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new TypeError(`statusCode must be an integer from 200 to 599, got ${String(result.statusCode)}`);
  }
  const headers = new Headers();
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== "object") throw new TypeError("headers must be an object of strings");
    for (const [name, value] of Object.entries(result.headers as Record<string, unknown>)) {
      headers.set(name, String(value));
    }
  }
  if (Array.isArray(result.cookies)) {
    for (const cookie of result.cookies) headers.append("set-cookie", String(cookie));
  }
  let body: string | Uint8Array | null = null;
  if (result.body !== undefined && result.body !== null) {
    const text = typeof result.body === "string" ? result.body : toJsonText(result.body, "body");
    body = result.isBase64Encoded === true ? binaryStringToBytes(base64.decode(text)) : text;
  }
  if (body !== null && typeof body === "string" && !headers.has("content-type")) {
    headers.set("content-type", "application/json");
  }
  return new Response(body, { status, headers });
}
