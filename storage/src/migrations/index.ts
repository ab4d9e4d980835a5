// Every migration in the order it is applied; a new one is appended, an applied one never edited.
import { initial } from "./001-initial.js";
import { secrets } from "./002-secrets.js";
import { versionCodeSummary } from "./003-version-code-summary.js";
import { scheduler } from "./004-scheduler.js";
import { buckets } from "./005-buckets.js";
import { deliveredKeys } from "./006-delivered-keys.js";
import { webhooks } from "./007-webhooks.js";
import { tenancy } from "./008-tenancy.js";
import { queuesTopics } from "./009-queues-topics.js";
import { invocationObservability } from "./010-invocation-observability.js";
import { functionUsage } from "./011-function-usage.js";

export const MIGRATIONS = [
  initial,
  secrets,
  versionCodeSummary,
  scheduler,
  buckets,
  deliveredKeys,
  webhooks,
  tenancy,
  queuesTopics,
  invocationObservability,
  functionUsage,
] as const;
