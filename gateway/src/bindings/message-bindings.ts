// Queue and topic binding calls from tenant code (`env.JOBS.send`, `env.EVENTS.publish`): served by the same
// producer as the admin API, always in the version's own tenant, with the queue or topic the binding names.
import { type QueueBinding, SkiffError, type TopicBinding } from "@skiff/core";
import type { BindingCall } from "@skiff/runtime";
import type { MessageProducer } from "../queues/message-producer.js";

export async function serveMessageBinding(
  call: BindingCall,
  binding: QueueBinding | TopicBinding,
  producer: MessageProducer | undefined,
): Promise<unknown> {
  if (producer === undefined) {
    throw new SkiffError("INTERNAL_ERROR", "this server runs without queues and topics");
  }
  const tenant = call.version.tenant;
  const args = (call.args ?? {}) as Record<string, unknown>;
  if (binding.type === "queue") {
    if (call.op !== "send") throw new SkiffError("INVALID_REQUEST", `queues have no operation "${call.op}"`);
    const sent = await producer.send(tenant, binding.queue, args.messages);
    return { messages: sent.map((m) => ({ id: m.id, duplicate: m.duplicate })) };
  }
  if (call.op !== "publish") throw new SkiffError("INVALID_REQUEST", `topics have no operation "${call.op}"`);
  const result = await producer.publish(tenant, binding.topic, {
    message: args.message,
    attributes: args.attributes,
    groupId: args.groupId,
  });
  return { messageId: result.messageId, deliveries: result.deliveries };
}
