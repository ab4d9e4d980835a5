// Every command the CLI knows; adding a verb is adding a file under commands/ and a line here.
import type { Command, OptionSpecs } from "./command.js";
import { backupCommand } from "./commands/backup.js";
import { bucketCreateCommand } from "./commands/bucket/create.js";
import { bucketLsCommand } from "./commands/bucket/ls.js";
import { bucketRmCommand } from "./commands/bucket/rm.js";
import { deployCommand } from "./commands/deploy.js";
import { devCommand } from "./commands/dev.js";
import { initCommand } from "./commands/init.js";
import { invokeCommand } from "./commands/invoke.js";
import { keyCreateCommand } from "./commands/key/create.js";
import { keyLsCommand } from "./commands/key/ls.js";
import { keyRevokeCommand } from "./commands/key/revoke.js";
import { kvCreateCommand } from "./commands/kv/create.js";
import { kvGetCommand } from "./commands/kv/get.js";
import { kvLsCommand } from "./commands/kv/ls.js";
import { kvNamespacesCommand } from "./commands/kv/namespaces.js";
import { kvPutCommand } from "./commands/kv/put.js";
import { kvRmCommand } from "./commands/kv/rm.js";
import { logsCommand } from "./commands/logs.js";
import { lsCommand } from "./commands/ls.js";
import { objectGetCommand } from "./commands/object/get.js";
import { objectLsCommand } from "./commands/object/ls.js";
import { objectPutCommand } from "./commands/object/put.js";
import { objectRmCommand } from "./commands/object/rm.js";
import { queueConsumerCommand } from "./commands/queue/consumer.js";
import { queueCreateCommand } from "./commands/queue/create.js";
import { queueLsCommand } from "./commands/queue/ls.js";
import { queueSendCommand } from "./commands/queue/send.js";
import { quotaGetCommand } from "./commands/quota/get.js";
import { quotaSetCommand } from "./commands/quota/set.js";
import { serveCommand } from "./commands/serve.js";
import { topicCreateCommand } from "./commands/topic/create.js";
import { topicLsCommand } from "./commands/topic/ls.js";
import { topicPublishCommand } from "./commands/topic/publish.js";
import { topicSubscribeCommand } from "./commands/topic/subscribe.js";
import { usageCommand } from "./commands/usage.js";
import { webhookCreateCommand } from "./commands/webhook/create.js";
import { webhookDeliveriesCommand } from "./commands/webhook/deliveries.js";
import { webhookLsCommand } from "./commands/webhook/ls.js";
import { webhookReplayCommand } from "./commands/webhook/replay.js";
import { webhookRmCommand } from "./commands/webhook/rm.js";

export const commands: readonly Command<OptionSpecs>[] = [
  serveCommand,
  deployCommand,
  invokeCommand,
  lsCommand,
  bucketCreateCommand,
  bucketLsCommand,
  bucketRmCommand,
  objectPutCommand,
  objectGetCommand,
  objectLsCommand,
  objectRmCommand,
  kvGetCommand,
  kvPutCommand,
  kvLsCommand,
  kvRmCommand,
  kvCreateCommand,
  kvNamespacesCommand,
  webhookCreateCommand,
  webhookLsCommand,
  webhookRmCommand,
  webhookDeliveriesCommand,
  webhookReplayCommand,
  queueCreateCommand,
  queueLsCommand,
  queueSendCommand,
  queueConsumerCommand,
  topicCreateCommand,
  topicLsCommand,
  topicPublishCommand,
  topicSubscribeCommand,
  quotaGetCommand,
  quotaSetCommand,
  usageCommand,
  keyCreateCommand,
  keyLsCommand,
  keyRevokeCommand,
  backupCommand,
  logsCommand,
  initCommand,
  devCommand,
];

export function findCommand(name: string): Command<OptionSpecs> | undefined {
  return commands.find((command) => command.name === name);
}

/** The command that `argv` starts with (noun and verb, or one word) and the arguments after its name. */
export function resolveCommand(
  argv: string[],
): { command: Command<OptionSpecs>; args: string[] } | undefined {
  const [first, second] = argv;
  if (first === undefined) return undefined;
  const pair = second === undefined ? undefined : findCommand(`${first} ${second}`);
  if (pair !== undefined) return { command: pair, args: argv.slice(2) };
  const single = findCommand(first);
  return single === undefined ? undefined : { command: single, args: argv.slice(1) };
}

/** The verbs of a noun (`bucket` → create, ls, rm), empty for a word that is not a noun. */
export function commandGroup(noun: string): Command<OptionSpecs>[] {
  return commands.filter((command) => command.name.startsWith(`${noun} `));
}

/** The first words of the commands, once each: what a person types first. */
export function topLevelWords(): string[] {
  return [...new Set(commands.map((command) => command.name.split(" ")[0] ?? command.name))];
}
