/**
 * MSW 2 handlers that hand every EAS, Autodiscover and control request to the
 * mock's `handle`. For Vitest: `setupServer(...mswHandlers(mock))` from 'msw/node'.
 */
import { http, type HttpHandler } from 'msw';
import { ConnectionDropped } from './faults.ts';
import type { MockServer } from './server.ts';

export function mswHandlers(server: MockServer): HttpHandler[] {
  // A drop-after fault is a network error for the client (Response.error()), not a 500.
  const pass = ({ request }: { request: Request }): Promise<Response> =>
    server.handle(request).catch((e: unknown) => (e instanceof ConnectionDropped ? Response.error() : Promise.reject(e)));
  return [
    http.all(/\/microsoft-server-activesync$/i, pass),
    http.all(/\/autodiscover\/autodiscover\.xml$/i, pass),
    http.all(/\/autodiscover\/autodiscover\.json\//i, pass),
    http.all(/\/mock-control\//i, pass),
  ];
}
