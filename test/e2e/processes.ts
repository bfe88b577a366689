/**
 * The `eas` command's servers (`eas mock`, `eas proxy`) as real processes for e2e tests,
 * each in its own process group so that `stopAll` ends it and its children.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from './browser.ts';

export interface EasProcess {
  readonly url: string;
  output(): string;
}

const children: ChildProcess[] = [];

/** `eas <args>` as its own process group; resolves with the URL of its `listening on` line. */
export function eas(args: string[], env: Record<string, string> = {}): Promise<EasProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  children.push(child);
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((ok, fail) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^listening on (http:\/\/\S+)$/m.exec(out);
      if (m?.[1]) ok({ url: m[1], output: () => out });
    });
    child.once('exit', (code) => fail(new Error(`eas ${args[0]} exited ${code}: ${out}`)));
  });
}

/** Ends every process `eas` started in this test file. */
export function stopAll(): void {
  for (const c of children.splice(0)) if (c.pid && c.exitCode === null) process.kill(-c.pid, 'SIGTERM');
}
