/** Small Node I/O helpers shared by the `eas` subcommands. */
import { readFile } from 'node:fs/promises';
import { CLIENT_VERSIONS, isEasVersion, type EasVersion } from '../eas/version.ts';

/** A failure the user caused or can fix: printed as one line, exit 1. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** A wrong invocation: printed with the usage, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Reads FILE, or standard input for "-". */
export async function readInput(file: string): Promise<Uint8Array> {
  if (file !== '-') {
    try {
      return new Uint8Array(await readFile(file));
    } catch (e) {
      throw new CliError(`${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

export function writeOutput(data: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(data, (err) => (err ? reject(err) : resolve()));
  });
}

/** The value of a required string option. */
export function required(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} is required`);
  return v;
}

/** Reads a password from the environment variable named by --password-env. */
export function passwordFromEnv(varName: string): string {
  const v = process.env[varName];
  if (v === undefined) throw new CliError(`environment variable ${varName} (--password-env) is not set`);
  return v;
}

/** `--version 14.1`: one of the versions this client speaks (CLIENT_VERSIONS). */
export function parseVersion(v: string | undefined): EasVersion | undefined {
  if (v === undefined) return undefined;
  if (!isEasVersion(v) || !CLIENT_VERSIONS.includes(v)) throw new UsageError(`--version must be one of ${CLIENT_VERSIONS.join(', ')}`);
  return v;
}
