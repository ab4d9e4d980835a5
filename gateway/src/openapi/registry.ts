// Every admin API operation, in the order the document and the reference page list them. The drift test checks
// this list against the routes the Hono app really has, both ways.
import type { OperationSpec } from "./operation-spec.js";
import { functionOperations } from "./operations/function-operations.js";
import { observeOperations } from "./operations/observe-operations.js";
import { queueOperations } from "./operations/queue-operations.js";
import { referenceOperations } from "./operations/reference-operations.js";
import { storageOperations } from "./operations/storage-operations.js";
import { tenantOperations } from "./operations/tenant-operations.js";
import { triggerOperations } from "./operations/trigger-operations.js";
import { webhookOperations } from "./operations/webhook-operations.js";

export const ADMIN_OPERATIONS: readonly OperationSpec[] = [
  ...tenantOperations,
  ...functionOperations,
  ...triggerOperations,
  ...webhookOperations,
  ...storageOperations,
  ...queueOperations,
  ...observeOperations,
  ...referenceOperations,
];
