/** What the server's answer to HTTP OPTIONS says (MS-ASHTTP 2.2.4.1.2), and the version both sides speak. */
import type { EasVersion } from './version.ts';
import { CLIENT_VERSIONS, isEasVersion } from './version.ts';

export interface ServerOptions {
  /** Versions this code knows (2.5 ... 16.1), in the server's order. */
  readonly versions: readonly EasVersion[];
  /** Other listed versions (1.0, 2.0, 2.1 on old servers). */
  readonly otherVersions: readonly string[];
  /** MS-ASProtocolCommands. */
  readonly commands: readonly string[];
  /** MS-Server-ActiveSync: the server build, e.g. "14.00.0536.000". */
  readonly serverVersion?: string;
}

/**
 * Reads the OPTIONS response headers (MS-ASHTTP 2.2.4.1.2). Accepts a Headers
 * object (which joins repeated headers with ", ") or a raw list of name/value
 * pairs in which a header may repeat; both forms are comma lists.
 */
export function parseServerOptions(headers: Iterable<readonly [string, string]>): ServerOptions {
  const versions: string[] = [];
  const commands: string[] = [];
  let serverVersion: string | undefined;
  for (const [name, value] of headers) {
    const n = name.toLowerCase();
    if (n === 'ms-asprotocolversions') versions.push(...splitList(value));
    else if (n === 'ms-asprotocolcommands') commands.push(...splitList(value));
    else if (n === 'ms-server-activesync') serverVersion = value.trim();
  }
  const unique = [...new Set(versions)];
  return {
    versions: unique.filter(isEasVersion),
    otherVersions: unique.filter((v) => !isEasVersion(v)),
    commands: [...new Set(commands)],
    serverVersion,
  };
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/**
 * The highest version both sides speak. The client list defaults to
 * CLIENT_VERSIONS (12.1 to 16.1); 2.5 and 12.0 count only when the client lists them.
 */
export function negotiateVersion(
  serverVersions: readonly string[],
  clientVersions: readonly EasVersion[] = CLIENT_VERSIONS,
): EasVersion | undefined {
  const shared = clientVersions.filter((v) => serverVersions.includes(v));
  return shared.sort((a, b) => Number(b) - Number(a))[0];
}
