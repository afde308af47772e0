// Check 9 (issue 8, DESIGN.md promise P7): who receives call data. Every subprocessor with its
// BAA and retention flags, and the flows of a call that would carry PHI to one without a BAA:
// speech-to-text hears the caller, the LLM reads the transcript (identifiers tokenised, but the
// chief complaint and reason stay clinical free text), text-to-speech voices names and times.
import type { SubprocessorConfig, Workflow } from '../../config/index.ts';
import type { Check, Finding } from '../types.ts';

/** What each role receives during a call. */
const FLOW: Readonly<Record<SubprocessorConfig['role'], string>> = {
  stt: "the caller's voice: everything the caller says, identifiers included",
  llm: 'the call transcript and tool results: clinical free text, with identifiers tokenised',
  tts: "what the agent says back: the caller's name, appointment times and places",
  other: 'call data (role "other": say what it receives)',
};

/** Voice platforms whose channel, when configured, hands them the whole call. */
const PLATFORM_CHANNELS = ['vapi', 'retell'] as const;

export const complianceCheck: Check = {
  id: 'compliance',
  title: 'Compliance',
  dependsOn: [],
  async run(context) {
    const { tenant } = context;
    const all: readonly Workflow[] = tenant.workflows;
    const findings: Finding[] = [];
    const rows = tenant.subprocessors.map((s) => [
      s.name,
      s.role,
      s.baa ? `yes${s.baaDate ? ` (${s.baaDate})` : ''}` : 'no',
      s.zeroRetention ? 'zero retention' : 'retains data',
      s.region ?? '-',
      FLOW[s.role],
    ]);
    for (const s of tenant.subprocessors) {
      if (!s.baa) {
        findings.push({
          severity: s.role === 'other' ? 'warning' : 'blocker',
          title: `${s.name} (${s.role}) has no BAA but would receive PHI: ${FLOW[s.role]}`,
          fix: `Sign a Business Associate Agreement with ${s.name} (then set baa: true and baaDate), or replace it with a vendor that signs one`,
          workflows: all,
        });
      } else if (!s.zeroRetention && s.role === 'llm') {
        findings.push({
          severity: 'warning',
          title: `${s.name} (llm) is covered by a BAA but keeps prompts and outputs`,
          fix: `Ask ${s.name} for zero data retention under the BAA (then set zeroRetention: true), or record the retention period in the BAA review`,
          workflows: all,
        });
      }
    }
    if (tenant.subprocessors.length === 0) {
      findings.push({
        severity: 'warning',
        title: 'no subprocessors are listed: the voice platform and its speech and LLM vendors receive PHI',
        fix: 'In the configuration file, list each vendor that receives call data under subprocessors, with its BAA status',
        workflows: all,
      });
    }
    const names = tenant.subprocessors.map((s) => s.name.toLowerCase());
    for (const platform of PLATFORM_CHANNELS) {
      if (tenant.channels?.[platform] !== undefined && !names.some((n) => n.includes(platform))) {
        findings.push({
          severity: 'warning',
          title: `the ${platform} channel is configured but ${platform} is not listed as a subprocessor`,
          detail: `${platform} carries the whole call: audio, transcript and tool calls.`,
          fix: `In the configuration file, add ${platform} under subprocessors with its BAA status`,
          workflows: all,
        });
      }
    }
    const blockers = findings.filter((f) => f.severity === 'blocker').length;
    return {
      summary:
        blockers > 0
          ? `${blockers} data flow${blockers === 1 ? '' : 's'} would send PHI to a vendor without a BAA`
          : tenant.subprocessors.length === 0
            ? 'no subprocessors listed'
            : `${tenant.subprocessors.length} subprocessor${tenant.subprocessors.length === 1 ? '' : 's'}; PHI goes only to vendors with a BAA`,
      findings,
      tables: [
        { title: 'Subprocessors', columns: ['name', 'role', 'BAA', 'retention', 'region', 'receives'], rows },
      ],
    };
  },
};
