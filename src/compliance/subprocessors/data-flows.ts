// The subprocessor registry (issue 7 item 4, promise P7): which vendor receives what from a call,
// and whether it may. A voice call's data reaches three kinds of vendor: speech-to-text hears the
// caller (PHI, whatever the gateway does), the LLM reads tool results (tokens only: the firewall
// protects them), text-to-speech receives what reveal() restores (PHI). PHI goes only to a vendor
// the tenant lists with a BAA; anything else is refused (assertPhiFlow) and the refusal audited
// by the caller. The same list answers /readyz and `ehrgate doctor`.
import type { SubprocessorConfig, TenantConfig } from '../../config/types.ts';
import { EhrgateError } from '../../errors.ts';

export type SubprocessorRole = SubprocessorConfig['role'];

/** What a vendor of this role receives from a call, with the gateway's firewall in place. */
export const ROLE_RECEIVES: Readonly<Record<SubprocessorRole, 'phi' | 'tokens'>> = {
  stt: 'phi', // the caller's own voice: names, birth dates, numbers
  llm: 'tokens', // tool results and transcripts pass through protect()
  tts: 'phi', // reveal() restores identifiers for speech
  other: 'phi', // unknown use: assume the worst
};

export type DataFlowStatus = 'allowed' | 'refused';

export type DataFlow = {
  readonly vendor: string;
  readonly role: SubprocessorRole;
  readonly receives: 'phi' | 'tokens';
  readonly baa: boolean;
  readonly baaDate?: string;
  readonly zeroRetention: boolean;
  readonly region?: string;
  readonly status: DataFlowStatus;
  /** Why a flow is refused, in words an integration team acts on. */
  readonly problem?: string;
};

export function dataFlowsOf(tenant: Pick<TenantConfig, 'subprocessors'>): DataFlow[] {
  return tenant.subprocessors.map((s) => {
    const receives = ROLE_RECEIVES[s.role];
    const refused = receives === 'phi' && !s.baa;
    return {
      vendor: s.name,
      role: s.role,
      receives,
      baa: s.baa,
      ...(s.baaDate === undefined ? {} : { baaDate: s.baaDate }),
      zeroRetention: s.zeroRetention,
      ...(s.region === undefined ? {} : { region: s.region }),
      status: refused ? 'refused' : 'allowed',
      ...(refused
        ? {
            problem: `${s.name} (${s.role}) would receive PHI without a BAA: sign a BAA with ${s.name} and set baa: true, or stop sending it call audio/text`,
          }
        : {}),
    };
  });
}

/**
 * Throws ERR_PHI_FLOW_REFUSED unless `vendor` is a subprocessor of the tenant with a BAA. The
 * error names the vendor and the reason, never the data.
 */
export function assertPhiFlow(
  tenant: Pick<TenantConfig, 'id' | 'subprocessors'>,
  vendor: string,
): SubprocessorConfig {
  const found = tenant.subprocessors.find((s) => s.name === vendor);
  if (found === undefined) {
    throw new EhrgateError(
      'ERR_PHI_FLOW_REFUSED',
      `"${vendor}" is not a subprocessor of tenant ${tenant.id}: PHI goes only to vendors listed with a BAA`,
    );
  }
  if (!found.baa) {
    throw new EhrgateError(
      'ERR_PHI_FLOW_REFUSED',
      `"${vendor}" has no BAA with tenant ${tenant.id}: PHI goes only to vendors listed with baa: true`,
    );
  }
  return found;
}
