import { EhrgateError } from '../errors.ts';
import { ROOT_PATH_LABEL } from './lib/key-path.ts';

export type ConfigErrorCode = 'ERR_CONFIG_FILE' | 'ERR_CONFIG_INVALID' | 'ERR_CONFIG_SECRET_MISSING';

// One problem in a configuration: `path` is the key path as written in the file
// (`tenants[0].ehr.baseUrl`, '' for the document itself) and `reason` says what is wrong with it.
export type ConfigProblem = {
  readonly path: string;
  readonly reason: string;
};

// Start-up stops on this error (exit code 2). The message holds one `<path>: <reason>` line per
// problem, so its first line alone is a usable one-liner for the CLI; `problems` carries the same
// data for callers (doctor, tests) that want it structured. Secret values never appear in it.
export class ConfigError extends EhrgateError {
  declare readonly code: ConfigErrorCode;
  readonly problems: readonly ConfigProblem[];
  readonly file: string | undefined;

  constructor(
    code: ConfigErrorCode,
    message: string,
    options: { problems?: readonly ConfigProblem[]; file?: string; cause?: unknown } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.problems = Object.freeze([...(options.problems ?? [])]);
    this.file = options.file;
  }

  static fromProblems(
    code: ConfigErrorCode,
    problems: readonly ConfigProblem[],
    file: string | undefined,
  ): ConfigError {
    return new ConfigError(code, problems.map(formatProblem).join('\n'), { problems, file });
  }
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path === '' ? ROOT_PATH_LABEL : problem.path}: ${problem.reason}`;
}
