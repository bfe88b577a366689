import { describe, expect, it } from 'vitest';
import { serverUrl, splitUserName } from '../../../src/ui/setup/user-name.ts';

describe('the phone setup user-name rule', () => {
  it('splits user@domain', () => {
    expect(splitUserName('mike@ox.io')).toEqual({ user: 'mike', domain: 'ox.io' });
  });
  it('gives a name without @ the domain defaultcontext', () => {
    expect(splitUserName('mike')).toEqual({ user: 'mike', domain: 'defaultcontext' });
  });
  it('accepts DOMAIN\\user', () => {
    expect(splitUserName('CORP\\mike')).toEqual({ user: 'mike', domain: 'CORP' });
  });
  it('lets a typed domain win and drops the @part', () => {
    expect(splitUserName('mike@ox.io', 'other')).toEqual({ user: 'mike', domain: 'other' });
    expect(splitUserName('CORP\\mike', 'other')).toEqual({ user: 'mike', domain: 'other' });
  });
  it('splits at the last @ and trims', () => {
    expect(splitUserName('  a@b@c.example ')).toEqual({ user: 'a@b', domain: 'c.example' });
  });
});

describe('serverUrl', () => {
  it('adds the scheme from the SSL switch', () => {
    expect(serverUrl('mail.ox.io', true)).toBe('https://mail.ox.io');
    expect(serverUrl('mail.ox.io/', false)).toBe('http://mail.ox.io');
  });
  it('keeps a full URL as typed', () => {
    expect(serverUrl('http://127.0.0.1:8080/Microsoft-Server-ActiveSync', true)).toBe('http://127.0.0.1:8080/Microsoft-Server-ActiveSync');
  });
});
