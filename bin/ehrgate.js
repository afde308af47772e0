#!/usr/bin/env -S node --max-semi-space-size=16
// The package runs its TypeScript directly (Node 24 type stripping); this shim only finds it.
// The young generation is capped at 16 MB per semi-space (V8 otherwise sizes it from the heap
// limit, 64 MB on a 24 GB machine): a gateway's garbage is short-lived request data, and the cap
// measured ~100 MB less RSS and shorter scavenges (bench/gateway-overhead.bench.ts). The npm
// scripts start, ehrgate and bench pass the same flags (test/launchers.test.ts).
import '../src/cli/main.ts';
