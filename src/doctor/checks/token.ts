// Check 3 (issue 8): obtain a token the way the gateway will, and report its lifetime, the scopes
// granted, and this host's clock against the EHR's `Date` header. When the token endpoint refuses
// the request for its scopes (Epic `invalid_scope`, Cerner `unauthorized_client`), each scope is
// asked for alone, so the scope check can name exactly which ones the EHR team never granted, and
// the remaining checks run with a token for the rest.
import { AuthError, isAuthError, MAX_ASSERTION_LIFETIME_MS } from '../../auth/index.ts';
import { ehrSaid, messageOf } from '../lib/ehr-words.ts';
import { obtainToken } from '../lib/obtain-token.ts';
import type { Check, DoctorContext, Finding } from '../types.ts';

/** Beyond this, some EHRs already refuse assertions (the sandbox and Epic allow about a minute). */
export const CLOCK_SKEW_WARNING_MS = 60_000;
/** Beyond an assertion's whole lifetime, every assertion is judged expired or not yet issued. */
export const CLOCK_SKEW_BLOCKER_MS = MAX_ASSERTION_LIFETIME_MS;

export const tokenCheck: Check = {
  id: 'token',
  title: 'Access token',
  dependsOn: ['discovery'],
  notApplicable: (context) =>
    context.tenant.ehr.auth.method === 'none' ? 'auth method none (loopback sandbox): no token' : undefined,
  async run(context) {
    const options = {
      fetch: context.options.fetch,
      now: context.options.now,
      timeoutMs: context.options.timeoutMs,
    };
    const requested = context.requestedScopes;
    let attempt = await obtainToken(context.tenant, requested, options);
    let refused: string[] = [];
    let refusal: string | undefined;
    if (!attempt.ok && isAuthError(attempt.error, 'ERR_AUTH_SCOPE_REJECTED')) {
      refusal = ehrSaid(attempt.error);
      const accepted: string[] = [];
      for (const scope of requested) {
        const alone = await obtainToken(context.tenant, [scope], options);
        if (alone.ok) accepted.push(scope);
        else refused.push(scope);
      }
      attempt = accepted.length === 0 ? attempt : await obtainToken(context.tenant, accepted, options);
      if (accepted.length === 0) refused = [...requested];
    }

    const findings: Finding[] = [];
    const skewMs = (attempt.ok ? attempt.serverSkewMs : undefined) ?? context.facts.serverSkewMs;
    const skew = skewFinding(skewMs);
    if (skew !== undefined) findings.push(skew);
    const rows: string[][] = [['scopes requested', requested.join(' ')]];
    if (skewMs !== undefined) rows.push(['clock', describeSkew(skewMs)]);

    if (!attempt.ok) {
      findings.push(tokenFailure(context, attempt.error, skew !== undefined));
      return { summary: `no token: ${messageOf(attempt.error)}`, findings, tables: [table(rows)] };
    }
    const { tokenManager, granted } = attempt;
    context.facts.token = {
      requested,
      granted,
      refused,
      ...(refusal === undefined ? {} : { refusal }),
      getAccessToken: (opts) => tokenManager.getAccessToken(opts),
    };
    const lifetimeS = Math.round(attempt.lifetimeMs / 1000);
    rows.push(['lifetime', `${lifetimeS} s`]);
    rows.push(['scopes granted', granted.length === 0 ? '(none)' : granted.join(' ')]);
    if (refused.length > 0) rows.push(['scopes refused', refused.join(' ')]);
    return {
      summary:
        `token obtained, ${lifetimeS} s, ${granted.length} scope${granted.length === 1 ? '' : 's'} granted` +
        (refused.length > 0 ? `, ${refused.length} refused` : ''),
      findings,
      tables: [table(rows)],
    };
  },
};

function table(rows: string[][]) {
  return { title: 'Token', columns: ['', ''], rows };
}

/** Server `Date` minus our clock: positive when this host is behind. */
function describeSkew(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  // The Date header counts whole seconds (RFC 9110 section 5.6.7): a second either way is noise.
  if (Math.abs(skewMs) < 2_000) return "this host's clock agrees with the EHR's Date header";
  return `this host's clock is ${seconds} s ${skewMs > 0 ? 'behind' : 'ahead of'} the EHR's (its Date header)`;
}

function skewFinding(skewMs: number | undefined): Finding | undefined {
  if (skewMs === undefined || Math.abs(skewMs) <= CLOCK_SKEW_WARNING_MS) return undefined;
  const blocker = Math.abs(skewMs) >= CLOCK_SKEW_BLOCKER_MS;
  return {
    severity: blocker ? 'blocker' : 'warning',
    title: describeSkew(skewMs),
    detail:
      "Signed client assertions are valid for at most 5 minutes by the EHR's clock; " +
      (blocker ? 'with this skew the EHR refuses every one.' : 'this skew leaves little margin.'),
    fix: "Synchronise this host's clock with NTP (chrony or systemd-timesyncd), then run ehrgate doctor again",
  };
}

function tokenFailure(context: DoctorContext, error: unknown, clockExplains: boolean): Finding {
  const auth = context.tenant.ehr.auth;
  const clientId = auth.method === 'none' ? '' : auth.clientId;
  const said = ehrSaid(error);
  if (error instanceof AuthError) {
    const fix =
      error.code === 'ERR_AUTH_TOKEN_ENDPOINT' && error.endpointStatus !== undefined
        ? `Ask the EHR team why the token endpoint answers HTTP ${error.endpointStatus} to client ${clientId}'s ` +
          'client_credentials request (their authorization server logs will say); then run ehrgate doctor again'
        : error.code === 'ERR_AUTH_CLIENT_REJECTED' && clockExplains
          ? "Fix this host's clock first (see the clock finding): the EHR judges signed assertions by its own clock"
          : error.fix;
    return {
      severity: 'blocker',
      title: `no access token: ${error.message}`,
      fix,
      ...(said === undefined ? {} : { ehrSaid: said }),
    };
  }
  // createTenantAuth refuses an incomplete auth block (ERR_CONFIG_INVALID) before any request.
  return {
    severity: 'blocker',
    title: `no access token: ${messageOf(error)}`,
    fix: "Correct this tenant's ehr.auth block in the configuration file",
    ...(said === undefined ? {} : { ehrSaid: said }),
  };
}
