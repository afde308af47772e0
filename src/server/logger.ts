import { type DestinationStream, type Logger, pino } from 'pino';

// Promise P7: logs never hold PHI. Redaction is the last line of defence, not the first: code
// should not put PHI into log objects at all. These paths catch the FHIR element names and
// request fields where PHI and credentials travel if someone logs a resource or a request
// anyway. pino's wildcard matches one level, so the common nestings are listed explicitly.
const PHI_FIELDS = [
  'name',
  'given',
  'family',
  'birthDate',
  'telecom',
  'phone',
  'email',
  'address',
  'postalCode',
  'identifier',
  'mrn',
  'memberId',
  'subscriberId',
  'ssn',
  'patient',
  'subscriber',
  'beneficiary',
  'chiefComplaint',
  'reasonForVisit',
  'note',
  'comment',
  'transcript',
  'utterance',
  'text',
  'args',
  'arguments',
] as const;

const SECRET_FIELDS = [
  'authorization',
  'access_token',
  'accessToken',
  'client_assertion',
  'clientSecret',
  'client_secret',
  'password',
  'privateKey',
  'secret',
  'token',
] as const;

export const REDACTED_PATHS: readonly string[] = Object.freeze([
  ...[...PHI_FIELDS, ...SECRET_FIELDS].flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
  'req.headers.authorization',
  'req.headers["x-vapi-secret"]',
  'req.headers["x-retell-signature"]',
  'req.headers.cookie',
]);

export const REDACTION_CENSOR = '[redacted]';

export type LoggerOptions = {
  level?: string;
  destination?: DestinationStream;
};

export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: { service: 'ehrgate' },
      redact: { paths: [...REDACTED_PATHS], censor: REDACTION_CENSOR },
      // A request URL's query string can carry search parameters such as name or birthdate.
      serializers: {
        req: (req: { method?: string; url?: string; id?: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url?.split('?')[0],
        }),
      },
    },
    options.destination,
  );
}
