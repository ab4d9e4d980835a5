// `env.EVENTS` for a topic binding: `publish(message, {attributes})` fans the message out to the topic's
// matching subscriptions, all or none, and answers with the message id.
import { callBinding } from "./call.js";

export class Topic {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  async publish(
    message: unknown,
    options: { attributes?: Record<string, unknown>; groupId?: string } = {},
  ): Promise<{ messageId: string; deliveries: number }> {
    const text = JSON.stringify(message);
    if (text === undefined) throw new TypeError("a topic message must be a JSON value");
    const attributes =
      options.attributes === undefined ? null : JSON.parse(JSON.stringify(options.attributes));
    const result = (await callBinding(this.#name, "publish", {
      message: JSON.parse(text),
      attributes,
      groupId: options.groupId ?? null,
    })) as { messageId: string; deliveries: number };
    return { messageId: String(result.messageId), deliveries: Number(result.deliveries) };
  }
}
