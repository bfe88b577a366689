/** The part of oidc-provider 8 (no types of its own) that test/support/oidc.ts uses. */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface InteractionDetails {
    readonly uid: string;
    readonly params: Record<string, unknown>;
    readonly prompt: { readonly name: string; readonly details: Record<string, unknown> };
    readonly session?: { readonly accountId?: string };
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    save(): Promise<string>;
  }

  export interface TokenContext {
    readonly body?: Record<string, unknown>;
    readonly oidc: { readonly params?: Record<string, unknown> };
  }

  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    readonly Grant: new (o: {
      accountId: string;
      clientId: string;
    }) => Grant;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      o?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    on(event: 'grant.success', listener: (ctx: TokenContext) => void): this;
    on(event: 'grant.error', listener: (ctx: TokenContext, error: Error & { error?: string }) => void): this;
    on(event: 'grant.revoked', listener: (ctx: unknown, grantId: string) => void): this;
    on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): this;
  }
}
