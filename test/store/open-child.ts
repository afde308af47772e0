// Child process for the concurrent-open test: opens the store at argv[2] (running migrations),
// prints one JSON line with the migrations this process applied, and exits.
import { openStore } from '../../src/store/open-store.ts';

const applied: string[] = [];
const store = await openStore({
  url: process.argv[2],
  log: (msg) => {
    const match = /applied migrations (.+)$/.exec(msg);
    if (match) applied.push(...match[1].split(', '));
  },
});
await store.ping();
await store.close();
process.stdout.write(`${JSON.stringify({ applied })}\n`);
