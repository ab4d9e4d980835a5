// Helpers the queue and topic e2e tests share: deploys with any config (queue and topic bindings), queues,
// consumers, topics, subscriptions and publications over the admin API, each failing loudly on a refusal.
import type { AdminClient, Answer } from "./skiff-api.js";

const T = "/tenants/default";

function must(answer: Answer, status: number, what: string): Answer {
  if (answer.status !== status) throw new Error(`${what} answered ${answer.status}: ${answer.text}`);
  return answer;
}

/** Deploys with a config the shared FunctionConfig type does not describe (queue and topic bindings). */
export async function deployWith(
  admin: AdminClient,
  name: string,
  code: string,
  config: Record<string, unknown> = {},
): Promise<void> {
  must(await admin.call("PUT", `${T}/functions/${name}`, { code, config }), 201, `deploy ${name}`);
}

export async function createQueue(
  admin: AdminClient,
  name: string,
  options: { ordered?: boolean; maxMessageBytes?: number } = {},
): Promise<void> {
  must(await admin.call("POST", `${T}/queues`, { name, ...options }), 201, `create queue ${name}`);
}

export async function setConsumer(
  admin: AdminClient,
  queue: string,
  consumer: Record<string, unknown>,
): Promise<void> {
  must(await admin.call("PUT", `${T}/queues/${queue}/consumer`, consumer), 200, `consumer of ${queue}`);
}

/** Sends messages (up to 100) in one request; returns their ids. */
export async function sendMessages(
  admin: AdminClient,
  queue: string,
  messages: Array<Record<string, unknown>>,
): Promise<string[]> {
  const answer = must(
    await admin.call("POST", `${T}/queues/${queue}/messages`, { messages }),
    202,
    `send to ${queue}`,
  );
  return (answer.json.messages as Array<{ id: string }>).map((m) => m.id);
}

/** The queue as the API shows it: depth, in flight, oldest message's age, consumer. */
export async function queueInfo(admin: AdminClient, queue: string) {
  return must(await admin.call("GET", `${T}/queues/${queue}`), 200, `queue ${queue}`).json.queue;
}

export async function createTopic(admin: AdminClient, name: string): Promise<void> {
  must(await admin.call("POST", `${T}/topics`, { name }), 201, `create topic ${name}`);
}

export async function subscribe(
  admin: AdminClient,
  topic: string,
  subscription: Record<string, unknown>,
): Promise<void> {
  must(
    await admin.call("POST", `${T}/topics/${topic}/subscriptions`, subscription),
    201,
    `subscribe to ${topic}`,
  );
}

export async function createNamespace(admin: AdminClient, name: string): Promise<void> {
  must(await admin.call("POST", `${T}/kv`, { name }), 201, `create KV namespace ${name}`);
}

/** Runs `task` for 0..count-1 with at most `width` at a time. */
export async function inParallel<R>(
  count: number,
  width: number,
  task: (i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
  return results;
}
