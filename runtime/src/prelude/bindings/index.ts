// Turns the version's bindings into the objects tenant code finds in `env` (one file per kind).
import { R2Bucket } from "./bucket.js";
import { KVNamespace } from "./kv.js";

export interface BindingDescriptor {
  type: string;
  name: string;
}

export function bindingObjects(descriptors: readonly BindingDescriptor[]): Record<string, unknown> {
  const objects: Record<string, unknown> = {};
  for (const { type, name } of descriptors) {
    if (type === "bucket") objects[name] = new R2Bucket(name);
    else if (type === "kv") objects[name] = new KVNamespace(name);
  }
  return objects;
}
