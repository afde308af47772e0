#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander';
import { exitWithError } from './exit.ts';

function port(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65_535) {
    throw new InvalidArgumentError('expected a port number between 0 and 65535');
  }
  return parsed;
}

const program = new Command('ehrgate')
  .description('EHR integration layer for healthcare voice agents')
  .showHelpAfterError()
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));

program
  .command('serve')
  .description('start the gateway (and the embedded sandbox EHR when a tenant points at it)')
  .option(
    '-c, --config <file>',
    'tenant configuration file (default: $EHRGATE_CONFIG, else the built-in sandbox tenant)',
  )
  .option('-p, --port <port>', 'gateway port (default: $PORT or 8080)', port)
  .option('--sandbox-port <port>', 'embedded sandbox EHR port (default: $SANDBOX_PORT or 8090)', port)
  .option('--host <host>', 'interface to listen on (default: 127.0.0.1)')
  .option('--data-dir <dir>', 'where the embedded SQLite store lives (default: ./data)')
  .action(async (options) => {
    const { serve } = await import('./serve.ts');
    await serve(options);
  });

program
  .command('sandbox')
  .description(
    'run only the sandbox EHR (Epic-like, Cerner-like and plain R4 FHIR servers with synthetic data)',
  )
  .option('-p, --port <port>', 'port (default: $SANDBOX_PORT or 8090)', port)
  .option('--host <host>', 'interface to listen on (default: 127.0.0.1)')
  .option('--seed <n>', 'seed for the synthetic clinic', Number)
  .action(async (options) => {
    const { runSandboxCommand } = await import('./sandbox.ts');
    await runSandboxCommand(options);
  });

const keys = program.command('keys').description('signing keys for SMART Backend Services (private_key_jwt)');
const keyOptions = (command: Command) =>
  command
    .requiredOption('-t, --tenant <id>', 'tenant id')
    .option('-c, --config <file>', 'configuration file whose tenant names the key directory')
    .option('--dir <dir>', "key directory (default: the tenant's auth.keys, else ./data/keys/<tenant>)");

keyOptions(keys.command('generate'))
  .description('create a private key (file mode 0600) and print its public JWK')
  .addOption(new Option('--alg <alg>', 'signing algorithm').choices(['ES384', 'RS384']).default('ES384'))
  .action(async (options) => {
    const { generateKeyCommand } = await import('./keys.ts');
    await generateKeyCommand(options);
  });

keyOptions(keys.command('rotate'))
  .description('add the next key; it signs after the overlap and the old key retires after its last use')
  .option('--overlap <duration>', 'how long the EHR has to fetch the new public key before it signs', '24h')
  .action(async (options) => {
    const { rotateKeysCommand } = await import('./keys.ts');
    await rotateKeysCommand(options);
  });

keyOptions(keys.command('list'))
  .description("list a tenant's keys and their timeline")
  .action(async (options) => {
    const { listKeysCommand } = await import('./keys.ts');
    await listKeysCommand(options);
  });

const phi = program.command('phi').description('the PHI firewall that guards LLM-bound text');
phi
  .command('protect')
  .description('read utterances on stdin, one a line, and write each with its identifiers tokenised')
  .option('--json', 'write JSON lines: the protected text and the spans found')
  .addOption(
    new Option('--policy <policy>', 'what stays in clear')
      .choices(['standard', 'strict'])
      .default('standard'),
  )
  .action(async (options) => {
    const { phiProtectCommand } = await import('./phi.ts');
    await phiProtectCommand(options);
  });

const queue = program
  .command('queue')
  .description('the staff work queue: what the EHR did not take, to finish by hand');
const queueOptions = (command: Command) =>
  command
    .option('-c, --config <file>', 'configuration file (its store and tenants; default: $EHRGATE_CONFIG)')
    .option('--data-dir <dir>', 'where the embedded SQLite store lives (default: ./data)')
    .option('-t, --tenant <id>', "tenant id (default: the configuration's only tenant, else sandbox)");

queueOptions(queue.command('list'))
  .description('list open and claimed work items, oldest first')
  .option('--status <status>', 'open, claimed or resolved')
  .option('--queue <name>', 'only this staff queue')
  .option('--limit <n>', 'at most this many', Number)
  .option('--json', 'print JSON')
  .action(async (options) => {
    const { queueListCommand } = await import('./queue.ts');
    await queueListCommand(options);
  });

queueOptions(queue.command('show <id>'))
  .description('print one work item with everything needed to finish it')
  .action(async (id, options) => {
    const { queueShowCommand } = await import('./queue.ts');
    await queueShowCommand(id, options);
  });

queueOptions(queue.command('resolve <id>'))
  .description('close a work item')
  .requiredOption('--staff <id>', 'who resolved it')
  .option('--resolution <code>', 'how it ended: done, not_needed, unreachable, ...', 'done')
  .action(async (id, options) => {
    const { queueResolveCommand } = await import('./queue.ts');
    await queueResolveCommand(id, options);
  });

const audit = program.command('audit').description('the hash-chained audit log: verify it, export a call');
const auditOptions = (command: Command) =>
  command
    .option('-c, --config <file>', 'configuration file (its store; default: $EHRGATE_CONFIG)')
    .option('--data-dir <dir>', 'where the embedded SQLite store lives (default: ./data)');

auditOptions(audit.command('verify'))
  .description('walk the whole chain; print OK with the count, or the first broken link and exit 1')
  .action(async (options) => {
    const { auditVerifyCommand } = await import('./audit.ts');
    await auditVerifyCommand(options);
  });

auditOptions(audit.command('export'))
  .description('print one call as FHIR R4 AuditEvents (a collection Bundle)')
  .requiredOption('--call <id>', "the store's call id")
  .addOption(new Option('--format <format>', 'output format').choices(['fhir']).default('fhir'))
  .option('-t, --tenant <id>', 'only this tenant')
  .action(async (options) => {
    const { auditExportCommand } = await import('./audit.ts');
    await auditExportCommand(options);
  });

program
  .command('purge')
  .description("delete call data and audit records past each tenant's retention; prints counts per table")
  .option('-c, --config <file>', 'configuration file (its store and tenants; default: $EHRGATE_CONFIG)')
  .option('--data-dir <dir>', 'where the embedded SQLite store lives (default: ./data)')
  .option('--dry-run', 'count what would be deleted; delete nothing')
  .option('--json', 'print JSON')
  .action(async (options) => {
    const { purgeCommand } = await import('./purge.ts');
    await purgeCommand(options);
  });

program
  .command('mcp')
  .description('serve the tools over MCP on stdin/stdout, for an MCP client that spawns ehrgate')
  .option(
    '-c, --config <file>',
    'tenant configuration file (default: $EHRGATE_CONFIG, else the sandbox tenant)',
  )
  .option('-t, --tenant <id>', "tenant whose tools to serve (default: the configuration's only tenant)")
  .option('--call-id <id>', 'the call this connection is (default: a new id per process)')
  .option('--data-dir <dir>', 'where the embedded SQLite store lives (default: ./data)')
  .option('--sandbox-port <port>', 'embedded sandbox EHR port (default: any free port)', port)
  .action(async (options) => {
    const { mcpCommand } = await import('./mcp.ts');
    await mcpCommand(options);
  });

program
  .command('doctor')
  .description("check a tenant's live EHR before go-live; exit 0 ready, 1 warnings only, 2 blockers")
  .option('-c, --config <file>', 'configuration file (default: $EHRGATE_CONFIG, else the sandbox tenant)')
  .option('-t, --tenant <id>', 'only this tenant (default: every tenant)')
  .option(
    '--write-test',
    'book and cancel, write and remove each target (tenants with production: false only)',
  )
  .option('--test-patient <id>', 'the EHR id of a test patient, for --write-test')
  .addOption(
    new Option('--format <format>', 'report format')
      .choices(['text', 'markdown', 'json', 'html'])
      .default('text'),
  )
  .option('-o, --out <file>', 'write the report to this file instead of stdout')
  .option('--timeout <ms>', 'per EHR request (default 10000)', Number)
  .option('--data-dir <dir>', 'without --config: the data directory `ehrgate serve` uses (default: ./data)')
  .option('--sandbox-port <port>', 'without --config: the embedded sandbox port (default 8090)', Number)
  .action(async (options) => {
    const { doctorCommand } = await import('./doctor.ts');
    await doctorCommand(options);
  });

program
  .command('tools')
  .description("print a tenant's tool definitions for a voice platform")
  .addOption(
    new Option('--format <format>', 'openai function tools, or the catalog as JSON')
      .choices(['openai', 'json'])
      .default('openai'),
  )
  .addOption(
    new Option('--api <api>', 'only the definitions for this OpenAI API').choices([
      'chat',
      'responses',
      'realtime',
    ]),
  )
  .option(
    '-c, --config <file>',
    'tenant configuration file (default: $EHRGATE_CONFIG, else the sandbox tenant)',
  )
  .option('-t, --tenant <id>', "tenant (default: the configuration's only tenant)")
  .action(async (options) => {
    const { toolsCommand } = await import('./tools.ts');
    await toolsCommand(options);
  });

program.parseAsync(process.argv).catch(exitWithError);
