// Rewrites stack traces and log lines so they point at the files the developer uploaded: module URLs
// (`file:///lib/util.js:3:7`) become plain paths, and positions in modules transformed at deploy (TypeScript)
// are mapped back through their source maps.

import { originalPositionFor, TraceMap } from "@jridgewell/trace-mapping";
import type { CodeBundle } from "@skiff/core";

const LOCATION = /file:\/\/\/([^\s:()]+):(\d+):(\d+)/g;

export type StackMapper = (text: string) => string;

export function createStackMapper(bundle: CodeBundle): StackMapper {
  const maps = new Map<string, TraceMap | null>();
  const mapFor = (path: string): TraceMap | null => {
    let map = maps.get(path);
    if (map === undefined) {
      const raw = bundle.modules[path]?.sourceMap;
      try {
        map = raw === undefined ? null : new TraceMap(raw);
      } catch {
        map = null;
      }
      maps.set(path, map);
    }
    return map;
  };
  return (text) =>
    text.includes("file:///")
      ? text.replace(LOCATION, (whole, path: string, line: string, column: string) => {
          if (!Object.hasOwn(bundle.modules, path)) return whole;
          const map = mapFor(path);
          if (map === null) return `${path}:${line}:${column}`;
          // V8 columns are 1-based, source-map columns 0-based.
          const original = originalPositionFor(map, { line: Number(line), column: Number(column) - 1 });
          if (original.source === null || original.line === null) return `${path}:${line}:${column}`;
          return `${original.source}:${original.line}:${(original.column ?? 0) + 1}`;
        })
      : text;
}
