import type { Configuration } from 'openid-client' with { 'resolution-mode': 'import' };
import type { DemoClient } from './demo-client';

/** What the demo keeps in the forum session between the button and the callback. */
export interface DemoFlow {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** What the callback learned, for the page to show. */
export interface DemoResult {
  idTokenClaims: Record<string, unknown>;
  userinfo: Record<string, unknown>;
  /** The end-session endpoint and its parameters; null when the forum offers none. */
  signOut: { action: string; fields: Array<[string, string]> } | null;
}

export interface RelyingParty {
  /** Where to send the browser, and the secrets to keep until the callback. */
  start(): Promise<{ url: string; flow: DemoFlow }>;
  /** Redeems the code and checks the ID token (signature, issuer, audience, nonce), then asks userinfo. */
  finish(callbackUrl: URL, flow: DemoFlow): Promise<DemoResult>;
  /** Runs discovery now: null when it works, else what went wrong. */
  check(): Promise<string | null>;
}

type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });

// openid-client v6 is an ES module only; the forum is CommonJS, so it comes in by dynamic import.
let library: Promise<OpenIdClient> | null = null;
const openidClient = (): Promise<OpenIdClient> => (library ??= import('openid-client'));

/**
 * A relying party of the forum's own issuer, as an outside site would write it with openid-client.
 * Discovery fetches PUBLIC_URL from this very process, so it works only when PUBLIC_URL reaches
 * it; it is retried at each use until it succeeds once, then kept.
 */
export function relyingParty(publicUrl: string, client: DemoClient): RelyingParty {
  let configuration: Configuration | null = null;

  async function discover(): Promise<{ lib: OpenIdClient; config: Configuration }> {
    if ('problem' in client) throw new Error(client.problem);
    const lib = await openidClient();
    configuration ??= await lib.discovery(new URL(publicUrl), client.clientId, undefined, lib.None(), {
      timeout: 5,
      // openid-client refuses plain http unless told: the demo runs on http://localhost.
      ...(publicUrl.startsWith('http:') ? { execute: [lib.allowInsecureRequests] } : {}),
    });
    return { lib, config: configuration };
  }

  return {
    async check() {
      try {
        await discover();
        return null;
      } catch (err) {
        return `Discovery of ${publicUrl} failed: ${describe(err)}`;
      }
    },

    async start() {
      const { lib, config } = await discover();
      const flow: DemoFlow = { state: lib.randomState(), nonce: lib.randomNonce(), codeVerifier: lib.randomPKCECodeVerifier() };
      const url = lib.buildAuthorizationUrl(config, {
        redirect_uri: (client as { redirectUri: string }).redirectUri,
        scope: 'openid profile email',
        code_challenge: await lib.calculatePKCECodeChallenge(flow.codeVerifier),
        code_challenge_method: 'S256',
        state: flow.state,
        nonce: flow.nonce,
      });
      return { url: url.href, flow };
    },

    async finish(callbackUrl, flow) {
      const { lib, config } = await discover();
      const tokens = await lib.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true,
      });
      const idTokenClaims = tokens.claims();
      if (!idTokenClaims || !tokens.id_token) throw new Error('the token response has no ID token');
      const userinfo = await lib.fetchUserInfo(config, tokens.access_token, idTokenClaims.sub);
      const endSession = config.serverMetadata().end_session_endpoint;
      return {
        idTokenClaims: { ...idTokenClaims },
        userinfo: { ...userinfo },
        signOut: endSession ? {
          action: endSession,
          fields: [['id_token_hint', tokens.id_token], ['post_logout_redirect_uri', (client as { postLogoutRedirectUri: string }).postLogoutRedirectUri]],
        } : null,
      };
    },
  };
}

/** openid-client's errors carry the server's `error` and a cause (the fetch failure). */
export function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const oauthError = (err as { error?: unknown }).error;
  const status = (err.cause as { status?: unknown } | undefined)?.status;
  const cause = err.cause instanceof Error ? ` (${err.cause.message})` : typeof status === 'number' ? ` (HTTP ${status})` : '';
  return `${typeof oauthError === 'string' ? `${oauthError}: ` : ''}${err.message}${cause}`;
}
