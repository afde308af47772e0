// A FIFO lock for the single node:sqlite connection: Kysely hands the connection to one
// transaction (or one stand-alone query) at a time, and a second caller waits its turn instead
// of interleaving statements into someone else's BEGIN ... COMMIT.
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves when the caller holds the lock; call the returned function exactly once to release it. */
  acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const turn = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return turn;
  }
}
