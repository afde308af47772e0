// The configuration as `ehrgate doctor` reads it: exactly as `ehrgate serve` does, except that a
// tenant whose only problem is its mapping (config/schema.ts refuses Coverage on Epic, a Condition
// category the vendor does not create...) is loaded without it, and its mapping and problems are
// handed to the mapping check, which reports them as blockers with a fix instead of stopping.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import {
  buildConfig,
  ConfigError,
  type ConfigProblem,
  type EhrgateConfig,
  type LoadConfigOptions,
  loadConfig,
} from '../config/index.ts';
import type { MappingInput } from '../mapping/index.ts';

export type DoctorTenantInput = {
  /** The mapping as written, for a tenant whose mapping the configuration refused. */
  readonly mapping?: MappingInput;
  readonly configProblems: readonly ConfigProblem[];
};

export type DoctorConfig = {
  readonly config: EhrgateConfig;
  /** By tenant id; only tenants whose mapping was taken out. */
  readonly refusedMappings: ReadonlyMap<string, DoctorTenantInput>;
};

const MAPPING_PATH = /^tenants\[(\d+)\]\.mapping(\.|$)/;

export async function loadDoctorConfig(options: LoadConfigOptions = {}): Promise<DoctorConfig> {
  try {
    return { config: await loadConfig(options), refusedMappings: new Map() };
  } catch (error) {
    if (!(error instanceof ConfigError) || error.code !== 'ERR_CONFIG_INVALID' || error.file === undefined) {
      throw error;
    }
    if (error.problems.length === 0 || !error.problems.every((p) => MAPPING_PATH.test(p.path))) throw error;
    return loadWithoutMappings(error.file, error.problems, options);
  }
}

async function loadWithoutMappings(
  file: string,
  problems: readonly ConfigProblem[],
  options: LoadConfigOptions,
): Promise<DoctorConfig> {
  // loadConfig parsed this very file a moment ago, so it reads and parses.
  const document = parseDocument(await readFile(file, 'utf8')).toJS() as {
    tenants: Record<string, unknown>[];
  };
  const byIndex = new Map<number, ConfigProblem[]>();
  for (const problem of problems) {
    const index = Number(MAPPING_PATH.exec(problem.path)?.[1]);
    byIndex.set(index, [...(byIndex.get(index) ?? []), problem]);
  }
  const refused = new Map<string, DoctorTenantInput>();
  for (const [index, tenantProblems] of byIndex) {
    const tenant = document.tenants[index];
    refused.set(String(tenant.id), {
      mapping: tenant.mapping as MappingInput,
      configProblems: tenantProblems,
    });
    delete tenant.mapping;
  }
  const cwd = options.cwd ?? process.cwd();
  const config = buildConfig(document, {
    baseDir: dirname(file),
    env: options.env ?? process.env,
    source: { kind: 'file', path: file },
    ...(options.dataDir === undefined ? {} : { dataDir: resolve(cwd, options.dataDir) }),
  });
  return { config, refusedMappings: refused };
}
