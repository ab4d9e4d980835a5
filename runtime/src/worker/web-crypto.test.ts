// crypto.subtle inside the isolate, checked against Node's own WebCrypto (OpenSSL): keys made on one side
// are used on the other, and what one side signs or encrypts the other verifies or decrypts.
import { webcrypto } from "node:crypto";
import { build } from "esbuild";
import * as jose from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SandboxHarness } from "../testing/sandbox-harness.js";

const subtle = webcrypto.subtle;
const hex = (bytes: ArrayBuffer | Uint8Array) => Buffer.from(bytes as ArrayBuffer).toString("hex");
const fromHex = (text: string) => new Uint8Array(Buffer.from(text, "hex"));

/**
 * One isolate for the file. Each call runs `body` as an async function of `input` (JSON) with helpers `hex`,
 * `fromHex`, `utf8` and `caught` (the name of what a promise rejects with) and returns its JSON result.
 */
const MODULE = `
  const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, "0")).join("");
  const fromHex = (t) => new Uint8Array(t.match(/../g)?.map((x) => parseInt(x, 16)) ?? []);
  const utf8 = (t) => new TextEncoder().encode(t);
  const caught = (promise) => promise.then(() => "resolved", (e) => e.name);
  export const handler = async ({ body, input }) =>
    new Function("input", "hex", "fromHex", "utf8", "caught", "jose", \`return (async () => { \${body} })()\`)(
      input, hex, fromHex, utf8, caught, globalThis.jose);
`;

let harness: SandboxHarness;

beforeAll(async () => {
  // jose as tenants use it: bundled for the Web platform, unchanged.
  const bundled = await build({
    stdin: { contents: 'import * as jose from "jose"; globalThis.jose = jose;', resolveDir: process.cwd() },
    bundle: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    logLevel: "silent",
  });
  const joseSource = bundled.outputFiles[0]?.text ?? "";
  harness = await SandboxHarness.load(
    {
      main: "index.js",
      modules: {
        "index.js": { type: "esm", content: `import "./jose.js";\n${MODULE}` },
        "jose.js": { type: "esm", content: joseSource },
      },
    },
    {},
    128,
  );
});

afterAll(() => harness?.dispose());

async function inIsolate(body: string, input: unknown = null): Promise<unknown> {
  const { result } = await harness.run({ kind: "invoke", payload: { body, input } });
  if (result.outcome !== "ok")
    throw new Error(`${result.outcome}: ${result.error?.message}\n${result.error?.stack}`);
  return result.value;
}

describe("crypto.subtle digest and HMAC", () => {
  it("digests like Node for SHA-1, SHA-256, SHA-384 and SHA-512", async () => {
    const data = webcrypto.getRandomValues(new Uint8Array(1000));
    const out = await inIsolate(
      `const d = fromHex(input);
       const r = {};
       for (const h of ["SHA-1", "SHA-256", "sha-384", { name: "SHA-512" }]) r[h.name ?? h] = hex(await crypto.subtle.digest(h, d));
       r.result = Object.prototype.toString.call(await crypto.subtle.digest("SHA-256", d));
       return r;`,
      hex(data),
    );
    expect(out).toEqual({
      "SHA-1": hex(await subtle.digest("SHA-1", data)),
      "SHA-256": hex(await subtle.digest("SHA-256", data)),
      "sha-384": hex(await subtle.digest("SHA-384", data)),
      "SHA-512": hex(await subtle.digest("SHA-512", data)),
      result: "[object ArrayBuffer]",
    });
  });

  it("signs and verifies HMAC like Node, from raw and JWK keys", async () => {
    const key = await subtle.generateKey({ name: "HMAC", hash: "SHA-384" }, true, ["sign", "verify"]);
    const jwk = await subtle.exportKey("jwk", key);
    const data = new TextEncoder().encode("message");
    const nodeSignature = hex(await subtle.sign("HMAC", key, data));
    const out = (await inIsolate(
      `const raw = await crypto.subtle.importKey("raw", fromHex(input.raw), { name: "HMAC", hash: "SHA-384" }, true, ["sign", "verify"]);
       const fromJwk = await crypto.subtle.importKey("jwk", input.jwk, { name: "HMAC", hash: "SHA-384" }, false, ["verify"]);
       return {
         signature: hex(await crypto.subtle.sign("HMAC", raw, utf8("message"))),
         verified: await crypto.subtle.verify("HMAC", fromJwk, fromHex(input.signature), utf8("message")),
         tampered: await crypto.subtle.verify("HMAC", fromJwk, fromHex(input.signature), utf8("messagE")),
         algorithm: raw.algorithm, usages: raw.usages, type: raw.type, extractable: fromJwk.extractable,
         jwk: await crypto.subtle.exportKey("jwk", raw),
         signWithVerifyKey: await caught(crypto.subtle.sign("HMAC", fromJwk, utf8("x"))),
         exportUnextractable: await caught(crypto.subtle.exportKey("raw", fromJwk)),
         emptyUsages: await caught(crypto.subtle.importKey("raw", fromHex(input.raw), { name: "HMAC", hash: "SHA-384" }, true, [])),
         badUsage: await caught(crypto.subtle.importKey("raw", fromHex(input.raw), { name: "HMAC", hash: "SHA-384" }, true, ["encrypt"])),
         wrongAlg: await caught(crypto.subtle.importKey("jwk", { ...input.jwk, alg: "HS256" }, { name: "HMAC", hash: "SHA-384" }, true, ["sign"])),
       };`,
      { raw: hex(await subtle.exportKey("raw", key)), jwk, signature: nodeSignature },
    )) as Record<string, unknown>;
    expect(out).toMatchObject({
      signature: nodeSignature,
      verified: true,
      tampered: false,
      algorithm: { name: "HMAC", hash: { name: "SHA-384" }, length: 1024 },
      usages: ["sign", "verify"],
      type: "secret",
      extractable: false,
      jwk: { kty: "oct", k: jwk.k, alg: "HS384", ext: true, key_ops: ["sign", "verify"] },
      signWithVerifyKey: "InvalidAccessError",
      exportUnextractable: "InvalidAccessError",
      emptyUsages: "SyntaxError",
      badUsage: "SyntaxError",
      wrongAlg: "DataError",
    });
  });
});

describe("crypto.subtle ciphers", () => {
  it("encrypts and decrypts AES-GCM like Node, with additional data and short tags", async () => {
    const key = await subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt", "decrypt"]);
    const iv = webcrypto.getRandomValues(new Uint8Array(12));
    const aad = new TextEncoder().encode("header");
    const plain = new TextEncoder().encode("attack at dawn, bring snacks");
    const full = hex(await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad }, key, plain));
    const short = hex(
      await subtle.encrypt({ name: "AES-GCM", iv, additionalData: aad, tagLength: 96 }, key, plain),
    );
    const out = await inIsolate(
      `const key = await crypto.subtle.importKey("jwk", input.jwk, "AES-GCM", true, ["encrypt", "decrypt"]);
       const p = { name: "AES-GCM", iv: fromHex(input.iv), additionalData: utf8("header") };
       const full = fromHex(input.full);
       const bad = full.slice(); bad[0] ^= 1;
       return {
         full: hex(await crypto.subtle.encrypt(p, key, utf8("attack at dawn, bring snacks"))),
         short: hex(await crypto.subtle.encrypt({ ...p, tagLength: 96 }, key, utf8("attack at dawn, bring snacks"))),
         decrypted: new TextDecoder().decode(await crypto.subtle.decrypt(p, key, full)),
         decryptedShort: new TextDecoder().decode(await crypto.subtle.decrypt({ ...p, tagLength: 96 }, key, fromHex(input.short))),
         tampered: await caught(crypto.subtle.decrypt(p, key, bad)),
         wrongAad: await caught(crypto.subtle.decrypt({ ...p, additionalData: utf8("other") }, key, full)),
         badTagLength: await caught(crypto.subtle.encrypt({ ...p, tagLength: 48 }, key, utf8("x"))),
         noIv: await caught(crypto.subtle.encrypt({ name: "AES-GCM" }, key, utf8("x"))),
         badKeySize: await caught(crypto.subtle.importKey("raw", new Uint8Array(20), "AES-GCM", true, ["encrypt"])),
         algorithm: key.algorithm,
       };`,
      { jwk: await subtle.exportKey("jwk", key), iv: hex(iv), full, short },
    );
    expect(out).toEqual({
      full,
      short,
      decrypted: "attack at dawn, bring snacks",
      decryptedShort: "attack at dawn, bring snacks",
      tampered: "OperationError",
      wrongAad: "OperationError",
      badTagLength: "OperationError",
      noIv: "TypeError",
      badKeySize: "DataError",
      algorithm: { name: "AES-GCM", length: 256 },
    });
  });

  it("matches Node for AES-CBC, AES-CTR (counter wrap included) and AES-KW", async () => {
    const raw = webcrypto.getRandomValues(new Uint8Array(16));
    const iv = webcrypto.getRandomValues(new Uint8Array(16));
    // The low 8 counter bits start near their end, so 100 bytes (7 blocks) wrap them.
    const counter = new Uint8Array(16).fill(0xab);
    counter[15] = 0xfd;
    const data = webcrypto.getRandomValues(new Uint8Array(100));
    const cbcKey = await subtle.importKey("raw", raw, "AES-CBC", true, ["encrypt"]);
    const ctrKey = await subtle.importKey("raw", raw, "AES-CTR", true, ["encrypt"]);
    const kwKey = await subtle.importKey("raw", raw, "AES-KW", true, ["wrapKey"]);
    const wrappedKey = await subtle.importKey("raw", new Uint8Array(32).fill(7), "AES-GCM", true, [
      "encrypt",
    ]);
    const expected = {
      cbc: hex(await subtle.encrypt({ name: "AES-CBC", iv }, cbcKey, data)),
      ctr: hex(await subtle.encrypt({ name: "AES-CTR", counter, length: 8 }, ctrKey, data)),
      kw: hex(await subtle.wrapKey("raw", wrappedKey, kwKey, "AES-KW")),
    };
    const out = await inIsolate(
      `const raw = fromHex(input.raw), data = fromHex(input.data);
       const cbc = await crypto.subtle.importKey("raw", raw, "AES-CBC", false, ["encrypt", "decrypt"]);
       const ctr = await crypto.subtle.importKey("raw", raw, "AES-CTR", false, ["encrypt", "decrypt"]);
       const kw = await crypto.subtle.importKey("raw", raw, "AES-KW", false, ["wrapKey", "unwrapKey"]);
       const wrapped = await crypto.subtle.importKey("raw", new Uint8Array(32).fill(7), "AES-GCM", true, ["encrypt"]);
       const cbcOut = await crypto.subtle.encrypt({ name: "AES-CBC", iv: fromHex(input.iv) }, cbc, data);
       const ctrOut = await crypto.subtle.encrypt({ name: "AES-CTR", counter: fromHex(input.counter), length: 8 }, ctr, data);
       const unwrapped = await crypto.subtle.unwrapKey("raw", fromHex(input.kw), kw, "AES-KW", "AES-GCM", true, ["encrypt"]);
       return {
         cbc: hex(cbcOut),
         ctr: hex(ctrOut),
         kw: hex(await crypto.subtle.wrapKey("raw", wrapped, kw, "AES-KW")),
         cbcBack: hex(await crypto.subtle.decrypt({ name: "AES-CBC", iv: fromHex(input.iv) }, cbc, cbcOut)) === input.data,
         ctrBack: hex(await crypto.subtle.decrypt({ name: "AES-CTR", counter: fromHex(input.counter), length: 8 }, ctr, ctrOut)) === input.data,
         unwrapped: hex(await crypto.subtle.exportKey("raw", unwrapped)),
       };`,
      { raw: hex(raw), iv: hex(iv), counter: hex(counter), data: hex(data), kw: expected.kw },
    );
    expect(out).toEqual({ ...expected, cbcBack: true, ctrBack: true, unwrapped: "07".repeat(32) });
  });
});

describe("crypto.subtle signatures and key agreement", () => {
  for (const namedCurve of ["P-256", "P-384", "P-521"] as const) {
    it(`signs and verifies ECDSA ${namedCurve} across the isolate and Node, in every key format`, async () => {
      const hash = namedCurve === "P-256" ? "SHA-256" : "SHA-384";
      const pair = await subtle.generateKey({ name: "ECDSA", namedCurve }, true, ["sign", "verify"]);
      const data = new TextEncoder().encode("signed by both");
      const nodeSignature = hex(await subtle.sign({ name: "ECDSA", hash }, pair.privateKey, data));
      const out = (await inIsolate(
        `const alg = { name: "ECDSA", namedCurve: input.namedCurve };
         const sig = { name: "ECDSA", hash: input.hash };
         const spki = await crypto.subtle.importKey("spki", fromHex(input.spki), alg, true, ["verify"]);
         const raw = await crypto.subtle.importKey("raw", fromHex(input.raw), alg, true, ["verify"]);
         const jwkPublic = await crypto.subtle.importKey("jwk", input.jwkPublic, alg, true, ["verify"]);
         const pkcs8 = await crypto.subtle.importKey("pkcs8", fromHex(input.pkcs8), alg, true, ["sign"]);
         const jwkPrivate = await crypto.subtle.importKey("jwk", input.jwkPrivate, alg, true, ["sign"]);
         return {
           verifiedSpki: await crypto.subtle.verify(sig, spki, fromHex(input.signature), utf8("signed by both")),
           verifiedRaw: await crypto.subtle.verify(sig, raw, fromHex(input.signature), utf8("signed by both")),
           verifiedJwk: await crypto.subtle.verify(sig, jwkPublic, fromHex(input.signature), utf8("signed by both")),
           tampered: await crypto.subtle.verify(sig, spki, fromHex(input.signature), utf8("signed by one")),
           fromPkcs8: hex(await crypto.subtle.sign(sig, pkcs8, utf8("signed by both"))),
           fromJwk: hex(await crypto.subtle.sign(sig, jwkPrivate, utf8("signed by both"))),
           spki: hex(await crypto.subtle.exportKey("spki", raw)),
           raw: hex(await crypto.subtle.exportKey("raw", jwkPublic)),
           jwk: await crypto.subtle.exportKey("jwk", pkcs8),
           pkcs8Type: pkcs8.type, algorithm: pkcs8.algorithm,
           signWithPublic: await caught(crypto.subtle.sign(sig, spki, utf8("x"))),
           wrongCurve: await caught(crypto.subtle.importKey("spki", fromHex(input.spki), { name: "ECDSA", namedCurve: input.namedCurve === "P-256" ? "P-384" : "P-256" }, true, ["verify"])),
           badPoint: await caught(crypto.subtle.importKey("raw", new Uint8Array([4, ...new Uint8Array(64)]), alg, true, ["verify"])),
           exportRawPrivate: await caught(crypto.subtle.exportKey("raw", pkcs8)),
         };`,
        {
          namedCurve,
          hash,
          signature: nodeSignature,
          spki: hex(await subtle.exportKey("spki", pair.publicKey)),
          raw: hex(await subtle.exportKey("raw", pair.publicKey)),
          jwkPublic: await subtle.exportKey("jwk", pair.publicKey),
          pkcs8: hex(await subtle.exportKey("pkcs8", pair.privateKey)),
          jwkPrivate: await subtle.exportKey("jwk", pair.privateKey),
        },
      )) as Record<string, unknown>;
      expect(out).toMatchObject({
        verifiedSpki: true,
        verifiedRaw: true,
        verifiedJwk: true,
        tampered: false,
        spki: hex(await subtle.exportKey("spki", pair.publicKey)),
        raw: hex(await subtle.exportKey("raw", pair.publicKey)),
        jwk: await subtle.exportKey("jwk", pair.privateKey),
        pkcs8Type: "private",
        algorithm: { name: "ECDSA", namedCurve },
        signWithPublic: "InvalidAccessError",
        wrongCurve: "DataError",
        badPoint: "DataError",
        exportRawPrivate: "InvalidAccessError",
      });
      for (const signature of [out.fromPkcs8, out.fromJwk] as string[]) {
        expect(await subtle.verify({ name: "ECDSA", hash }, pair.publicKey, fromHex(signature), data)).toBe(
          true,
        );
      }
    });
  }

  it("signs and verifies Ed25519 across the isolate and Node; keys exported by the isolate import in Node", async () => {
    const pair = (await subtle.generateKey("Ed25519", true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
    const data = new TextEncoder().encode("edwards");
    const out = (await inIsolate(
      `const spki = await crypto.subtle.importKey("spki", fromHex(input.spki), "Ed25519", true, ["verify"]);
       const jwk = await crypto.subtle.importKey("jwk", input.jwkPrivate, { name: "Ed25519" }, true, ["sign"]);
       const pkcs8 = await crypto.subtle.importKey("pkcs8", fromHex(input.pkcs8), "Ed25519", true, ["sign"]);
       const mine = await crypto.subtle.generateKey("Ed25519", true, ["sign", "verify"]);
       return {
         verified: await crypto.subtle.verify("Ed25519", spki, fromHex(input.signature), utf8("edwards")),
         tampered: await crypto.subtle.verify("Ed25519", spki, fromHex(input.signature), utf8("edward")),
         signature: hex(await crypto.subtle.sign("Ed25519", jwk, utf8("edwards"))),
         samePkcs8: hex(await crypto.subtle.sign("Ed25519", pkcs8, utf8("edwards"))),
         mySpki: hex(await crypto.subtle.exportKey("spki", mine.publicKey)),
         myPkcs8: hex(await crypto.subtle.exportKey("pkcs8", mine.privateKey)),
         myJwk: await crypto.subtle.exportKey("jwk", mine.privateKey),
         mySignature: hex(await crypto.subtle.sign("Ed25519", mine.privateKey, utf8("edwards"))),
         publicUsages: mine.publicKey.usages, privateUsages: mine.privateKey.usages,
       };`,
      {
        signature: hex(await subtle.sign("Ed25519", pair.privateKey, data)),
        spki: hex(await subtle.exportKey("spki", pair.publicKey)),
        pkcs8: hex(await subtle.exportKey("pkcs8", pair.privateKey)),
        jwkPrivate: await subtle.exportKey("jwk", pair.privateKey),
      },
    )) as Record<string, string>;
    expect(out).toMatchObject({
      verified: true,
      tampered: false,
      publicUsages: ["verify"],
      privateUsages: ["sign"],
    });
    // Ed25519 is deterministic: the same key and message give Node's signature.
    expect(out.signature).toBe(hex(await subtle.sign("Ed25519", pair.privateKey, data)));
    expect(out.samePkcs8).toBe(out.signature);
    const mySpki = await subtle.importKey("spki", fromHex(out.mySpki as string), "Ed25519", true, ["verify"]);
    expect(await subtle.verify("Ed25519", mySpki, fromHex(out.mySignature as string), data)).toBe(true);
    const myPkcs8 = await subtle.importKey("pkcs8", fromHex(out.myPkcs8 as string), "Ed25519", true, [
      "sign",
    ]);
    expect(hex(await subtle.sign("Ed25519", myPkcs8, data))).toBe(out.mySignature);
    await expect(
      subtle.importKey("jwk", out.myJwk as unknown as webcrypto.JsonWebKey, "Ed25519", true, ["sign"]),
    ).resolves.toBeDefined();
  });

  it("derives the same ECDH and X25519 secrets as Node", async () => {
    const ecNode = await subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
    const xNode = (await subtle.generateKey("X25519", true, ["deriveBits"])) as webcrypto.CryptoKeyPair;
    const out = (await inIsolate(
      `const ec = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"]);
       const ecPeer = await crypto.subtle.importKey("raw", fromHex(input.ecPublic), { name: "ECDH", namedCurve: "P-256" }, true, []);
       const x = await crypto.subtle.generateKey("X25519", true, ["deriveBits", "deriveKey"]);
       const xPeer = await crypto.subtle.importKey("raw", fromHex(input.xPublic), "X25519", true, []);
       const aes = await crypto.subtle.deriveKey({ name: "X25519", public: xPeer }, x.privateKey, { name: "AES-GCM", length: 128 }, true, ["encrypt"]);
       return {
         ecPublic: hex(await crypto.subtle.exportKey("raw", ec.publicKey)),
         ecSecret: hex(await crypto.subtle.deriveBits({ name: "ECDH", public: ecPeer }, ec.privateKey, 256)),
         xPublic: hex(await crypto.subtle.exportKey("raw", x.publicKey)),
         xSecret: hex(await crypto.subtle.deriveBits({ name: "X25519", public: xPeer }, x.privateKey, 256)),
         derivedKey: hex(await crypto.subtle.exportKey("raw", aes)),
         tooLong: await caught(crypto.subtle.deriveBits({ name: "ECDH", public: ecPeer }, ec.privateKey, 512)),
       };`,
      {
        ecPublic: hex(await subtle.exportKey("raw", ecNode.publicKey)),
        xPublic: hex(await subtle.exportKey("raw", xNode.publicKey)),
      },
    )) as Record<string, string>;
    const ecPeer = await subtle.importKey(
      "raw",
      fromHex(out.ecPublic as string),
      { name: "ECDH", namedCurve: "P-256" },
      true,
      [],
    );
    const xPeer = await subtle.importKey("raw", fromHex(out.xPublic as string), "X25519", true, []);
    expect(out.ecSecret).toBe(
      hex(await subtle.deriveBits({ name: "ECDH", public: ecPeer }, ecNode.privateKey, 256)),
    );
    const xSecret = hex(await subtle.deriveBits({ name: "X25519", public: xPeer }, xNode.privateKey, 256));
    expect(out.xSecret).toBe(xSecret);
    expect(out.derivedKey).toBe(xSecret.slice(0, 32));
    expect(out.tooLong).toBe("OperationError");
  });

  it("derives PBKDF2 and HKDF bits like Node and names what it does not implement", async () => {
    const password = await subtle.importKey("raw", new TextEncoder().encode("hunter2"), "PBKDF2", false, [
      "deriveBits",
    ]);
    const ikm = await subtle.importKey("raw", new Uint8Array(22).fill(11), "HKDF", false, ["deriveBits"]);
    const salt = new TextEncoder().encode("salt");
    const info = new TextEncoder().encode("info");
    const out = await inIsolate(
      `const password = await crypto.subtle.importKey("raw", utf8("hunter2"), "PBKDF2", false, ["deriveBits", "deriveKey"]);
       const ikm = await crypto.subtle.importKey("raw", new Uint8Array(22).fill(11), "HKDF", false, ["deriveBits"]);
       const aes = await crypto.subtle.deriveKey({ name: "PBKDF2", salt: utf8("salt"), iterations: 1000, hash: "SHA-256" }, password, { name: "AES-CBC", length: 256 }, false, ["encrypt"]);
       return {
         pbkdf2: hex(await crypto.subtle.deriveBits({ name: "PBKDF2", salt: utf8("salt"), iterations: 1000, hash: "SHA-256" }, password, 256)),
         hkdf: hex(await crypto.subtle.deriveBits({ name: "HKDF", salt: utf8("salt"), info: utf8("info"), hash: "SHA-512" }, ikm, 336)),
         derived: aes.algorithm,
         extractableKdf: await caught(crypto.subtle.importKey("raw", utf8("x"), "PBKDF2", true, ["deriveBits"])),
         rsa: await caught(crypto.subtle.importKey("spki", new Uint8Array(10), { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["verify"])),
         unknown: await caught(crypto.subtle.digest("MD5", new Uint8Array(1))),
         notBuffer: await caught(crypto.subtle.digest("SHA-256", "text")),
       };`,
    );
    expect(out).toEqual({
      pbkdf2: hex(
        await subtle.deriveBits({ name: "PBKDF2", salt, iterations: 1000, hash: "SHA-256" }, password, 256),
      ),
      hkdf: hex(await subtle.deriveBits({ name: "HKDF", salt, info, hash: "SHA-512" }, ikm, 336)),
      derived: { name: "AES-CBC", length: 256 },
      extractableKdf: "SyntaxError",
      rsa: "NotSupportedError",
      unknown: "NotSupportedError",
      notBuffer: "TypeError",
    });
  });
});

describe("jose, bundled unchanged, inside the isolate", () => {
  it("verifies JWTs that Node's jose signed and signs JWTs that Node's jose verifies (HS256, ES256, EdDSA)", async () => {
    const secret = new TextEncoder().encode("a-string-secret-at-least-256-bits-long");
    const es = await jose.generateKeyPair("ES256", { extractable: true });
    const ed = await jose.generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
    const claims = { sub: "user-1", role: "admin" };
    const tokens = {
      hs: await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setExpirationTime("5m")
        .sign(secret),
      es: await new jose.SignJWT(claims)
        .setProtectedHeader({ alg: "ES256" })
        .setIssuedAt()
        .sign(es.privateKey),
      ed: await new jose.SignJWT(claims).setProtectedHeader({ alg: "EdDSA" }).sign(ed.privateKey),
    };
    const out = (await inIsolate(
      `const secret = utf8(input.secret);
       const esPublic = await jose.importSPKI(input.esSpki, "ES256");
       const edPublic = await jose.importJWK(input.edJwk, "EdDSA");
       const esPrivate = await jose.importPKCS8(input.esPkcs8, "ES256");
       const edPrivate = await jose.importJWK(input.edPrivateJwk, "EdDSA");
       const verified = {
         hs: (await jose.jwtVerify(input.tokens.hs, secret)).payload,
         es: (await jose.jwtVerify(input.tokens.es, esPublic)).payload,
         ed: (await jose.jwtVerify(input.tokens.ed, edPublic)).payload,
       };
       let forged = "accepted";
       try { await jose.jwtVerify(input.tokens.hs, utf8("another-secret-that-is-also-long-enough")); } catch (e) { forged = e.code; }
       return {
         verified, forged,
         signed: {
           hs: await new jose.SignJWT({ from: "isolate" }).setProtectedHeader({ alg: "HS256" }).sign(secret),
           es: await new jose.SignJWT({ from: "isolate" }).setProtectedHeader({ alg: "ES256" }).sign(esPrivate),
           ed: await new jose.SignJWT({ from: "isolate" }).setProtectedHeader({ alg: "EdDSA" }).sign(edPrivate),
         },
       };`,
      {
        secret: new TextDecoder().decode(secret),
        tokens,
        esSpki: await jose.exportSPKI(es.publicKey),
        esPkcs8: await jose.exportPKCS8(es.privateKey),
        edJwk: await jose.exportJWK(ed.publicKey),
        edPrivateJwk: await jose.exportJWK(ed.privateKey),
      },
    )) as { verified: Record<string, unknown>; forged: string; signed: Record<string, string> };
    for (const payload of Object.values(out.verified)) expect(payload).toMatchObject(claims);
    expect(out.forged).toBe("ERR_JWS_SIGNATURE_VERIFICATION_FAILED");
    expect((await jose.jwtVerify(out.signed.hs as string, secret)).payload).toEqual({ from: "isolate" });
    expect((await jose.jwtVerify(out.signed.es as string, es.publicKey)).payload).toEqual({
      from: "isolate",
    });
    expect((await jose.jwtVerify(out.signed.ed as string, ed.publicKey)).payload).toEqual({
      from: "isolate",
    });
  });
});
