import type { z } from 'zod';
import type { ConfigProblem } from '../config-error.ts';
import { didYouMean } from './did-you-mean.ts';
import { formatKeyPath } from './key-path.ts';

// Reasons for the generic issues (missing key, wrong type, value not in a list), written for the
// person editing the YAML file. Passed per parse, so zod's global configuration, which other
// modules share, is left alone. Schema-level messages (fields.ts) take precedence over this map.
// String inputs are never echoed: a misplaced secret must not end up in a log line.
export function configErrorMap(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'required';
      return `expected ${describeExpected(issue.expected)}, got ${describeInput(issue.input)}`;
    case 'invalid_value':
      return oneOf(issue.values.map(String), issue.input);
    case 'invalid_union': {
      // A discriminated union (auth.method) names its discriminator and the allowed values.
      const options: unknown = 'options' in issue ? issue.options : undefined;
      if (issue.discriminator === undefined || !Array.isArray(options)) return undefined;
      const input: unknown = issue.input;
      const value =
        input !== null && typeof input === 'object' ? Reflect.get(input, issue.discriminator) : undefined;
      if (value === undefined) return `required: one of ${options.join(', ')}`;
      return oneOf(options.map(String), value);
    }
    case 'too_small':
      if (issue.origin === 'array' || issue.origin === 'string') return 'must not be empty';
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'array' || issue.origin === 'string')
        return `must have at most ${issue.maximum} items`;
      return `must be at most ${issue.maximum}`;
    default:
      return undefined;
  }
}

function oneOf(values: readonly string[], input: unknown): string {
  const hint = typeof input === 'string' ? didYouMean(input, values) : undefined;
  return `expected one of ${values.join(', ')}${hint === undefined ? '' : ` (did you mean ${hint}?)`}`;
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
};

function describeExpected(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

function describeInput(input: unknown): string {
  if (input === null) return 'nothing (null)';
  if (Array.isArray(input)) return 'a list';
  if (typeof input === 'object') return 'a mapping';
  if (typeof input === 'number' || typeof input === 'boolean') return String(input);
  return `a ${typeof input}`;
}

// An unknown key often explains a "required" on its neighbour (baseurl vs baseUrl), so unknown
// keys are listed first; the first line is the one the CLI prints.
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  const ordered = [
    ...issues.filter((issue) => issue.code === 'unrecognized_keys'),
    ...issues.filter((issue) => issue.code !== 'unrecognized_keys'),
  ];
  return ordered.flatMap((issue) => {
    const path = formatKeyPath(issue.path);
    return issue.message.split('\n').map((reason) => ({ path, reason }));
  });
}
