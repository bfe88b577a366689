/**
 * Where the demo server lives, without the mock's code (the first chunk needs only this).
 * `example.test` is reserved by RFC 2606, so no real server can be there. Only the two
 * names the demo account uses are claimed: the domain itself (its Autodiscover answer
 * points there) and the `autodiscover.` host Autodiscover also tries (MS-OXDISCO 3.1.5).
 */
export const DEMO_DOMAIN = 'example.test';
export const DEMO_ACCOUNT = { email: `alice@${DEMO_DOMAIN}`, password: 'alicepass' } as const;

export function isDemoHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === DEMO_DOMAIN || h === `autodiscover.${DEMO_DOMAIN}`;
}
