// The `function_call` output item the Responses and Realtime APIs emit when the model calls a
// tool (`{type: 'function_call', id?, call_id, name, arguments, status?}`, arguments a JSON
// string), and the `function_call_output` item the integrator sends back
// (`{type: 'function_call_output', call_id, output}`, output a string).
import { z } from 'zod';

export const functionCallItemSchema = z.object({
  type: z.literal('function_call'),
  id: z.string().optional(),
  call_id: z.string().min(1).max(200),
  name: z.string().min(1).max(128),
  arguments: z.string(),
  status: z.string().optional(),
});

export type FunctionCallItem = z.output<typeof functionCallItemSchema>;

export type FunctionCallOutputItem = {
  readonly type: 'function_call_output';
  readonly call_id: string;
  readonly output: string;
};

/** `type: expected "function_call"`: the first problem, one line, for a 400. */
export function describeItemProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'not a function_call item';
  const path = issue.path.length === 0 ? 'body' : issue.path.join('.');
  return `${path}: ${issue.message}`;
}
