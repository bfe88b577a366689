/** Autodiscover answers through the proxy name the proxy's own EAS endpoint. */
import { describe, expect, it } from 'vitest';
import { pointAutodiscoverAt } from '../../src/proxy/autodiscover.ts';

const HERE = 'https://mail.example.test/Microsoft-Server-ActiveSync';

describe('pointAutodiscoverAt', () => {
  it('replaces the MobileSync Url and Name, with any prefix and case', () => {
    const xml =
      '<a:Server><a:Type>MobileSync</a:Type><a:Url>https://exch01.corp.local/Microsoft-Server-ActiveSync</a:Url>' +
      '<a:Name>https://exch01.corp.local/microsoft-server-activesync/</a:Name></a:Server><URL> http://10.0.0.5:8080/Microsoft-Server-ActiveSync </URL>';
    expect(pointAutodiscoverAt(xml, HERE)).toBe(
      `<a:Server><a:Type>MobileSync</a:Type><a:Url>${HERE}</a:Url>` + `<a:Name>${HERE}</a:Name></a:Server><URL>${HERE}</URL>`,
    );
  });

  it('leaves other URLs (certificate enrollment, redirects) and names alone', () => {
    const xml =
      '<Url>https://ca.example.test/certsrv</Url><Name>Exchange</Name><RedirectUrl>https://x/Microsoft-Server-ActiveSync</RedirectUrl>';
    expect(pointAutodiscoverAt(xml, HERE)).toBe(xml);
  });

  it('escapes the endpoint for XML', () => {
    expect(pointAutodiscoverAt('<Url>http://h/Microsoft-Server-ActiveSync</Url>', 'http://a&b/Microsoft-Server-ActiveSync')).toBe(
      '<Url>http://a&#38;b/Microsoft-Server-ActiveSync</Url>',
    );
  });
});
