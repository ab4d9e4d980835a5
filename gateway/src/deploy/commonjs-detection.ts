// Lambda's classic handler file is CommonJS (`exports.handler = …`) saved as `.js`. A `.js` module with no
// ES module syntax that assigns to `exports`/`module.exports` is stored as CommonJS, so it runs unchanged.
// Anything with `import`/`export` statements stays an ES module, as Workers' rules say.

const ESM_SYNTAX =
  /(?:^|[\s;}])(?:import\s*[\w{*"'(]|import\s*\.\s*meta|export\s+(?:default|const|let|var|function|class|async)\b|export\s*[{*])/m;
const CJS_EXPORTS = /\b(?:module\.exports|exports\.[A-Za-z_$][\w$]*)\s*=/;

export function looksLikeCommonJs(source: string): boolean {
  return !ESM_SYNTAX.test(source) && CJS_EXPORTS.test(source);
}
