// A deploy's bindings must name the tenant's own buckets and KV namespaces (a binding is an execution role: it
// can never reach another tenant's storage) and must not shadow a var or a secret in `env`.
import { type Binding, SkiffError } from "@skiff/core";
import type { Storage } from "@skiff/storage";

export async function checkBindings(
  storage: Pick<Storage, "buckets" | "kv">,
  tenant: string,
  bindings: readonly Binding[],
  envNames: Iterable<string>,
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
