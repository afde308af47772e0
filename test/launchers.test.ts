// The gateway's launchers run Node with the V8 flags its memory and latency figures were measured
// with (README "Benchmarks"): the bin shim, the npm scripts that start it, and the bench that
// measures it must agree, or a figure describes a process nobody runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/fixtures.ts';

const LAUNCHING_SCRIPTS = ['start', 'ehrgate', 'bench'] as const;

/** The `--flags` between `node` and the script it runs. */
function nodeFlagsOf(commandLine: string, where: string): string[] {
  const words = commandLine.trim().split(/\s+/);
  const node = words.findIndex((word) => word === 'node' || word.endsWith('/node'));
  assert.notEqual(node, -1, `${where} does not run node: ${commandLine}`);
  const flags: string[] = [];
  for (const word of words.slice(node + 1)) {
    if (!word.startsWith('--')) break;
    flags.push(word);
  }
  return flags;
}

describe('launchers', () => {
  const scripts = (
    JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
  ).scripts;
  const shebang = readFileSync(join(REPO_ROOT, 'bin', 'ehrgate.js'), 'utf8').split('\n')[0] ?? '';
  const binFlags = nodeFlagsOf(shebang.replace(/^#!/, ''), 'bin/ehrgate.js');

  it('bounds the young generation in the bin shim', () => {
    assert.ok(binFlags.includes('--max-semi-space-size=16'), shebang);
  });

  for (const name of LAUNCHING_SCRIPTS) {
    it(`npm run ${name} passes the bin shim's flags`, () => {
      const script = scripts[name];
      assert.ok(script, `package.json has no "${name}" script`);
      assert.deepEqual(nodeFlagsOf(script, `npm run ${name}`), binFlags);
    });
  }

  it('runs on this Node with those flags (a flag V8 does not know stops Node at start)', () => {
    const out = execFileSync(
      process.execPath,
      [...binFlags, '-p', "require('node:v8').getHeapStatistics().total_heap_size > 0"],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(out.trim(), 'true');
  });
});
