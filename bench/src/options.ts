// Command-line options of `npm run bench -- …`.
import { parseArgs } from "node:util";
import { PEER_NAMES, type PeerName } from "./peers/peer.js";
import type { Mode, ScenarioName } from "./plan.js";
import { SCENARIO_NAMES } from "./plan.js";
import { PROFILE_TARGETS, type ProfileTarget } from "./profile/profile-targets.js";

export interface BenchOptions {
  mode: Mode;
  peers: PeerName[];
  scenarios: ScenarioName[];
  /** Write BENCHMARKS.md (default true; not in smoke mode). */
  write: boolean;
  /** Print the JSON results on stdout (the tables then go to stderr). */
  json: boolean;
  jsonFile: string | undefined;
  profile: ProfileTarget | undefined;
  /** Run only the ceiling probe (probes/ceiling.ts) and write its section. */
  ceiling: boolean;
  /** Record this run's warm results under a label in the Before/after section (only that section is written). */
  record: string | undefined;
  /** With `record`: record the results saved by an earlier `--json-file` run instead of running anything. */
  fromJson: string | undefined;
  help: boolean;
}

export const USAGE = `usage: npm run bench -- [options]

  (no option)          the quick set: every scenario, under 3 minutes on 2 cores
  --full               everything, with longer runs (takes long)
  --smoke              tiny durations: checks that the harness works (CI)
  --peers <list>       comma-separated: ${PEER_NAMES.join(",")} (default: all)
  --scenarios <list>   comma-separated: ${SCENARIO_NAMES.join(",")} (default: all)
  --profile <what>     ${PROFILE_TARGETS.join("|")}: CPU-profile Skiff in that scenario; updates only the profile
                       section of BENCHMARKS.md
  --ceiling            what taking the IPC hop away could reach: Skiff beside the runtime's Sandbox inside a
                       node:http server (1 and one per core), a bare isolated-vm call, workerd and node:http;
                       updates only the ceiling section of BENCHMARKS.md
  --no-write           do not write BENCHMARKS.md
  --json               print the results as JSON on stdout (tables on stderr)
  --json-file <path>   also write the JSON results to a file
  --record <label>     keep this run's warm results under <label> in bench/before-after.json and rewrite only
                       the Before/after section of BENCHMARKS.md (e.g. --scenarios warm --record "after X");
                       cold, async and cron figures of the run are kept too
  --from-json <path>   with --record: record the results an earlier run saved with --json-file, running nothing
`;

function list<T extends string>(value: string | undefined, allowed: readonly T[], what: string): T[] {
  if (value === undefined) return [...allowed];
  const items = value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item !== "");
  for (const item of items) {
    if (!allowed.includes(item as T))
      throw new Error(`unknown ${what} "${item}"; one of ${allowed.join(", ")}`);
  }
  if (items.length === 0) throw new Error(`--${what}s needs at least one of ${allowed.join(", ")}`);
  return items as T[];
}

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      full: { type: "boolean" },
      smoke: { type: "boolean" },
      peers: { type: "string" },
      scenarios: { type: "string" },
      profile: { type: "string" },
      ceiling: { type: "boolean" },
      "no-write": { type: "boolean" },
      json: { type: "boolean" },
      "json-file": { type: "string" },
      record: { type: "string" },
      "from-json": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.full && values.smoke) throw new Error("--full and --smoke exclude each other");
  const mode: Mode = values.full ? "full" : values.smoke ? "smoke" : "quick";
  const record = values.record?.trim();
  if (record === "") throw new Error("--record needs a label");
  if (values.ceiling && (values.profile !== undefined || record !== undefined)) {
    throw new Error("--ceiling runs on its own: not with --profile or --record");
  }
  if (values["from-json"] !== undefined && record === undefined) {
    throw new Error("--from-json records a saved run: give it a label with --record");
  }
  const profile =
    values.profile === undefined ? undefined : list(values.profile, PROFILE_TARGETS, "profile target")[0];
  return {
    mode,
    peers: list(values.peers, PEER_NAMES, "peer"),
    scenarios: list(values.scenarios, SCENARIO_NAMES, "scenario"),
    write: !values["no-write"] && mode !== "smoke",
    json: values.json ?? false,
    jsonFile: values["json-file"],
    profile,
    ceiling: values.ceiling ?? false,
    record,
    fromJson: values["from-json"],
    help: values.help ?? false,
  };
}
