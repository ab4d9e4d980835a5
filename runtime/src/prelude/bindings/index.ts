// Turns the version's bindings into the objects tenant code finds in `env` (one file per kind).
import { R2Bucket } from "./bucket.js";
import { KVNamespace } from "./kv.js";
import { WorkerQueue } from "./queue.js";
import { Fetcher } from "./service.js";
import { Topic } from "./topic.js";

export interface BindingDescriptor {
  type: string;
  name: string;
}

export function bindingObjects(descriptors: readonly BindingDescriptor[]): Record<string, unknown> {
  const objects: Record<string, unknown> = {};
  for (const { type, name } of descriptors) {
    if (type === "bucket") objects[name] = new R2Bucket(name);
    else if (type === "kv") objects[name] = new KVNamespace(name);
    else if (type === "queue") objects[name] = new WorkerQueue(name);
    else if (type === "topic") objects[name] = new Topic(name);
    else if (type === "service") objects[name] = new Fetcher(name);
  }
  return objects;
}
