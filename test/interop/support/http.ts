/**
 * A fetch-shaped transport for the tests' own reads from SOGo.
 *
 * SOGo quirk: sogod closes the connection after every response without sending
 * `Connection: close`, so a keep-alive socket that fetch pools can be dead when it is reused,
 * and the request then fails ("other side closed", ECONNRESET) before it reaches SOGo. With
 * back-to-back requests from Node that happens nearly every time. The witnesses' own requests
 * go over a new connection each time instead.
 */
import { request as httpRequest } from 'node:http';
import type { Transport } from '../../../src/eas/endpoint.ts';

/** node:http with no agent: a new connection per request, so never a socket SOGo has closed. */
export const oneShotTransport: Transport = async (request) => {
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  return new Promise((resolve, reject) => {
    const req = httpRequest(request.url, { method: request.method, headers: Object.fromEntries(request.headers), agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : [value ?? '']) headers.append(name, v);
        }
        const status = res.statusCode ?? 0;
        const bytes = Buffer.concat(chunks);
        resolve(new Response(status === 204 || status === 304 || bytes.length === 0 ? null : bytes, { status, headers }));
      });
    });
    req.on('error', reject);
    request.signal.addEventListener('abort', () => req.destroy(request.signal.reason as Error), { once: true });
    req.end(body);
  });
};
