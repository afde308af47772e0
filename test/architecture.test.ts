// The layering rules of DESIGN.md sections 2-3 and STYLE.md rule 15, checked on the import
// graph itself so that a stray import fails the build instead of waiting for a review.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './support/fixtures.ts';

const SRC = join(REPO_ROOT, 'src');
const IMPORT_PATTERN =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const match of text.matchAll(IMPORT_PATTERN)) {
    const specifier = match[1] ?? match[2];
    if (specifier?.startsWith('.')) found.push(resolve(dirname(file), specifier));
  }
  return found;
}

function layerOf(file: string): string {
  const [first, second] = relative(SRC, file).split('/');
  return second === undefined ? first.replace(/\.ts$/, '') : first;
}

const files = sourceFiles(SRC);
const edges = files.flatMap((from) => relativeImports(from).map((to) => ({ from, to })));

describe('module layering', () => {
  it('keeps the sandbox EHR free of gateway imports so tests against it are honest', () => {
    const leaks = edges.filter(
      ({ from, to }) => layerOf(from) === 'sandbox' && !to.startsWith(join(SRC, 'sandbox')),
    );
    assert.deepEqual(
      leaks.map(({ from, to }) => `${relative(REPO_ROOT, from)} -> ${relative(REPO_ROOT, to)}`),
      [],
    );
  });

  it('points dependencies one way: channels -> tools -> workflows -> ehr -> fhir', () => {
    // A module may import from layers later in this list (and from shared leaves), never earlier.
    const order = ['cli', 'server', 'channels', 'tools', 'workflows', 'mapping', 'ehr', 'auth', 'fhir'];
    const backwards = edges.filter(({ from, to }) => {
      const a = order.indexOf(layerOf(from));
      const b = order.indexOf(layerOf(to));
      return a !== -1 && b !== -1 && b < a;
    });
    assert.deepEqual(
      backwards.map(({ from, to }) => `${relative(REPO_ROOT, from)} -> ${relative(REPO_ROOT, to)}`),
      [],
    );
  });

  it('keeps the package entry point clear of the sandbox, the CLI and test code', () => {
    const reachable = new Set<string>();
    const pending = [join(SRC, 'index.ts')];
    while (pending.length > 0) {
      const file = pending.pop()!;
      if (reachable.has(file)) continue;
      reachable.add(file);
      pending.push(...relativeImports(file));
    }
    const forbidden = [...reachable].filter(
      (file) =>
        file.startsWith(join(SRC, 'sandbox')) ||
        file.startsWith(join(SRC, 'cli')) ||
        file.startsWith(join(REPO_ROOT, 'test')),
    );
    assert.ok(reachable.size > 3, 'the entry point re-exports the public modules');
    assert.deepEqual(forbidden, []);
  });
});
