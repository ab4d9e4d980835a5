// Deploys one at a time, and only the newest of the builds that arrived while a deploy was running: saving three
// times quickly deploys twice (the first and the last), never an older build after a newer one.

export interface DeployQueue<T> {
  /** Queues `item`, replacing any item still waiting. */
  push(item: T): void;
  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void>;
}

/**
 * @example
 * const queue = createDeployQueue((bundle) => client.deployFunction("default", name, bundle));
 * queue.push(bundle);
 */
export function createDeployQueue<T>(deploy: (item: T) => Promise<void>): DeployQueue<T> {
  let waiting: { item: T } | undefined;
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (waiting !== undefined) {
      const { item } = waiting;
      waiting = undefined;
      // `deploy` reports its own failures; one failed deploy must not stop the next.
      await deploy(item).catch(() => {});
    }
    running = undefined;
  };
  return {
    push(item) {
      waiting = { item };
      running ??= drain();
    },
    async idle() {
      while (running !== undefined) await running;
    },
  };
}
