/**
 * The `eas` command: `npm run -s eas -- <subcommand> ...` (contract: ../shared/CONTRACTS.md).
 * Exit 0 on success, 1 on an error (one line on stderr), 2 on a usage error.
 */
import { CliError, UsageError } from './io.ts';
import { WBXML_USAGE, wbxmlCommand } from './wbxml.ts';

type Subcommand = (args: string[]) => Promise<void>;

const SUBCOMMANDS: Record<string, { run: () => Promise<Subcommand>; usage: string }> = {
  wbxml: { run: async () => wbxmlCommand, usage: WBXML_USAGE },
  // Loaded on use, so `eas wbxml` does not load the mock's data generators.
  mock: {
    run: async () => (await import('./mock.ts')).mockCommand,
    usage:
      'eas mock --port P [--host H] [--seed N] [--faults SPEC] [--versions V,...] [--bearer-issuer URL --bearer-audience AUD [--bearer-scope S]] [--anchor-cookie]',
  },
  proxy: {
    run: async () => (await import('./proxy.ts')).proxyCommand,
    usage:
      'eas proxy --upstream URL --port P [--host H] [--dist DIR] [--vault] [--push] [--state DIR] [--redis URL] [--idle-timeout S] [--max-body MB] [--max-connections N] [--session-days D]',
  },
  probe: {
    run: async () => (await import('./probe.ts')).probeMain,
    usage:
      'eas probe --url URL --user U [--domain D] --password-env VAR [--version V] [--json FILE] [--trace DIR] [--email ADDR] [--window N]',
  },
  sync: {
    run: async () => (await import('./sync.ts')).syncCommand,
    usage:
      'eas sync --url URL --user U [--domain D] --password-env VAR --state DIR --out DIR [--export] [--dump FILE] [--filter N|Class=N,...]',
  },
};

function usage(): string {
  return ['usage: eas <subcommand> ...', ...Object.values(SUBCOMMANDS).map((s) => `  ${s.usage}`)].join('\n');
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  const sub = name === undefined ? undefined : SUBCOMMANDS[name];
  if (!sub) {
    process.stderr.write(`${usage()}\n`);
    return 2;
  }
  try {
    await (await sub.run())(args);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`eas ${name}: ${e.message}\n`);
      return 2;
    }
    const message = e instanceof CliError ? e.message : `${(e as Error).name}: ${(e as Error).message}`;
    process.stderr.write(`eas ${name}: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`eas: ${String(e)}\n`);
    process.exitCode = 1;
  },
);
