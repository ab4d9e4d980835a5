// Path parameters shared by many admin routes, by the name the routes give them; an operation may add its own.
import { BINDING_NAME, NAME_PATTERN } from "@skiff/core";
import { z } from "zod";

const dnsLabel = (what: string) =>
  z
    .string()
    .regex(NAME_PATTERN)
    .meta({ description: `The ${what}: 1-63 of a-z, 0-9 and '-', not starting or ending with '-'.` });

export const PATH_PARAMS: Record<string, z.ZodType> = {
  tenant: dnsLabel("tenant's name"),
  name: dnsLabel("function's name"),
  bucket: z
    .string()
    .min(3)
    .max(63)
    .meta({ description: "The bucket's name: 3-63 of a-z, 0-9, '.' and '-' (S3's rules)." }),
  ns: z.string().min(1).max(63).meta({ description: "The KV namespace's name." }),
  queue: dnsLabel("queue's name"),
  topic: dnsLabel("topic's name"),
  secret: z
    .string()
    .regex(BINDING_NAME)
    .meta({ description: "The secret's name, read as env.NAME: 1-128 letters, digits and '_'." }),
  key: z.string().min(1).meta({
    description: "The rest of the path, percent-encoded once (encodeURIComponent), so a key may hold '/'.",
  }),
  id: z.string().min(1).max(128).meta({ description: "The id as the API gave it." }),
  delivery: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/)
    .meta({ description: "The delivery's id." }),
};
