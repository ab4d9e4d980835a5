import { Hash } from "@smithy/hash-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { parseQuery } from "./request-target.js";
import { S3Error } from "./s3-error.js";
import { MAX_CLOCK_SKEW_MS, type SignedRequest, verifySignature } from "./signature-verifier.js";

const NOW = Date.UTC(2026, 10, 27, 12, 0, 0);
const credentials = {
  resolve: async (id: string) =>
    id === "AKTEST" ? { tenant: "acme", secretAccessKey: "secret-of-acme" } : undefined,
};
const options = { credentials, now: () => NOW };

interface Unsigned {
  method?: string;
  path?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string;
}

function clientSigner(secretAccessKey = "secret-of-acme", accessKeyId = "AKTEST") {
  return new SignatureV4({
    credentials: { accessKeyId, secretAccessKey },
    region: "us-east-1",
    service: "s3",
    sha256: Hash.bind(null, "sha256"),
    uriEscapePath: false,
  });
}

function httpRequest(input: Unsigned) {
  return {
    method: input.method ?? "GET",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 9000,
    path: input.path ?? "/s3/photos/cat%20pic.txt",
    query: input.query ?? {},
    headers: { host: "127.0.0.1:9000", ...input.headers } as Record<string, string>,
    body: input.body,
  };
}

/** Turns what the signer produced into what the verifier sees of an incoming request. */
function received(signed: {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
}): SignedRequest {
  const search = Object.entries(signed.query ?? {})
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
    .join("&");
  return {
    method: signed.method,
    target: { path: signed.path, query: parseQuery(search) },
    headers: new Headers(signed.headers),
    host: "127.0.0.1:9000",
  };
}

async function signHeader(input: Unsigned = {}, at = NOW, signer = clientSigner()): Promise<SignedRequest> {
  const signed = await signer.sign(httpRequest(input), { signingDate: new Date(at) });
  return received(signed);
}

async function presign(input: Unsigned = {}, expiresIn = 600, at = NOW): Promise<SignedRequest> {
  const request = httpRequest(input);
  // As @aws-sdk/s3-request-presigner does: hoisted into the query under this very name.
  request.headers = { ...request.headers, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" };
  const signed = await clientSigner().presign(request, { signingDate: new Date(at), expiresIn });
  return received(signed);
}

async function failure(request: SignedRequest, now = NOW): Promise<S3Error> {
  const error = await verifySignature(request, { credentials, now: () => now }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3Error);
  return error as S3Error;
}

describe("verifySignature, header form", () => {
  it("accepts a request signed by @smithy/signature-v4 and names its tenant", async () => {
    const request = await signHeader({ query: { "list-type": "2", prefix: "a b/ü" } });
    const verified = await verifySignature(request, options);
    expect(verified.tenant).toBe("acme");
    expect(verified.claim).toMatchObject({
      form: "header",
      accessKeyId: "AKTEST",
      scope: { region: "us-east-1" },
    });
  });

  it("accepts a signed payload hash and UNSIGNED-PAYLOAD, and reports what was declared", async () => {
    const signed = await verifySignature(await signHeader({ method: "PUT", body: "hello" }), options);
    expect(signed.claim.payloadHash).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    const unsigned = await verifySignature(
      await signHeader({ method: "PUT", headers: { "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }),
      options,
    );
    expect(unsigned.claim.payloadHash).toBe("UNSIGNED-PAYLOAD");
  });

  it("verifies a path as sent, dot segments and double slashes included", async () => {
    const request = await signHeader({ path: "/s3/photos/../a//./b%2Fc" });
    expect((await verifySignature(request, options)).tenant).toBe("acme");
  });

  it("refuses a tampered path, query, signed header or method", async () => {
    const request = await signHeader({ query: { prefix: "a" }, headers: { "x-amz-meta-owner": "me" } });
    const tamper = async (change: (r: SignedRequest) => void) => {
      const copy = { ...request, headers: new Headers(request.headers), target: { ...request.target } };
      change(copy);
      return (await failure(copy)).code;
    };
    expect(await tamper((r) => (r.target.path = "/s3/photos/dog.txt"))).toBe("SignatureDoesNotMatch");
    expect(await tamper((r) => (r.target.query = [["prefix", "b"]]))).toBe("SignatureDoesNotMatch");
    expect(await tamper((r) => r.target.query.push(["delimiter", "/"]))).toBe("SignatureDoesNotMatch");
    expect(await tamper((r) => r.headers.set("x-amz-meta-owner", "you"))).toBe("SignatureDoesNotMatch");
    expect(await tamper((r) => (r.method = "DELETE"))).toBe("SignatureDoesNotMatch");
    expect(await tamper((r) => r.headers.set("x-amz-content-sha256", "UNSIGNED-PAYLOAD"))).toBe(
      "SignatureDoesNotMatch",
    );
  });

  it("refuses a request signed with another secret", async () => {
    const request = await signHeader({}, NOW, clientSigner("wrong-secret"));
    expect((await failure(request)).code).toBe("SignatureDoesNotMatch");
  });

  it("refuses an unknown access key", async () => {
    const request = await signHeader({}, NOW, clientSigner("secret-of-acme", "AKNOBODY"));
    const error = await failure(request);
    expect([error.code, error.status, error.details.AWSAccessKeyId]).toEqual([
      "InvalidAccessKeyId",
      403,
      "AKNOBODY",
    ]);
  });

  it("refuses x-amz-* headers that were not signed", async () => {
    const request = await signHeader();
    request.headers.set("x-amz-copy-source", "/other/secret");
    const error = await failure(request);
    expect([error.code, error.details.HeadersNotSigned]).toEqual(["AccessDenied", "x-amz-copy-source"]);
  });

  it("allows 15 minutes of clock skew and no more", async () => {
    const inside = await signHeader({}, NOW - MAX_CLOCK_SKEW_MS);
    expect((await verifySignature(inside, options)).tenant).toBe("acme");
    const early = await signHeader({}, NOW + MAX_CLOCK_SKEW_MS + 1000);
    expect((await failure(early)).code).toBe("RequestTimeTooSkewed");
    const late = await signHeader({}, NOW - MAX_CLOCK_SKEW_MS - 1000);
    const error = await failure(late);
    expect([error.code, error.status]).toEqual(["RequestTimeTooSkewed", 403]);
  });

  it("answers AccessDenied to an anonymous request", async () => {
    const error = await failure({
      method: "GET",
      target: { path: "/s3/photos", query: [] },
      headers: new Headers(),
      host: "h",
    });
    expect([error.code, error.status]).toEqual(["AccessDenied", 403]);
  });

  it("reports malformed authorization and missing headers with S3's codes", async () => {
    const base = await signHeader();
    const withHeader = (name: string, value: string | null) => {
      const headers = new Headers(base.headers);
      if (value === null) headers.delete(name);
      else headers.set(name, value);
      return { ...base, headers };
    };
    expect((await failure(withHeader("authorization", "AWS AKTEST:abc"))).code).toBe("InvalidRequest");
    expect((await failure(withHeader("authorization", "AWS4-HMAC-SHA256 Credential=AKTEST"))).code).toBe(
      "AuthorizationHeaderMalformed",
    );
    expect((await failure(withHeader("x-amz-content-sha256", null))).code).toBe("InvalidRequest");
    expect((await failure(withHeader("x-amz-content-sha256", "abc"))).code).toBe("InvalidArgument");
    expect((await failure(withHeader("x-amz-date", "yesterday"))).code).toBe("AccessDenied");
    const otherService = (base.headers.get("authorization") ?? "").replace("/s3/", "/iam/");
    expect((await failure(withHeader("authorization", otherService))).code).toBe(
      "AuthorizationHeaderMalformed",
    );
  });
});

describe("verifySignature, presigned URLs", () => {
  it("accepts a presigned URL and treats its payload as unsigned", async () => {
    const request = await presign({ query: { "x-id": "GetObject" } });
    const verified = await verifySignature(request, options);
    expect(verified.claim).toMatchObject({
      form: "presigned",
      payloadHash: "UNSIGNED-PAYLOAD",
      expires: "600",
    });
  });

  it("takes a presigned URL without X-Amz-Content-Sha256 as UNSIGNED-PAYLOAD, as S3 does", async () => {
    const request = httpRequest({});
    request.headers = { ...request.headers, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" };
    // What other SDKs produce: the payload hash is signed as UNSIGNED-PAYLOAD but not sent in the query.
    const signed = await clientSigner().presign(request, {
      signingDate: new Date(NOW),
      expiresIn: 60,
      unhoistableHeaders: new Set(["x-amz-content-sha256"]),
      unsignableHeaders: new Set(["x-amz-content-sha256"]),
    });
    const verified = await verifySignature(
      received({ ...signed, headers: { host: "127.0.0.1:9000" } }),
      options,
    );
    expect(verified.claim.payloadHash).toBe("UNSIGNED-PAYLOAD");
  });

  it("refuses a presigned URL whose path or query was changed", async () => {
    const request = await presign({ query: { "response-content-type": "text/plain" } });
    const otherPath = { ...request, target: { ...request.target, path: "/s3/photos/secret.txt" } };
    expect((await failure(otherPath)).code).toBe("SignatureDoesNotMatch");
    const query = request.target.query.map(([name, value]): [string, string] =>
      name === "response-content-type" ? [name, "text/html"] : [name, value],
    );
    expect((await failure({ ...request, target: { ...request.target, query } })).code).toBe(
      "SignatureDoesNotMatch",
    );
    const longer = request.target.query.map(([name, value]): [string, string] =>
      name === "X-Amz-Expires" ? [name, "6000"] : [name, value],
    );
    expect((await failure({ ...request, target: { ...request.target, query: longer } })).code).toBe(
      "SignatureDoesNotMatch",
    );
  });

  it("refuses an expired or not yet valid URL", async () => {
    const request = await presign({}, 600, NOW - 601_000);
    const expired = await failure(request);
    expect([expired.code, expired.message]).toEqual(["AccessDenied", "Request has expired"]);
    const future = await presign({}, 600, NOW + MAX_CLOCK_SKEW_MS + 60_000);
    expect((await failure(future)).message).toBe("Request is not valid yet");
    expect((await verifySignature(await presign({}, 600, NOW - 599_000), options)).tenant).toBe("acme");
  });

  it("refuses an expiry over seven days", async () => {
    const request = await presign({}, 604800);
    const query = request.target.query.map(([name, value]): [string, string] =>
      name === "X-Amz-Expires" ? [name, "604801"] : [name, value],
    );
    const error = await failure({ ...request, target: { ...request.target, query } });
    expect([error.code, error.status]).toEqual(["AuthorizationQueryParametersError", 400]);
  });

  it("refuses both forms at once", async () => {
    const request = await presign();
    request.headers.set("authorization", "AWS4-HMAC-SHA256 Credential=x");
    expect((await failure(request)).code).toBe("InvalidArgument");
  });

  it("signs strings with the request's signing key for streaming chunks", async () => {
    const verified = await verifySignature(await signHeader(), options);
    const expected = await clientSigner().sign("chunk string", { signingDate: new Date(NOW) });
    expect(await verified.signString("chunk string")).toBe(expected);
  });
});
