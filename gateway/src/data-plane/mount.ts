// Which function a data-plane request is for, and the path the function sees below its mount.

export interface Mount {
  tenant: string;
  functionName: string;
  /** Path and query below the mount, always starting with "/": what the function's request URL carries. */
  path: string;
}

const PATH_PREFIX = "/fn/";

/** The host name of a Host header: lowercase, without port. */
function hostName(host: string): string {
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d*$/, "");
  return name.toLowerCase().replace(/\.$/, "");
}

/**
 * Resolves `{function}.{tenant}.{baseDomain}` (any path) or `/fn/{tenant}/{function}/…` (any host); undefined
 * when the request is for neither. A `/fn/` path with a segment missing resolves to empty names, which no
 * function has.
 *
 * @example
 * resolveMount(new URL("http://x/fn/default/hello/a?q=1"), "x", "localhost");
 * // → { tenant: "default", functionName: "hello", path: "/a?q=1" }
 */
export function resolveMount(
  url: Pick<URL, "pathname" | "search"> & { host?: string },
  host: string | undefined,
  baseDomain: string,
): Mount | undefined {
  const name = hostName(host ?? url.host ?? "");
  const suffix = `.${baseDomain.toLowerCase()}`;
  if (name.endsWith(suffix)) {
    const labels = name.slice(0, -suffix.length).split(".");
    if (labels.length === 2 && labels[0] && labels[1]) {
      return { tenant: labels[1], functionName: labels[0], path: `${url.pathname}${url.search}` };
    }
  }
  if (url.pathname.startsWith(PATH_PREFIX)) {
    const [tenant = "", functionName = "", ...rest] = url.pathname.slice(PATH_PREFIX.length).split("/");
    return { tenant, functionName, path: `/${rest.join("/")}${url.search}` };
  }
  return undefined;
}
