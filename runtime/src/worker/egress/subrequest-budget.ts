// How many outbound fetches one invocation may still start (DESIGN §5: 50). Every redirect hop counts, so a
// redirect loop cannot multiply one fetch into unbounded traffic.
import { EgressError } from "./egress-error.js";

export class SubrequestBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 0)
      throw new RangeError(`subrequest limit must be a whole number ≥ 0`);
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  get remaining(): number {
    return this.limit - this.#used;
  }

  /** Counts one subrequest, or throws `SUBREQUEST_LIMIT` when the invocation has used them all. */
  take(): void {
    if (this.#used >= this.limit) {
      throw new EgressError(
        "SUBREQUEST_LIMIT",
        `subrequest limit of ${this.limit} reached: an invocation may make at most ${this.limit} outbound fetches, each redirect counting as one`,
      );
    }
    this.#used += 1;
  }
}
