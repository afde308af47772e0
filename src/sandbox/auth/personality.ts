// The vendor personalities the sandbox authorization server imitates (DESIGN.md sections 5, 8).
export const PERSONALITIES = ['epic', 'cerner', 'r4'] as const;

export type Personality = (typeof PERSONALITIES)[number];

export function isPersonality(value: unknown): value is Personality {
  return typeof value === 'string' && (PERSONALITIES as readonly string[]).includes(value);
}
