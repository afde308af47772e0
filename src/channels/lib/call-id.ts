// The platforms' call ids are UUIDs (Vapi), alphanumeric ids (Retell `call_id`) or prefixed ids
// (OpenAI Realtime SIP `rtc_...`); this admits all of them and nothing that could smuggle a path
// segment, a header line or a log line.
export const CALL_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$';
const CALL_ID = new RegExp(CALL_ID_PATTERN);

export const CALL_ID_RULE =
  '1-128 characters: letters, digits and . _ : @ -, starting with a letter or digit';

export function isCallId(value: unknown): value is string {
  return typeof value === 'string' && CALL_ID.test(value);
}
