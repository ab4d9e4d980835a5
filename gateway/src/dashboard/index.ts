export { type DashboardDeps, dashboard, SESSION_COOKIE } from "./dashboard.js";
export { SessionStore } from "./session-store.js";
