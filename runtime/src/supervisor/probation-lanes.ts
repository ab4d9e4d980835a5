// Which probation lane each suspect version runs in: a lane of its own while fewer than `max` exist, after
// that the last one, shared. A lane whose versions all left probation is handed to the next suspect.

export interface ProbationLanesOptions<Lane> {
  max: number;
  /** Makes the lane with this index (0-based); called at most `max` times. */
  create: (index: number) => Lane;
}

export class ProbationLanes<Lane> {
  readonly #options: ProbationLanesOptions<Lane>;
  readonly #lanes: Lane[] = [];
  readonly #assigned = new Map<string, Lane>();

  constructor(options: ProbationLanesOptions<Lane>) {
    if (!Number.isInteger(options.max) || options.max < 1) {
      throw new RangeError(`maxProbationWorkers must be a positive integer, not ${options.max}`);
    }
    this.#options = options;
  }

  /** Every lane made so far. */
  get lanes(): readonly Lane[] {
    return this.#lanes;
  }

  /** The lane a suspect version runs in, assigning one on its first call. */
  laneFor(versionId: string): Lane {
    const assigned = this.#assigned.get(versionId);
    if (assigned !== undefined) return assigned;
    const taken = new Set(this.#assigned.values());
    let lane = this.#lanes.find((candidate) => !taken.has(candidate));
    if (lane === undefined && this.#lanes.length < this.#options.max) {
      lane = this.#options.create(this.#lanes.length);
      this.#lanes.push(lane);
    }
    lane ??= this.#lanes[this.#lanes.length - 1] as Lane;
    this.#assigned.set(versionId, lane);
    return lane;
  }

  /** The version left probation: it goes back to its affinity worker and frees its lane. */
  release(versionId: string): void {
    this.#assigned.delete(versionId);
  }
}
