// Check 2 (issue 8): the EHR's SMART configuration (`[base]/.well-known/smart-configuration`,
// SMART App Launch 2.0 conformance) is there and complete, offers the client authentication
// and signing algorithm this tenant is configured for, and the JWK Set URL we publish (the
// assertion's `jku`, which Epic fetches to verify it) answers with our keys.
import { checkServerSupport, discoverSmartConfiguration, isAuthError } from '../../auth/index.ts';
import { isPrivateHost } from '../lib/hosts.ts';
import { describeNetworkCode, parseJson, timedGet } from '../lib/http.ts';
import type { Check, CheckOutcome, DoctorContext, Finding } from '../types.ts';

export const discoveryCheck: Check = {
  id: 'discovery',
  title: 'SMART discovery',
  dependsOn: ['reachability'],
  notApplicable: (context) =>
    context.tenant.ehr.auth.method === 'none'
      ? 'auth method none (loopback sandbox): no SMART discovery'
      : undefined,
  async run(context) {
    const { auth, baseUrl } = context.tenant.ehr;
    if (auth.method === 'none') return { summary: 'no auth', notApplicable: true };
    let smart: Awaited<ReturnType<typeof discoverSmartConfiguration>>;
    try {
      smart = await discoverSmartConfiguration({
        baseUrl,
        fetch: context.options.fetch,
        timeoutMs: context.options.timeoutMs,
      });
    } catch (error) {
      if (!isAuthError(error)) throw error;
      return {
        summary: 'no usable SMART configuration',
        findings: [
          {
            severity: 'blocker',
            title: error.message,
            fix: `${error.fix}. Ask the EHR team for the FHIR base URL of the backend services (system) API`,
            ...(error.endpointStatus === undefined ? {} : { ehrSaid: `HTTP ${error.endpointStatus}` }),
          },
        ],
      };
    }
    context.facts.smart = smart;
    const findings: Finding[] = [];
    const alg = auth.method === 'private_key_jwt' ? auth.alg : undefined;
    for (const problem of checkServerSupport(smart, { method: auth.method, ...(alg ? { alg } : {}) })) {
      findings.push({
        severity: 'blocker',
        title: `the EHR's SMART configuration: ${problem.message}`,
        detail: `${problem.field} in ${smart.url}`,
        fix:
          problem.field === 'token_endpoint_auth_signing_alg_values_supported'
            ? `In the configuration file, set ehr.auth.alg to one the EHR accepts (${smart.tokenEndpointAuthSigningAlgs.join(', ')}) and register a key of that algorithm with the EHR team`
            : problem.field === 'grant_types_supported'
              ? 'Ask the EHR team to enable the client_credentials grant (SMART Backend Services) for this app'
              : `In the configuration file, set ehr.auth.method to one the EHR offers (${smart.tokenEndpointAuthMethods.join(', ')})`,
      });
    }
    const tokenHost = new URL(smart.tokenEndpoint).host;
    const rows: string[][] = [
      ['document', smart.url],
      [
        'token endpoint',
        `${smart.tokenEndpoint}${tokenHost === new URL(baseUrl).host ? '' : ' (another host: allow it too)'}`,
      ],
      ['auth methods', list(smart.tokenEndpointAuthMethods)],
      ['signing algorithms', list(smart.tokenEndpointAuthSigningAlgs)],
      ['grant types', list(smart.grantTypesSupported)],
      ['capabilities', list(smart.capabilities)],
    ];
    if (auth.method === 'private_key_jwt' && auth.jku !== undefined) {
      findings.push(...(await checkJwksUrl(context, auth.jku, rows)));
    }
    const outcome: CheckOutcome = {
      summary: `token endpoint ${smart.tokenEndpoint}`,
      findings,
      tables: [{ title: 'SMART configuration', columns: ['', ''], rows }],
    };
    return outcome;
  },
};

function list(values: readonly string[]): string {
  return values.length === 0 ? '(not stated)' : values.join(', ');
}

/** The JWK Set URL the EHR fetches our public keys from must answer with a JWK Set, from the EHR's side. */
async function checkJwksUrl(context: DoctorContext, jku: string, rows: string[][]): Promise<Finding[]> {
  rows.push(['our JWK Set URL', jku]);
  const findings: Finding[] = [];
  const jkuHost = new URL(jku).hostname;
  if (isPrivateHost(jkuHost) && !isPrivateHost(new URL(context.tenant.ehr.baseUrl).hostname)) {
    findings.push({
      severity: 'warning',
      title: `our JWK Set URL ${jku} is not public: the EHR cannot fetch it`,
      fix:
        "In the configuration file, set ehr.auth.jku to the public https address of this gateway's " +
        '/.well-known/jwks.json, and give that URL to the EHR team',
    });
  }
  const result = await timedGet(context.options.fetch, jku, {
    timeoutMs: context.options.timeoutMs,
    accept: 'application/json',
  });
  const keys =
    result.kind === 'response' && result.status === 200
      ? (parseJson(result.text) as { keys?: unknown } | undefined)?.keys
      : undefined;
  if (!Array.isArray(keys) || keys.length === 0) {
    const what =
      result.kind === 'timeout'
        ? `did not answer within ${result.timeoutMs} ms`
        : result.kind === 'network'
          ? `could not be fetched: ${describeNetworkCode(result.code)}`
          : `answered HTTP ${result.status} without a JWK Set holding keys`;
    findings.push({
      severity: 'warning',
      title: `our JWK Set URL ${jku} ${what}`,
      detail: 'The EHR fetches this URL to verify every signed assertion (Epic requires a JWK Set URL).',
      fix: 'Start the gateway (ehrgate serve) where that URL points, or correct ehr.auth.jku in the configuration file',
    });
  }
  return findings;
}
