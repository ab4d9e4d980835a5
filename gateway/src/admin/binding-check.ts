// A deploy's bindings must name the tenant's own buckets, KV namespaces, queues, topics and functions (a binding
// is an execution role: it can never reach another tenant's storage or code) and must not shadow a var or a
// secret in `env`.
import { type Binding, SkiffError } from "@skiff/core";
import type { Storage } from "@skiff/storage";

/** `functionName`: the function being deployed, which may bind itself (it exists once this deploy lands). */
export async function checkBindings(
  storage: Pick<Storage, "buckets" | "kv" | "queues" | "topics" | "functions">,
  tenant: string,
  bindings: readonly Binding[],
  envNames: Iterable<string>,
  functionName?: string,
): Promise<void> {
  const taken = new Set(envNames);
  let namespaces: Set<string> | undefined;
  for (const binding of bindings) {
    if (taken.has(binding.name)) {
      throw new SkiffError(
        "INVALID_CONFIG",
        `binding ${binding.name} has the name of a var or secret; env names are unique`,
      );
    }
    if (binding.type === "bucket") {
      if ((await storage.buckets.get(tenant, binding.bucket)) === undefined) {
        throw new SkiffError(
          "INVALID_CONFIG",
          `binding ${binding.name}: tenant "${tenant}" has no bucket "${binding.bucket}" (create it first)`,
        );
      }
    } else if (binding.type === "queue") {
      if ((await storage.queues.get(tenant, binding.queue)) === undefined) {
        throw new SkiffError(
          "INVALID_CONFIG",
          `binding ${binding.name}: tenant "${tenant}" has no queue "${binding.queue}" (create it first)`,
        );
      }
    } else if (binding.type === "topic") {
      if ((await storage.topics.get(tenant, binding.topic)) === undefined) {
        throw new SkiffError(
          "INVALID_CONFIG",
          `binding ${binding.name}: tenant "${tenant}" has no topic "${binding.topic}" (create it first)`,
        );
      }
    } else if (binding.type === "service") {
      // As Workers does: a service binding to a function that does not exist fails to deploy.
      if (
        binding.function !== functionName &&
        (await storage.functions.get(tenant, binding.function)) === undefined
      ) {
        throw new SkiffError(
          "INVALID_CONFIG",
          `binding ${binding.name}: tenant "${tenant}" has no function "${binding.function}" (deploy it first; a service binding reaches only functions of its own tenant)`,
        );
      }
    } else {
      namespaces ??= new Set(await storage.kv.listNamespaces(tenant));
      if (!namespaces.has(binding.namespace)) {
        throw new SkiffError(
          "INVALID_CONFIG",
          `binding ${binding.name}: tenant "${tenant}" has no KV namespace "${binding.namespace}" (create it first)`,
        );
      }
    }
  }
}
