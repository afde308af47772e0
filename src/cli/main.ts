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

program.parseAsync(process.argv).catch(exitWithError);
