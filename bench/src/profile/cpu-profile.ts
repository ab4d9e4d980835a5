// Reads a V8 .cpuprofile (written by `node --cpu-prof`) and reduces it to the frames where time went: self time
// (the frame itself was on top of the stack) and total time (the frame was anywhere on the stack).

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber?: number;
}

export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export interface FrameTime {
  /** `function (file:line)`, the file relative to `root` when under it. */
  frame: string;
  selfMs: number;
  totalMs: number;
  selfPercent: number;
}

export interface ProfileSummary {
  durationMs: number;
  /** Time the thread had nothing to do. */
  idleMs: number;
  /** Sampled time when the thread was not idle. */
  busyMs: number;
  top: FrameTime[];
}

function frameName(frame: CallFrame, root: string): string {
  const name = frame.functionName === "" ? "(anonymous)" : frame.functionName;
  if (frame.url === "") return name;
  let file = frame.url.replace(/^file:\/\//, "");
  if (root !== "" && file.startsWith(root)) file = file.slice(root.length);
  return `${name} (${file}:${frame.lineNumber + 1})`;
}

/** Checks the parts of a parsed .cpuprofile this module reads. */
export function asCpuProfile(value: unknown): CpuProfile {
  const profile = value as Partial<CpuProfile> | null;
  if (
    typeof profile !== "object" ||
    profile === null ||
    !Array.isArray(profile.nodes) ||
    typeof profile.startTime !== "number" ||
    typeof profile.endTime !== "number"
  ) {
    throw new Error("not a V8 CPU profile");
  }
  return profile as CpuProfile;
}

export function summarizeProfile(profile: CpuProfile, root = "", top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  // Time per node: from samples and their time deltas when present, else hit counts over the duration.
  const nodeTime = new Map<number, number>();
  const durationMs = (profile.endTime - profile.startTime) / 1000;
  if (profile.samples !== undefined && profile.timeDeltas !== undefined) {
    for (let i = 0; i < profile.samples.length; i++) {
      const id = profile.samples[i] as number;
      const delta = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      nodeTime.set(id, (nodeTime.get(id) ?? 0) + Math.max(0, delta));
    }
  } else {
    const hits = profile.nodes.reduce((sum, n) => sum + (n.hitCount ?? 0), 0);
    for (const node of profile.nodes) {
      if (hits > 0) nodeTime.set(node.id, ((node.hitCount ?? 0) / hits) * durationMs);
    }
  }

  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idleMs = 0;
  for (const [id, ms] of nodeTime) {
    const node = byId.get(id);
    if (node === undefined || ms === 0) continue;
    const name = frameName(node.callFrame, root);
    if (node.callFrame.functionName === "(idle)") idleMs += ms;
    self.set(name, (self.get(name) ?? 0) + ms);
    // Each frame once per stack, so that recursion is not counted twice.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (frame === undefined) break;
      const frameKey = frameName(frame.callFrame, root);
      if (seen.has(frameKey)) continue;
      seen.add(frameKey);
      total.set(frameKey, (total.get(frameKey) ?? 0) + ms);
    }
  }
  let sampledMs = 0;
  for (const ms of nodeTime.values()) sampledMs += ms;
  const busyMs = Math.max(1e-9, sampledMs - idleMs);
  const frames = [...self.entries()]
    .filter(([frame]) => !frame.startsWith("(idle)"))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, selfMs]) => ({
      frame,
      selfMs: Math.round(selfMs * 10) / 10,
      totalMs: Math.round((total.get(frame) ?? selfMs) * 10) / 10,
      selfPercent: Math.round((selfMs / busyMs) * 1000) / 10,
    }));
  return {
    durationMs: Math.round(durationMs),
    idleMs: Math.round(idleMs),
    busyMs: Math.round(busyMs),
    top: frames,
  };
}
