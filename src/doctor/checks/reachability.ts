// Check 1 (issue 8): can this host reach the EHR's FHIR base at all, over a certificate it can
// verify, and how fast does it answer? `GET [base]/metadata` needs no token on Epic, Cerner or
// HAPI (R4 http.html#capabilities), so it tests the EHR itself, independent of auth. The first
// answer is kept for the capabilities check; each answer's `Date` header gives the clock skew.
import type { CapabilityStatement } from '@medplum/fhirtypes';
import {
  describeCertificateCode,
  describeNetworkCode,
  type GetResult,
  htmlTitle,
  isHtml,
  parseJson,
  timedGet,
} from '../lib/http.ts';
import { median } from '../lib/stats.ts';
import { inspectCertificate } from '../lib/tls.ts';
import type { Check, CheckOutcome, DoctorContext, Finding } from '../types.ts';

/** Latency is the median of this many requests (issue 8: "p50 of 5"). */
export const LATENCY_SAMPLES = 5;
/** A voice caller waits on every EHR request; beyond this per request, calls feel broken. */
export const SLOW_EHR_P50_MS = 1_000;
/** Certificates expiring sooner than this are worth a warning to the EHR team. */
export const CERTIFICATE_WARNING_DAYS = 30;
const DAY_MS = 86_400_000;

const CHECK_BASE_URL =
  'In the configuration file, set ehr.baseUrl to the FHIR base URL the EHR team gave you ' +
  '(Epic: .../api/FHIR/R4; Cerner: .../r4/{tenant-id}) and make sure this host may reach it ' +
  '(firewall, VPN, IP allow-list)';

export const reachabilityCheck: Check = {
  id: 'reachability',
  title: 'Reachability and TLS',
  dependsOn: [],
  async run(context) {
    const base = new URL(context.tenant.ehr.baseUrl);
    const findings: Finding[] = [];
    const rows: string[][] = [];
    if (base.protocol === 'https:') {
      const certificate = await inspectCertificate(base, context.options.timeoutMs);
      if (!certificate.ok) {
        const words = describeCertificateCode(certificate.code);
        if (words !== undefined) {
          return {
            summary: `TLS to ${base.host} failed: ${words}`,
            findings: [
              {
                severity: 'blocker',
                title: `TLS to ${base.host} failed: ${words} (${certificate.code})`,
                detail: 'ehrgate sends PHI only over a connection whose certificate it can verify.',
                fix:
                  'Ask the EHR team to serve the FHIR endpoint with a certificate from a publicly trusted ' +
                  'authority for this host name; for a test environment with a private authority, start ' +
                  'ehrgate with NODE_EXTRA_CA_CERTS set to that authority',
              },
            ],
          };
        }
        // Not a verification failure: the request below says what (refused, DNS, timeout).
      } else {
        const daysLeft = Math.floor((Date.parse(certificate.validTo) - context.options.now()) / DAY_MS);
        rows.push([
          'certificate',
          `${certificate.subject ?? base.hostname}, issued by ${certificate.issuer ?? '?'}`,
        ]);
        rows.push(['valid until', `${certificate.validTo} (${daysLeft} days)`]);
        if (daysLeft < CERTIFICATE_WARNING_DAYS) {
          findings.push({
            severity: 'warning',
            title: `the EHR's TLS certificate expires in ${daysLeft} days (${certificate.validTo})`,
            fix: 'Ask the EHR team to renew the FHIR endpoint certificate before it expires',
          });
        }
      }
    }
    return sample(context, findings, rows);
  },
};

async function sample(context: DoctorContext, findings: Finding[], rows: string[][]): Promise<CheckOutcome> {
  const url = `${context.tenant.ehr.baseUrl.replace(/\/+$/, '')}/metadata`;
  const latencies: number[] = [];
  const skews: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const result = await timedGet(context.options.fetch, url, { timeoutMs: context.options.timeoutMs });
    const failure = classify(result, url, context.options.timeoutMs);
    if (failure !== undefined) {
      // One bad answer is enough: an EHR that fails is not asked four more times.
      return { summary: failure.title, findings: [...findings, failure], tables: table(rows) };
    }
    if (result.kind !== 'response') break;
    latencies.push(result.ms);
    const date = Date.parse(result.headers.get('date') ?? '');
    if (!Number.isNaN(date)) skews.push(date - context.options.now());
    if (i === 0) {
      const statement = parseJson(result.text) as CapabilityStatement | undefined;
      if (statement?.resourceType === 'CapabilityStatement') context.facts.metadata = statement;
    }
  }
  const p50 = Math.round(median(latencies));
  if (skews.length > 0) context.facts.serverSkewMs = median(skews);
  rows.push(['latency', `p50 ${p50} ms over ${latencies.length} requests of GET /metadata`]);
  if (p50 > SLOW_EHR_P50_MS) {
    findings.push({
      severity: 'warning',
      title: `the EHR answers slowly: p50 ${p50} ms for GET /metadata`,
      detail: 'A caller waits on every EHR request during a call; slot searches make several.',
      fix: 'Ask the EHR team whether this host reaches the FHIR endpoint through a slow proxy or VPN, or a region far from it',
    });
  }
  return { summary: `answered GET /metadata, p50 ${p50} ms`, findings, tables: table(rows) };
}

function table(rows: string[][]) {
  return rows.length === 0 ? [] : [{ title: 'Connection', columns: ['', ''], rows }];
}

/** A finding for an answer that is not a usable CapabilityStatement; undefined when it is fine. */
function classify(result: GetResult, url: string, timeoutMs: number): Finding | undefined {
  if (result.kind === 'timeout') {
    return {
      severity: 'blocker',
      title: `the EHR did not answer GET ${url} within ${timeoutMs} ms`,
      fix: CHECK_BASE_URL,
    };
  }
  if (result.kind === 'network') {
    const certificate = describeCertificateCode(result.code);
    return {
      severity: 'blocker',
      title: `the EHR at ${url} could not be reached: ${certificate ?? describeNetworkCode(result.code)}`,
      detail: result.message,
      fix: CHECK_BASE_URL,
    };
  }
  if (isHtml(result.headers, result.text)) {
    const title = htmlTitle(result.text);
    return {
      severity: 'blocker',
      title: `GET ${url} answered HTTP ${result.status} with an HTML page${title ? ` ("${title}")` : ''}, not FHIR JSON`,
      detail: 'The base URL leads to a web portal, a login page or a proxy, not the FHIR API.',
      ehrSaid: `HTTP ${result.status}${title ? `: ${title}` : ''}`,
      fix: CHECK_BASE_URL,
    };
  }
  if (result.status === 401 || result.status === 403) {
    return {
      severity: 'warning',
      title: `GET ${url} answered HTTP ${result.status}: the CapabilityStatement is not public`,
      detail: 'Epic and Cerner serve /metadata without a token; capabilities cannot be checked here.',
      ehrSaid: `HTTP ${result.status}`,
      fix: 'Ask the EHR team whether the FHIR base URL is right and why /metadata needs authentication',
    };
  }
  if (result.status >= 400) {
    return {
      severity: 'blocker',
      title: `GET ${url} answered HTTP ${result.status}`,
      ehrSaid: `HTTP ${result.status}${outcomeText(result.text)}`,
      fix: result.status >= 500 ? 'Ask the EHR team whether the FHIR server is up' : CHECK_BASE_URL,
    };
  }
  const body = parseJson(result.text) as { resourceType?: unknown } | undefined;
  if (body?.resourceType !== 'CapabilityStatement') {
    return {
      severity: 'blocker',
      title: `GET ${url} answered HTTP ${result.status} without a CapabilityStatement`,
      detail: body === undefined ? 'The body is not JSON.' : `resourceType is ${String(body.resourceType)}.`,
      fix: CHECK_BASE_URL,
    };
  }
  return undefined;
}

function outcomeText(text: string): string {
  const body = parseJson(text) as { issue?: { diagnostics?: string }[] } | undefined;
  const said = body?.issue?.[0]?.diagnostics;
  return said === undefined ? '' : `: ${said}`;
}
