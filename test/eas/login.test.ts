/** The one user-name and server-URL rule of manual setup (src/eas/login.ts). */
import { describe, expect, it } from 'vitest';
import { parseLogin, serverUrl } from '../../src/eas/login.ts';

describe('the user-name rule', () => {
  it('splits user@domain at the last @, and trims', () => {
    expect(parseLogin('mike@ox.io')).toEqual({ user: 'mike', domain: 'ox.io' });
    expect(parseLogin('  a@b@c.example ')).toEqual({ user: 'a@b', domain: 'c.example' });
  });

  it('reads DOMAIN\\user, and \\user as no domain at all', () => {
    expect(parseLogin('CORP\\mike')).toEqual({ user: 'mike', domain: 'CORP' });
    expect(parseLogin('CORP\\mike@ox.io')).toEqual({ user: 'mike@ox.io', domain: 'CORP' });
    expect(parseLogin('\\mike')).toStrictEqual({ user: 'mike' });
  });

  it('gives a name with neither the domain defaultcontext, or none when the caller says so', () => {
    expect(parseLogin('mike')).toEqual({ user: 'mike', domain: 'defaultcontext' });
    expect(parseLogin('mike', undefined, null)).toStrictEqual({ user: 'mike' });
  });

  it('lets a typed domain win: the name loses its @part and its DOMAIN\\', () => {
    expect(parseLogin('mike@ox.io', 'corp')).toEqual({ user: 'mike', domain: 'corp' });
    expect(parseLogin('CORP\\mike', 'other')).toEqual({ user: 'mike', domain: 'other' });
    expect(parseLogin('\\mike', 'other')).toEqual({ user: 'mike', domain: 'other' });
    expect(parseLogin('mike', ' corp ')).toEqual({ user: 'mike', domain: 'corp' });
  });
});

describe('the server URL', () => {
  it('adds the scheme from the SSL switch and drops trailing slashes', () => {
    expect(serverUrl('mail.ox.io')).toBe('https://mail.ox.io');
    expect(serverUrl('mail.ox.io/', false)).toBe('http://mail.ox.io');
    expect(serverUrl(' https://mail.example.com/ ')).toBe('https://mail.example.com');
  });

  it('keeps a full URL as typed', () => {
    expect(serverUrl('http://127.0.0.1:8080/Microsoft-Server-ActiveSync', true)).toBe('http://127.0.0.1:8080/Microsoft-Server-ActiveSync');
  });
});
