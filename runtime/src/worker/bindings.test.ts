// Bucket and KV bindings as tenant code sees them: the R2 and Workers KV APIs over the "binding" host call.
import { afterEach, describe, expect, it } from "vitest";
import { SandboxHarness } from "../testing/sandbox-harness.js";

const harnesses: SandboxHarness[] = [];
afterEach(() => {
  for (const h of harnesses.splice(0)) h.dispose();
});

/** An in-memory stand-in for the main process's binding host, recording the calls it gets. */
function fakeHost() {
  const objects = new Map<
    string,
    { body: Uint8Array; contentType: string | null; metadata: Record<string, string> }
  >();
  const kv = new Map<string, { value: Uint8Array; metadata: unknown }>();
  const calls: Array<{ name: string; op: string }> = [];
  const info = (key: string) => {
    const o = objects.get(key);
    return (
      o && {
        key,
        size: o.body.length,
        etag: "e",
        contentType: o.contentType,
        metadata: o.metadata,
        lastModified: 0,
      }
    );
  };
  const handler = async (raw: unknown) => {
    const { name, op, args } = raw as { name: string; op: string; args: Record<string, unknown> };
    calls.push({ name, op });
    const key = args.key as string;
    if (name === "FILES") {
      if (op === "put") {
        objects.set(key, {
          body: args.body as Uint8Array,
          contentType: args.contentType as string | null,
          metadata: args.metadata as Record<string, string>,
        });
        return info(key);
      }
      if (op === "get") return objects.has(key) ? { info: info(key), body: objects.get(key)?.body } : null;
      if (op === "head") return info(key) ?? null;
      if (op === "delete") for (const k of args.keys as string[]) objects.delete(k);
      if (op === "list")
        return {
          objects: [...objects.keys()].map(info),
          truncated: false,
          cursor: null,
          delimitedPrefixes: [],
        };
      return null;
    }
    if (op === "put") kv.set(key, { value: args.value as Uint8Array, metadata: args.metadata });
    if (op === "get") return kv.get(key) ?? null;
    if (op === "delete") kv.delete(key);
    if (op === "list")
      return {
        keys: [...kv.keys()].map((k) => ({ name: k, expiration: null, metadata: null })),
        cursor: null,
        complete: true,
      };
    return null;
  };
  return { handler, calls };
}

describe("bindings in the isolate", () => {
  it("give env.FILES the R2 API and env.CACHE the KV API, and nothing else", async () => {
    const host = fakeHost();
    const h = await SandboxHarness.load(
      `export default { async fetch(request, env) {
        await env.FILES.put("a/b.txt", "hello", { httpMetadata: { contentType: "text/plain" }, customMetadata: { by: "test" } });
        const got = await env.FILES.get("a/b.txt");
        const head = await env.FILES.head("a/b.txt");
        const listed = await env.FILES.list();
        await env.CACHE.put("k", JSON.stringify({ n: 1 }), { metadata: { m: true } });
        const json = await env.CACHE.get("k", "json");
        const withMeta = await env.CACHE.getWithMetadata("k");
        const keys = await env.CACHE.list();
        await env.FILES.delete("a/b.txt");
        return Response.json({
          text: await got.text(), httpEtag: got.httpEtag, contentType: head.httpMetadata.contentType, meta: head.customMetadata,
          listed: listed.objects.map((o) => o.key), json, metadata: withMeta.metadata, keys: keys.keys.map((k) => k.name),
          complete: keys.list_complete, missing: await env.FILES.get("a/b.txt"), nothing: await env.CACHE.get("none"),
          others: Object.keys(env).sort(),
        });
      } }`,
      { PLAIN: "v" },
      64,
      [
        { type: "bucket", name: "FILES", bucket: "files", access: "read-write" },
        { type: "kv", name: "CACHE", namespace: "cache" },
      ],
    );
    harnesses.push(h);
    const run = await h.run(undefined, { binding: host.handler });
    expect(run.result.outcome).toBe("ok");
    expect(run.json()).toEqual({
      text: "hello",
      httpEtag: '"e"',
      contentType: "text/plain",
      meta: { by: "test" },
      listed: ["a/b.txt"],
      json: { n: 1 },
      metadata: { m: true },
      keys: ["k"],
      complete: true,
      missing: null,
      nothing: null,
      others: ["CACHE", "FILES", "PLAIN"],
    });
  });

  it("have no binding objects when the version declares none", async () => {
    const h = await SandboxHarness.load(
      "export default { fetch(r, env) { return Response.json(Object.keys(env)) } }",
    );
    harnesses.push(h);
    expect((await h.run()).json()).toEqual([]);
  });
});
