import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from './config-error.ts';
import { defaultConfig } from './default-config.ts';
import { buildConfig } from './lib/build-config.ts';
import { DEFAULT_SANDBOX_PORT } from './schema.ts';
import type { EhrgateConfig } from './types.ts';

export { defaultConfig } from './default-config.ts';

export type LoadConfigOptions = {
  // The configuration file; relative to cwd. Without it, EHRGATE_CONFIG from env; without that,
  // the built-in sandbox configuration.
  path?: string;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  // Origin of the embedded sandbox for the built-in configuration.
  sandboxUrl?: string;
  // Directory for the embedded SQLite store when neither the file nor DATABASE_URL names one.
  dataDir?: string;
};

export async function loadConfig(options: LoadConfigOptions = {}): Promise<EhrgateConfig> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const dataDir = options.dataDir === undefined ? undefined : resolve(cwd, options.dataDir);
  const written = options.path ?? (env.EHRGATE_CONFIG === '' ? undefined : env.EHRGATE_CONFIG);
  if (written === undefined) {
    const sandboxUrl = options.sandboxUrl ?? `http://127.0.0.1:${DEFAULT_SANDBOX_PORT}`;
    return defaultConfig({ sandboxUrl, env, dataDir });
  }

  const path = resolve(cwd, written);
  const document = parseYaml(path, await readConfigFile(path));
  return buildConfig(document, { baseDir: dirname(path), env, source: { kind: 'file', path }, dataDir });
}

async function readConfigFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'configuration file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a configuration file'
          : `configuration file cannot be read (${code ?? String(error)})`;
    throw new ConfigError('ERR_CONFIG_FILE', `${path}: ${reason}`, { file: path, cause: error });
  }
}

// yaml's prettyErrors add a multi-line excerpt of the file to each message; the excerpt could
// show a value, and the CLI prints one line, so only the parser's reason and position are kept.
function parseYaml(path: string, text: string): unknown {
  const document = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.linePos?.[0];
    const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    const where = position === undefined ? path : `${path}:${position.line}:${position.col}`;
    throw new ConfigError('ERR_CONFIG_FILE', `${where}: ${reason}`, { file: path, cause: error });
  }
  return document.toJS();
}
