// The platform's async backlog as the operator sees it (GET /api/v1/backlog).
import { z } from "zod";

const waiting = {
  count: z.number().int(),
  oldestCreatedAt: z.number().meta({ description: "Epoch ms the oldest one was created." }),
  oldestAgeMs: z.number(),
};

export const backlogReport = z
  .strictObject({
    events: z.array(z.strictObject({ tenant: z.string(), kind: z.string(), ...waiting })).meta({
      description: "Async events not yet delivered (leased ones included), by tenant and kind.",
    }),
    queueMessages: z.array(z.strictObject({ tenant: z.string(), queue: z.string(), ...waiting })).meta({
      description: "Queue messages not yet delivered, by tenant and queue.",
    }),
    deadLetters: z.array(z.strictObject({ tenant: z.string(), kind: z.string(), count: z.number().int() })),
  })
  .meta({ id: "Backlog", description: "Work waiting across every tenant." });
