// The host side of outbound fetch with its egress policy; the runtime worker wires it into the Sandbox.
export { AddressPolicy, type AddressPolicyOptions, type AddressVerdict } from "./address-policy.js";
export { type AddressClass, classifyAddress } from "./address-range.js";
export { type AllowEntry, type Destination, parseAllowList, validateAllowedHosts } from "./allow-list.js";
export { EgressError, type EgressErrorCode, isEgressError } from "./egress-error.js";
export {
  createEgressFetch,
  type EgressFetch,
  type EgressFetchContext,
  type EgressFetchOptions,
} from "./egress-fetch.js";
export type { LookupAll } from "./resolve-host.js";
export { SubrequestBudget } from "./subrequest-budget.js";
