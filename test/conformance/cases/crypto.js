// crypto.getRandomValues / randomUUID and crypto.subtle (Web Cryptography API), with known-answer vectors.
import { bytes, deepEqual, equal, hex, ok, rejects, throws, utf8 } from "./assert.js";

const fromHex = (text) => new Uint8Array(text.match(/../g).map((pair) => Number.parseInt(pair, 16)));
const { subtle } = crypto;

export default {
  "getRandomValues fills integer arrays and refuses others": () => {
    const a = crypto.getRandomValues(new Uint32Array(8));
    ok(a.some((value) => value !== 0));
    throws(() => crypto.getRandomValues(new Float64Array(1)), "TypeError");
    ok(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(crypto.randomUUID()));
  },
  "digest matches the FIPS 180 vectors for abc": async () => {
    const abc = utf8("abc");
    deepEqual(
      [
        hex(await subtle.digest("SHA-1", abc)),
        hex(await subtle.digest("SHA-256", abc)),
        hex(await subtle.digest("SHA-384", abc)).slice(0, 16),
        hex(await subtle.digest({ name: "sha-512" }, abc)).slice(0, 16),
      ],
      [
        "a9993e364706816aba3e25717850c26c9cd0d89d",
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        "cb00753f45a35e8b",
        "ddaf35a193617aba",
      ],
    );
  },
  "HMAC matches RFC 4231 test case 2 and verifies": async () => {
    const key = await subtle.importKey("raw", utf8("Jefe"), { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
      "verify",
    ]);
    const data = utf8("what do ya want for nothing?");
    const mac = await subtle.sign("HMAC", key, data);
    equal(hex(mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    ok(await subtle.verify("HMAC", key, mac, data));
    ok(!(await subtle.verify("HMAC", key, mac, utf8("tampered"))));
  },
  "AES-GCM matches the GCM spec's test case 2 and detects tampering": async () => {
    const key = await subtle.importKey("raw", new Uint8Array(16), "AES-GCM", false, ["encrypt", "decrypt"]);
    const params = { name: "AES-GCM", iv: new Uint8Array(12) };
    const sealed = await subtle.encrypt(params, key, new Uint8Array(16));
    equal(hex(sealed), "0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf");
    deepEqual([...new Uint8Array(await subtle.decrypt(params, key, sealed))], [...new Uint8Array(16)]);
    const tampered = new Uint8Array(sealed);
    tampered[0] ^= 1;
    await rejects(() => subtle.decrypt(params, key, tampered), "OperationError");
  },
  "AES-GCM keys are generated, exported as JWK and imported back": async () => {
    const key = await subtle.generateKey({ name: "AES-GCM", length: 128 }, true, ["encrypt", "decrypt"]);
    const jwk = await subtle.exportKey("jwk", key);
    deepEqual([jwk.kty, jwk.alg, jwk.ext], ["oct", "A128GCM", true]);
    const again = await subtle.importKey("jwk", jwk, "AES-GCM", false, ["decrypt"]);
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await subtle.encrypt({ name: "AES-GCM", iv }, key, utf8("hi"));
    equal(new TextDecoder().decode(await subtle.decrypt({ name: "AES-GCM", iv }, again, sealed)), "hi");
  },
  "ECDSA P-256 signs and verifies, with keys in raw, spki and jwk form": async () => {
    const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const data = utf8("payload");
    const signature = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data);
    equal(signature.byteLength, 64);
    const alg = { name: "ECDSA", namedCurve: "P-256" };
    for (const format of ["raw", "spki", "jwk"]) {
      const exported = await subtle.exportKey(format, pair.publicKey);
      const key = await subtle.importKey(format, exported, alg, true, ["verify"]);
      ok(
        await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data),
        `verify with ${format}`,
      );
    }
    ok(!(await subtle.verify({ name: "ECDSA", hash: "SHA-256" }, pair.publicKey, signature, utf8("other"))));
  },
  "Ed25519 verifies RFC 8032 test 1 and signs it again": async () => {
    const publicKey = await subtle.importKey(
      "raw",
      fromHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"),
      "Ed25519",
      true,
      ["verify"],
    );
    const expected =
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    ok(await subtle.verify("Ed25519", publicKey, fromHex(expected), new Uint8Array(0)));
    const privateKey = await subtle.importKey(
      "jwk",
      {
        kty: "OKP",
        crv: "Ed25519",
        d: "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo",
      },
      "Ed25519",
      false,
      ["sign"],
    );
    equal(hex(await subtle.sign("Ed25519", privateKey, new Uint8Array(0))), expected);
  },
  "CryptoKey reports type, extractable, algorithm and usages": async () => {
    const key = await subtle.importKey(
      "raw",
      bytes(1, 2, 3),
      { name: "hmac", hash: { name: "sha-1" } },
      false,
      ["verify", "sign", "verify"],
    );
    ok(key instanceof CryptoKey);
    deepEqual(
      [key.type, key.extractable, key.algorithm, key.usages],
      ["secret", false, { name: "HMAC", hash: { name: "SHA-1" }, length: 24 }, ["sign", "verify"]],
    );
    throws(() => new CryptoKey(), "TypeError");
  },
  "crypto.subtle names its errors as the standard does": async () => {
    const key = await subtle.importKey("raw", bytes(1), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
    await rejects(() => subtle.sign("HMAC", key, bytes()), "InvalidAccessError");
    await rejects(() => subtle.exportKey("raw", key), "InvalidAccessError");
    await rejects(() => subtle.digest("SHA-3", bytes()), "NotSupportedError");
    await rejects(() => subtle.importKey("raw", bytes(1), "AES-GCM", false, ["encrypt"]), "DataError");
    await rejects(
      () => subtle.importKey("raw", bytes(1), { name: "HMAC", hash: "SHA-256" }, false, []),
      "SyntaxError",
    );
    await rejects(() => subtle.digest("SHA-256", "not bytes"), "TypeError");
  },
  "RSASSA-PKCS1-v1_5 keys are generated and verify (RS256)": async () => {
    const pair = await subtle.generateKey(
      { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: bytes(1, 0, 1), hash: "SHA-256" },
      true,
      ["sign", "verify"],
    );
    const signature = await subtle.sign("RSASSA-PKCS1-v1_5", pair.privateKey, utf8("x"));
    ok(await subtle.verify("RSASSA-PKCS1-v1_5", pair.publicKey, signature, utf8("x")));
  },
};
