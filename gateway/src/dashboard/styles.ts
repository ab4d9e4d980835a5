// The dashboard's stylesheet, inlined into each page (no build step, no request for it): plain and readable on a
// laptop screen, light or dark as the system is.
export const DASHBOARD_CSS = `
:root {
  color-scheme: light dark;
  --bg: #f7f7f5; --panel: #ffffff; --text: #1d1f21; --muted: #5f6368; --line: #dcdcd7;
  --accent: #1d5fbf; --ok: #1e7a3d; --bad: #b3261e; --warn: #8a5a00; --p50: #1d5fbf; --p99: #c05800;
  --bar: #6b93d6; --bar-error: #d0473c; --code: #f0f0ec;
  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", sans-serif;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #16181b; --panel: #1f2226; --text: #e7e7e4; --muted: #a0a4aa; --line: #353a40;
    --accent: #7fb0ff; --ok: #6ccf8e; --bad: #ff8a80; --warn: #f0c060; --p50: #7fb0ff; --p99: #ffa65c;
    --bar: #5b83c6; --bar-error: #e0685e; --code: #2a2e33;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); }
a { color: var(--accent); }
header.top { display: flex; align-items: center; gap: 1.5rem; padding: .6rem 1.5rem; background: var(--panel);
  border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; font-size: 1.1rem; color: var(--text); text-decoration: none; }
header.top nav { display: flex; gap: 1rem; flex: 1; }
header.top .who { color: var(--muted); font-size: .9rem; }
header.top form { margin: 0; }
main { max-width: 1240px; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.5rem; margin: .2rem 0 .3rem; }
h2 { font-size: 1.1rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: .8rem 0 .4rem; }
.subtitle { color: var(--muted); margin: 0 0 1rem; }
section.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.2rem;
  margin: 0 0 1rem; overflow-x: auto; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 1rem; margin: 0 0 1rem; }
.grid > section.panel { margin: 0; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; white-space: nowrap; }
time { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .86rem; }
code { background: var(--code); padding: 0 .25rem; border-radius: 3px; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; margin: .2rem 0; }
.notice { color: var(--warn); margin: .2rem 0; }
.error-text { color: var(--bad); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; border: 1px solid var(--line);
  white-space: nowrap; margin: 0 .25rem .15rem 0; }
.badge.ok { color: var(--ok); border-color: var(--ok); }
.badge.bad { color: var(--bad); border-color: var(--bad); }
.badge.warn { color: var(--warn); border-color: var(--warn); }
.stats { display: flex; flex-wrap: wrap; gap: .6rem 2rem; margin: 0 0 .8rem; }
.stat .value { font-size: 1.35rem; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat .label { color: var(--muted); font-size: .82rem; }
.toolbar { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; margin: 0 0 1rem; }
.toolbar .windows a { padding: .15rem .55rem; border: 1px solid var(--line); border-radius: 4px; text-decoration: none;
  margin-right: .25rem; }
.toolbar .windows a[aria-current="page"] { background: var(--accent); color: var(--panel); border-color: var(--accent); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); gap: 1rem; }
figure.chart { margin: 0; }
figure.chart figcaption { font-weight: 600; margin-bottom: .3rem; }
figure.chart svg { width: 100%; height: auto; display: block; }
svg .axis { stroke: var(--line); stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 11px; }
svg .bar { fill: var(--bar); }
svg .bar-error { fill: var(--bar-error); }
svg .line-p50 { stroke: var(--p50); fill: none; stroke-width: 2; }
svg .line-p99 { stroke: var(--p99); fill: none; stroke-width: 2; }
svg .dot-p50 { fill: var(--p50); }
svg .dot-p99 { fill: var(--p99); }
.legend { display: flex; gap: 1rem; font-size: .85rem; color: var(--muted); margin-top: .3rem; }
.legend .swatch { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; margin-right: .3rem;
  vertical-align: -1px; }
.swatch.bar { background: var(--bar); } .swatch.bar-error { background: var(--bar-error); }
.swatch.p50 { background: var(--p50); } .swatch.p99 { background: var(--p99); }
details.invocation { border-bottom: 1px solid var(--line); }
details.invocation > summary { cursor: pointer; padding: .35rem .2rem; display: grid;
  grid-template-columns: 13rem 7.5rem 3rem 4.5rem 5.5rem 7rem 3.5rem 1fr; gap: .6rem; align-items: baseline;
  font-size: .92rem; }
details.invocation > summary .id { color: var(--muted); font-family: ui-monospace, monospace; font-size: .8rem;
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.log { margin: .2rem 0 .6rem 1rem; padding: .4rem .6rem; background: var(--code); border-radius: 4px;
  max-height: 24rem; overflow: auto; }
.log-line { display: grid; grid-template-columns: 7.5rem 3.2rem 1fr; gap: .6rem; white-space: pre-wrap;
  word-break: break-word; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .84rem; }
.log-line .level { font-weight: 600; }
.level-warn { color: var(--warn); } .level-error { color: var(--bad); } .level-debug { color: var(--muted); }
pre.stack { margin: .3rem 0 0; white-space: pre-wrap; color: var(--bad); }
form.login { max-width: 26rem; margin: 4rem auto; background: var(--panel); border: 1px solid var(--line);
  border-radius: 8px; padding: 1.5rem; }
form.login label { display: block; font-weight: 600; margin-bottom: .3rem; }
form.login input { width: 100%; padding: .5rem; font: inherit; border: 1px solid var(--line); border-radius: 4px;
  background: var(--bg); color: var(--text); }
button { font: inherit; padding: .35rem .9rem; border: 1px solid var(--accent); border-radius: 4px;
  background: var(--accent); color: var(--panel); cursor: pointer; }
button.quiet { background: transparent; color: var(--accent); }
form.login button { margin-top: 1rem; width: 100%; padding: .5rem; }
`;
