import { describe, expect, it } from 'vitest';
import {
  commonStatusName,
  describeStatus,
  isAccountBlocked,
  isCommonStatus,
  isRetryLater,
  needsProvisioning,
  needsResync,
  statusAction,
  type EasCommonStatus,
} from '../../src/eas/status.ts';

/** Every code MS-ASCMD 2.2.2 defines: 101-156, 160-179, 183, 184. */
const ALL: number[] = [...range(101, 156), ...range(160, 179), 183, 184];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

describe('common status codes (MS-ASCMD 2.2.2)', () => {
  it('knows exactly the defined codes', () => {
    expect(range(1, 300).filter(isCommonStatus)).toEqual(ALL);
  });

  it('names and describes them, with a fallback for unknown codes', () => {
    expect(commonStatusName(142)).toBe('DeviceNotProvisioned');
    expect(commonStatusName(177)).toBe('MaximumDevicesReached');
    expect(describeStatus(111)).toBe('Server error, retry later');
    expect(describeStatus(157)).toBe('Unknown status 157');
    expect(commonStatusName(1)).toBeUndefined();
    for (const code of ALL) expect(describeStatus(code)).not.toMatch(/^Unknown/);
  });

  it('asks for provisioning on 140, 142, 143, 144 only', () => {
    expect(ALL.filter(needsProvisioning)).toEqual([140, 142, 143, 144]);
    expect(needsProvisioning(1)).toBe(false);
  });

  it('retries the transient ones later, not ServerError 110', () => {
    expect(ALL.filter(isRetryLater)).toEqual([111, 114, 133, 135, 162, 169]);
    expect(isRetryLater(110)).toBe(false);
  });

  it('stops on account problems, including too many partnerships (177)', () => {
    for (const code of [124, 126, 129, 131, 139, 141, 145, 177]) expect(isAccountBlocked(code)).toBe(true);
    expect(isAccountBlocked(142)).toBe(false);
  });

  it('restarts from sync key 0 when the server lost its state', () => {
    expect(ALL.filter(needsResync)).toEqual([132, 134, 136]);
  });

  it('classifies request bugs, server failures and item-level problems', () => {
    const action = (c: number): string => statusAction(c as EasCommonStatus);
    expect([101, 102, 103, 108, 165].map(action)).toEqual(['request', 'request', 'request', 'request', 'request']);
    expect(action(110)).toBe('server');
    expect([150, 118, 176, 184].map(action)).toEqual(['item', 'item', 'item', 'item']);
  });
});
