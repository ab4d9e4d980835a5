// The workerd config (Cap'n Proto text) the harness writes: one service and one socket per module.

export interface WorkerdService {
  /** Service and socket name, also the module's file name without `.js`. */
  name: string;
  port: number;
}

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;
/** A fixed date, so that a newer workerd release does not change the behaviour being measured. */
export const COMPATIBILITY_DATE = "2025-01-01";

/** Config text for services whose modules sit next to the config as `<name>.js`. */
export function workerdConfig(services: WorkerdService[]): string {
  for (const service of services) {
    if (!SERVICE_NAME.test(service.name)) throw new Error(`bad workerd service name ${service.name}`);
    if (!Number.isInteger(service.port) || service.port < 1 || service.port > 65_535) {
      throw new Error(`bad port ${service.port}`);
    }
  }
  const serviceEntries = services.map(
    (s) =>
      `    (name = "${s.name}", worker = (modules = [(name = "${s.name}.js", esModule = embed "${s.name}.js")], ` +
      `compatibilityDate = "${COMPATIBILITY_DATE}")),`,
  );
  const socketEntries = services.map(
    (s) => `    (name = "${s.name}", address = "127.0.0.1:${s.port}", http = (), service = "${s.name}"),`,
  );
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    "",
    "const config :Workerd.Config = (",
    "  services = [",
    ...serviceEntries,
    "  ],",
    "  sockets = [",
    ...socketEntries,
    "  ],",
    ");",
    "",
  ].join("\n");
}
