#!/usr/bin/env node
// The package runs its TypeScript directly (Node 24 type stripping); this shim only finds it.
import '../src/cli/main.ts';
