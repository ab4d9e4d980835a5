// Parses an admin request's JSON body, answering INVALID_JSON for anything that is not a JSON document.
import { SkiffError } from "@skiff/core";
import { type ReadBodyOptions, readBody } from "./body-reader.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The parsed JSON body. Bodies above `limit` bytes are refused before being parsed, with PAYLOAD_TOO_LARGE or
 * what `tooLarge` makes.
 */
export async function readJsonBody(
  request: Request,
  limit: number,
  tooLarge?: ReadBodyOptions["tooLarge"],
): Promise<unknown> {
  const bytes = await readBody(request, { limit, tooLarge });
  if (bytes === null || bytes.byteLength === 0) {
    throw new SkiffError("INVALID_JSON", "the request body is empty: send a JSON object");
  }
  return parseJsonBytes(bytes);
}

/** Parses UTF-8 JSON bytes, answering INVALID_JSON for anything else. */
export function parseJsonBytes(bytes: Uint8Array): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new SkiffError("INVALID_JSON", "the request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new SkiffError("INVALID_JSON", `the request body is not valid JSON: ${(error as Error).message}`);
  }
}
