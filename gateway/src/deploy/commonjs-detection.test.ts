import { describe, expect, it } from "vitest";
import { looksLikeCommonJs } from "./commonjs-detection.js";

describe("looksLikeCommonJs", () => {
  it.each([
    "exports.handler = async (event) => ({ statusCode: 200 });",
    "'use strict';\nconst x = require('./x');\nmodule.exports = { handler };",
    "module.exports.handler = function (e, c, cb) { cb(null, 1) }",
  ])("takes %j as CommonJS", (source) => {
    expect(looksLikeCommonJs(source)).toBe(true);
  });

  it.each([
    "export const handler = async () => 1;",
    "export default { fetch() {} }",
    "import x from './x.js';\nexports.y = 1;",
    "const exportsText = 'exports.handler = 1'; export { exportsText };",
    "console.log('no exports at all')",
  ])("keeps %j an ES module", (source) => {
    expect(looksLikeCommonJs(source)).toBe(false);
  });
});
