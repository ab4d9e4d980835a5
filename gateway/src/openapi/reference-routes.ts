// Serves the OpenAPI document and the reference page at /api/v1, before the admin API's bearer auth.
import { Hono } from "hono";
import { buildOpenApiDocument, type OpenApiDocument } from "./openapi-document.js";
import { renderReferencePage } from "./reference-page.js";
import { ADMIN_OPERATIONS } from "./registry.js";

/** The document's `info.version`: the admin API's, which changes with its contract, not with each release. */
export const API_VERSION = "1.0.0";

/** Routes `GET /openapi.json` and `GET /docs`, to be mounted at `/api/v1`; both built once, on first use. */
export function referenceRoutes(): Hono {
  const app = new Hono();
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const openApi = (): OpenApiDocument => {
    document ??= buildOpenApiDocument(ADMIN_OPERATIONS, API_VERSION);
    return document;
  };

  app.get("/openapi.json", (c) => c.json(openApi()));
  app.get("/docs", (c) => {
    page ??= renderReferencePage(openApi());
    return c.html(page);
  });
  return app;
}
