#!/usr/bin/env -S node --max-semi-space-size=16 --heap-growing-percent=30
// The package runs its TypeScript directly (Node 24 type stripping); this shim only finds it.
// The young generation is capped at 16 MB per semi-space (V8 otherwise sizes it from the heap
// limit, 64 MB on a 24 GB machine): a gateway's garbage is short-lived request data, and the cap
// measured ~100 MB less RSS and shorter scavenges (bench/gateway-overhead.bench.ts). The old
// generation grows by 30% of what a full collection leaves, not by V8's factor of up to 4: with
// 1,000 open calls that measured ~85 MB less RSS for ~8% fewer tool calls per second when
// saturated, the conversational overhead unchanged. The npm scripts start, ehrgate and bench pass
// the same flags (test/launchers.test.ts).
import '../src/cli/main.ts';
