// The disk under the store, on its own, as an answer's audit commit meets it: one write the size of
// a tool call's WAL append, then fsync, after the disk has sat idle as it does between a
// conversation's tool calls. Synchronous calls, as node:sqlite makes them. On a VM this figure
// moves with the host over the day (docs/architecture.md), and the gateway's overhead moves with
// it: the bench reports it beside the overhead so the two can be read together.
import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** About what one find_slots commits: its events and audit records, ~10 WAL pages of 4 KiB. */
export const PROBE_WRITE_BYTES = 40 * 1024;
/** The WAL region the probe writes over, as SQLite reuses its WAL after a checkpoint. */
const PROBE_FILE_BYTES = 4 * 1024 * 1024;

export type DiskProbeOptions = {
  /** Writes timed. */
  readonly samples: number;
  /** Idle time before each write. */
  readonly idleMs: number;
};

/** Milliseconds each write + fsync took, sorted. The probe's file is removed afterwards. */
export async function fsyncAfterIdle(dir: string, options: DiskProbeOptions): Promise<number[]> {
  const path = join(dir, 'disk-probe.bin');
  const fd = openSync(path, 'w+');
  try {
    const page = Buffer.alloc(PROBE_WRITE_BYTES, 0x5a);
    // Laid out and on disk first: the timed writes then overwrite blocks, as a reused WAL does.
    for (let offset = 0; offset < PROBE_FILE_BYTES; offset += page.length)
      writeSync(fd, page, 0, page.length, offset);
    fsyncSync(fd);
    const slots = PROBE_FILE_BYTES / page.length;
    const times: number[] = [];
    for (let i = 0; i < options.samples; i++) {
      await delay(options.idleMs);
      const started = performance.now();
      writeSync(fd, page, 0, page.length, (i % slots) * page.length);
      fsyncSync(fd);
      times.push(performance.now() - started);
    }
    return times.sort((a, b) => a - b);
  } finally {
    closeSync(fd);
    unlinkSync(path);
  }
}
