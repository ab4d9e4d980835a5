import { SkiffError } from "@skiff/core";
import { describe, expect, it } from "vitest";
import { readJsonBody } from "./json-body.js";

const post = (body: RequestInit["body"]) => new Request("http://x/", { method: "PUT", body });

describe("readJsonBody", () => {
  it("parses a JSON document", async () => {
    expect(await readJsonBody(post('{"a":[1,"é"]}'), 100)).toEqual({ a: [1, "é"] });
  });

  it.each([
    ["malformed JSON", post('{"a":')],
    ["an empty body", post("")],
    ["no body", post(null)],
    ["bytes that are not UTF-8", post(new Uint8Array([0x7b, 0xff, 0x7d]))],
  ])("answers INVALID_JSON for %s", async (_, request) => {
    const error = await readJsonBody(request, 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SkiffError);
    expect((error as SkiffError).code).toBe("INVALID_JSON");
  });

  it("refuses a body over the limit before parsing it", async () => {
    await expect(readJsonBody(post(`"${"x".repeat(200)}"`), 100)).rejects.toMatchObject({
      code: "PAYLOAD_TOO_LARGE",
    });
    const tooLarge = () => new SkiffError("CODE_TOO_LARGE", "too much code");
    await expect(readJsonBody(post(`"${"x".repeat(200)}"`), 100, tooLarge)).rejects.toMatchObject({
      code: "CODE_TOO_LARGE",
    });
  });
});
