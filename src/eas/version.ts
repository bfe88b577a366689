/** EAS protocol versions (MS-ASHTTP 2.2.1.1.2.4, MS-ASProtocolVersion header). */
export type EasVersion = '2.5' | '12.0' | '12.1' | '14.0' | '14.1' | '16.0' | '16.1';

export const ALL_VERSIONS: readonly EasVersion[] = ['2.5', '12.0', '12.1', '14.0', '14.1', '16.0', '16.1'];

/** Versions this client speaks, best first. 2.5/12.0 are optional per our scope. */
export const CLIENT_VERSIONS: readonly EasVersion[] = ['16.1', '16.0', '14.1', '14.0', '12.1'];

export function isEasVersion(v: string): v is EasVersion {
  return (ALL_VERSIONS as readonly string[]).includes(v);
}

function num(v: EasVersion): number {
  return Number(v);
}

/** True when `v` is `min` or newer: `atLeast(v, '14.0')`. */
export function atLeast(v: EasVersion, min: EasVersion): boolean {
  return num(v) >= num(min);
}
