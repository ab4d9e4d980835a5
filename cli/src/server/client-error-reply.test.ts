import { describe, expect, it } from "vitest";
import { clientErrorReply } from "./client-error-reply.js";

const limits = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, maxHeaderBytes: 32_768 };

function parse(raw: string | undefined) {
  if (raw === undefined) throw new Error("no reply");
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...fields] = head.split("\r\n");
  const headers = Object.fromEntries(fields.map((f) => f.split(": ") as [string, string]));
  return { statusLine, headers, body: JSON.parse(body), bodyBytes: Buffer.byteLength(body) };
}

describe("clientErrorReply", () => {
  it.each([
    [
      "HPE_HEADER_OVERFLOW",
      "HTTP/1.1 431 Request Header Fields Too Large",
      "HEADERS_TOO_LARGE",
      /32768 bytes/,
    ],
    ["ERR_HTTP_REQUEST_TIMEOUT", "HTTP/1.1 408 Request Timeout", "REQUEST_TIMEOUT", /10000 ms.*60000 ms/],
    [
      "HPE_CHUNK_EXTENSIONS_OVERFLOW",
      "HTTP/1.1 413 Payload Too Large",
      "PAYLOAD_TOO_LARGE",
      /chunk extensions/,
    ],
    ["HPE_INVALID_TRANSFER_ENCODING", "HTTP/1.1 400 Bad Request", "INVALID_REQUEST", /CL and TE/],
  ])(
    "answers %s with %s and the JSON error %s, closing the connection",
    (code, statusLine, errorCode, message) => {
      const reply = parse(clientErrorReply({ code, reason: "CL and TE", message: "Parse Error: x" }, limits));
      expect(reply.statusLine).toBe(statusLine);
      expect(reply.headers).toEqual({
        "Content-Type": "application/json; charset=UTF-8",
        "Content-Length": String(reply.bodyBytes),
        Connection: "close",
      });
      expect(reply.body.error.code).toBe(errorCode);
      expect(reply.body.error.message).toMatch(message);
    },
  );

  it("falls back to the message when a parse error has no reason", () => {
    const reply = parse(
      clientErrorReply({ code: "HPE_INVALID_METHOD", message: "Parse Error: Invalid method" }, limits),
    );
    expect(reply.body.error.message).toBe("the request is not valid HTTP/1.1: Parse Error: Invalid method");
  });

  it.each(["ECONNRESET", "EPIPE", undefined])("writes nothing for %s (the client is gone)", (code) => {
    expect(
      clientErrorReply({ ...(code === undefined ? {} : { code }), message: "gone" }, limits),
    ).toBeUndefined();
  });
});
