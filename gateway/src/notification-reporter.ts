// What a storage write notified, acted on once it committed: queued events wake the dispatcher at once (rather
// than at its next poll), and notifications stopped by the recursion guard are logged for the operator.
import type { WriteContext } from "@skiff/storage";
import type { Logger } from "pino";

export type NotificationReport = NonNullable<WriteContext["onNotified"]>;

export function notificationReporter(logger: Logger, wake: () => void): NotificationReport {
  return ({ queued, stopped }) => {
    if (queued > 0) wake();
    for (const { function: target, reason } of stopped) {
      logger.warn(
        { function: target, reason },
        `storage notification to function "${target}" stopped by the recursion guard: 16 notified writes in one chain (set allowRecursion on the rule to allow more)`,
      );
    }
  };
}
