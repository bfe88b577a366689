/**
 * Makes sure the Debian tools the tests use are installed, installing the missing
 * ones with apt-get when we are root (CI and the dev machines here are), so that
 * `npm test` works on a fresh machine. Prints what it does; exits 1 with the exact
 * apt-get line when it cannot install.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** command on PATH → Debian package that provides it */
const TOOLS: Record<string, string> = {
  wbxml2xml: 'libwbxml2-utils',
  xml2wbxml: 'libwbxml2-utils',
  xmllint: 'libxml2-utils',
  // the e2e tests (test/e2e/) drive Debian's Chromium with playwright-core
  chromium: 'chromium',
  // the proxy fleet tests (test/proxy/fleet.test.ts) start a real Redis
  'redis-server': 'redis-server',
};

/** file the tests need → Debian package that provides it */
const FILES: Record<string, string> = {
  // Japanese text in the e2e screenshots (Chromium falls back to boxes without a CJK font)
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc': 'fonts-noto-cjk',
};

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function main(): number {
  const needed = [
    ...Object.entries(TOOLS)
      .filter(([cmd]) => !has(cmd))
      .map(([, pkg]) => pkg),
    ...Object.entries(FILES)
      .filter(([file]) => !existsSync(file))
      .map(([, pkg]) => pkg),
  ];
  const missing = [...new Set(needed)];
  if (missing.length === 0) return 0;
  const line = `apt-get install -y ${missing.join(' ')}`;
  if (process.getuid?.() !== 0 || !has('apt-get')) {
    process.stderr.write(`tests need: ${missing.join(', ')}; run as root: apt-get update && ${line}\n`);
    return 1;
  }
  process.stdout.write(`installing ${missing.join(' ')} for the tests\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (...args: string[]) =>
    execFileSync('apt-get', ['-o', 'DPkg::Lock::Timeout=600', ...args], { stdio: ['ignore', 'ignore', 'inherit'], env });
  try {
    apt('install', '-y', '-q', ...missing);
  } catch {
    apt('update', '-q');
    apt('install', '-y', '-q', ...missing);
  }
  return 0;
}

process.exitCode = main();
