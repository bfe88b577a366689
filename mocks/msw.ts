/**
 * MSW 2 handlers that hand every EAS, Autodiscover and control request to the
 * mock's `handle`. For Vitest: `setupServer(...mswHandlers(mock))` from 'msw/node'.
 */
import { http, type HttpHandler } from 'msw';
import type { MockServer } from './server.ts';

export function mswHandlers(server: MockServer): HttpHandler[] {
  const pass = ({ request }: { request: Request }): Promise<Response> => server.handle(request);
  return [
    http.all(/\/microsoft-server-activesync$/i, pass),
    http.all(/\/autodiscover\/autodiscover\.xml$/i, pass),
    http.all(/\/mock-control\//i, pass),
  ];
}
