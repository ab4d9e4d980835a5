// What the gateway's parts share: passed in once by createGateway, never read from globals.
import type { Runtime } from "@skiff/runtime";
import type { Storage } from "@skiff/storage";
import type { Logger } from "pino";
import type { InvocationWriter } from "./invocation-writer.js";
import type { KeyedLock } from "./keyed-lock.js";
import type { RoutingTable } from "./routing-table.js";

export interface GatewayDeps {
  storage: Storage;
  runtime: Runtime;
  routes: RoutingTable;
  writer: InvocationWriter;
  /** Serialises deploy, rollback and delete per function. */
  locks: KeyedLock;
  logger: Logger;
  now: () => number;
  newId: () => string;
  baseDomain: string;
  requestBodyBytes: number;
  adminToken: string | undefined;
}
