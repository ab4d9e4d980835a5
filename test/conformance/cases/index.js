// The conformance runner inside the isolate: a Lambda-style handler that lists the cases or runs one by name
// and reports how it went. Each case is a small async function that throws when the API misbehaves.
import blobForm from "./blob-form.js";
import crypto from "./crypto.js";
import encoding from "./encoding.js";
import eventsAbort from "./events-abort.js";
import fetchCases from "./fetch.js";
import fetchTypes from "./fetch-types.js";
import streams from "./streams.js";
import timers from "./timers.js";
import url from "./url.js";
import webassembly from "./webassembly.js";

const AREAS = {
  url,
  encoding,
  "fetch-types": fetchTypes,
  "blob-form": blobForm,
  streams,
  "events-abort": eventsAbort,
  timers,
  crypto,
  fetch: fetchCases,
  webassembly,
};

const CASE_TIMEOUT_MS = 5000;

const cases = new Map();
for (const [area, group] of Object.entries(AREAS)) {
  for (const [name, run] of Object.entries(group)) cases.set(`${area}: ${name}`, run);
}

export const handler = async ({ list, name }) => {
  if (list) return [...cases.keys()];
  const run = cases.get(name);
  if (run === undefined) return { pass: false, error: `no case named ${JSON.stringify(name)}` };
  let timer;
  try {
    await Promise.race([
      run(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
      }),
    ]);
    return { pass: true };
  } catch (error) {
    return { pass: false, error: `${error?.name ?? "Error"}: ${error?.message ?? String(error)}` };
  } finally {
    clearTimeout(timer);
  }
};
