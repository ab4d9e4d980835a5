// The S3-compatible API mounted at /s3: path-style addressing, AWS Signature V4, S3 XML answers and errors.
import { Hono } from "hono";
import type { GatewayDeps } from "../deps.js";
import { s3ErrorResponse } from "./error-response.js";
import { runOperation } from "./operation-router.js";
import { parseS3Path, requestTarget, S3_MOUNT } from "./request-target.js";
import { type S3Deps, S3Query } from "./s3-request.js";
import { verifySignature } from "./signature-verifier.js";

export type S3ApiDeps = Pick<
  GatewayDeps,
  "storage" | "logger" | "now" | "newId" | "maxObjectBytes" | "writeContext" | "storedBytes"
>;

/**
 * Routes for `app.route("/s3", s3Api(deps))`. Every request must be signed with an access key issued by
 * `POST /api/v1/tenants/{t}/s3-credentials`; the key's tenant is the only one the request can reach. An AWS SDK
 * works with `endpoint: "http://host:port/s3"`, `forcePathStyle: true` and region `us-east-1`.
 *
 * @example
 * const s3 = new S3Client({ endpoint: `${url}/s3`, forcePathStyle: true, region: "us-east-1", credentials });
 */
export function s3Api(deps: S3ApiDeps): Hono {
  const s3Deps: S3Deps = {
    storage: deps.storage,
    logger: deps.logger,
    now: deps.now,
    newId: deps.newId,
    maxObjectBytes: deps.maxObjectBytes,
    writeContext: deps.writeContext,
    storedBytes: deps.storedBytes,
  };
  const app = new Hono();
  app.all("*", async (c) => {
    const raw = c.req.raw;
    const requestId = s3Deps.newId();
    const target = requestTarget(raw, c.env);
    const resource = target.path.startsWith(S3_MOUNT)
      ? target.path.slice(S3_MOUNT.length) || "/"
      : target.path;
    try {
      const { bucket, key } = parseS3Path(target.path);
      const verified = await verifySignature(
        { method: raw.method, target, headers: raw.headers, host: new URL(raw.url).host },
        { credentials: s3Deps.storage.s3Credentials, now: s3Deps.now },
      );
      const response = await runOperation({
        deps: s3Deps,
        tenant: verified.tenant,
        method: raw.method,
        bucket,
        key,
        query: new S3Query(target.query),
        headers: raw.headers,
        raw,
        verified,
      });
      response.headers.set("x-amz-request-id", requestId);
      return response;
    } catch (error) {
      return s3ErrorResponse(error, { requestId, resource, method: raw.method, logger: s3Deps.logger });
    }
  });
  return app;
}
