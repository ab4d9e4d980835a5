// Blob, File (File API) and FormData (XHR standard), with form bodies.
import { deepEqual, equal, hex, ok, rejects, throws, utf8 } from "./assert.js";

export default {
  "Blob joins parts and slices like an array": async () => {
    const blob = new Blob(["ab", utf8("cd"), new Blob(["ef"]), new Uint8Array([0x67]).buffer], {
      type: "Text/Plain",
    });
    deepEqual([blob.size, blob.type], [7, "text/plain"]);
    equal(await blob.text(), "abcdefg");
    equal(await blob.slice(-3, -1).text(), "ef");
    equal(await blob.slice(2, 4, "x/y").text(), "cd");
    equal(blob.slice(2, 4, "x/y").type, "x/y");
    equal(hex(await blob.arrayBuffer()), "61626364656667");
    deepEqual([...(await blob.bytes())].length, 7);
  },
  "Blob.stream yields its bytes": async () => {
    const reader = new Blob(["stream me"]).stream().getReader();
    const { value } = await reader.read();
    equal(new TextDecoder().decode(value), "stream me");
  },
  "Blob converts line endings when asked to": async () => {
    equal(await new Blob(["a\r\nb\rc"], { endings: "native" }).text(), "a\nb\nc");
    throws(() => new Blob("not a sequence"), "TypeError");
  },
  "File has a name and a last-modified time": () => {
    const file = new File(["x"], "a.txt", { type: "text/plain", lastModified: 42 });
    deepEqual([file.name, file.lastModified, file.size, file.type], ["a.txt", 42, 1, "text/plain"]);
    ok(file instanceof Blob);
    equal(Object.prototype.toString.call(file), "[object File]");
  },
  "FormData keeps ordered entries and turns blobs into files": () => {
    const form = new FormData();
    form.append("a", "1");
    form.append("a", "2");
    form.append("f", new Blob(["x"]));
    form.append("g", new Blob(["y"]), "named.txt");
    deepEqual(form.getAll("a"), ["1", "2"]);
    equal(form.get("f").name, "blob");
    equal(form.get("g").name, "named.txt");
    form.set("a", "3");
    deepEqual([...form.keys()], ["a", "f", "g"]);
    form.delete("f");
    equal(form.has("f"), false);
    throws(() => form.append("a", "x", "file.txt"), "TypeError");
  },
  "FormData bodies round-trip through multipart/form-data": async () => {
    const form = new FormData();
    form.append("text", "line1\nline2");
    form.append(
      "upload",
      new File([new Uint8Array([0, 255])], 'we"ird.bin', { type: "application/octet-stream" }),
    );
    const request = new Request("https://a.test/", { method: "POST", body: form });
    ok(request.headers.get("content-type").startsWith("multipart/form-data; boundary="));
    const parsed = await request.formData();
    equal(parsed.get("text"), "line1\r\nline2");
    const file = parsed.get("upload");
    deepEqual(
      [file.name, file.type, hex(await file.arrayBuffer())],
      ['we"ird.bin', "application/octet-stream", "00ff"],
    );
  },
  "formData() parses urlencoded bodies and refuses other types": async () => {
    const form = await new Response("a=1&b=%C3%A9+x", {
      headers: { "content-type": "application/x-www-form-urlencoded" },
    }).formData();
    deepEqual(
      [...form],
      [
        ["a", "1"],
        ["b", "é x"],
      ],
    );
    await rejects(
      () => new Response("x", { headers: { "content-type": "text/plain" } }).formData(),
      "TypeError",
    );
  },
  "formData() parses a hand-written multipart body with a preamble": async () => {
    const body =
      'preamble\r\n--XyZ\r\nContent-Disposition: form-data; name="f"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\n' +
      'file body\r\n--XyZ\r\nContent-Disposition: form-data; name="v"\r\n\r\nvalue\r\n--XyZ--\r\n';
    const form = await new Response(body, {
      headers: { "content-type": 'multipart/form-data; boundary="XyZ"' },
    }).formData();
    equal(await form.get("f").text(), "file body");
    equal(form.get("v"), "value");
    await rejects(
      () =>
        new Response("--XyZ\r\nbroken", {
          headers: { "content-type": "multipart/form-data; boundary=XyZ" },
        }).formData(),
      "TypeError",
    );
  },
};
