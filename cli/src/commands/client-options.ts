// Options of every command that talks to a running server.
import type { OptionSpecs } from "../command.js";

export const clientOptions = {
  url: {
    type: "string",
    placeholder: "<url>",
    description: "server address (default: $SKIFF_URL, else http://127.0.0.1:8787)",
  },
  tenant: {
    type: "string",
    short: "t",
    default: "default",
    placeholder: "<tenant>",
    description: "tenant name",
  },
} as const satisfies OptionSpecs;
