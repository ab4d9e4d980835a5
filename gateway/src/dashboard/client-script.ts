// The little script every page runs: times in the reader's own zone, and an opt-in auto-refresh. It talks to
// no server: the page already holds all it shows.
export const DASHBOARD_SCRIPT = `
(() => {
  "use strict";
  const long = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
  const short = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
  const day = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  const clock = new Intl.DateTimeFormat(undefined, {
    hour: "2-digit", minute: "2-digit", second: "2-digit", fractionalSecondDigits: 3, hourCycle: "h23",
  });
  const formats = { long, short, day, clock };
  for (const element of document.querySelectorAll("[data-ts]")) {
    const ts = Number(element.getAttribute("data-ts"));
    if (!Number.isFinite(ts)) continue;
    const format = formats[element.getAttribute("data-format") || "long"] || long;
    element.textContent = format.format(new Date(ts));
  }
  const box = document.getElementById("auto-refresh");
  if (box instanceof HTMLInputElement) {
    const KEY = "skiff.dashboard.autoRefresh";
    let timer;
    const schedule = () => {
      clearTimeout(timer);
      if (box.checked) timer = setTimeout(() => location.reload(), 10000);
    };
    box.checked = sessionStorage.getItem(KEY) === "1";
    box.addEventListener("change", () => {
      sessionStorage.setItem(KEY, box.checked ? "1" : "0");
      schedule();
    });
    schedule();
  }
})();
`;
