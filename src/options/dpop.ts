import type { ClientRecord } from '../storage/records';

/**
 * RFC 9449 DPoP, sender-constrained tokens. With the option (even `{}`), a token request carrying
 * a `DPoP` proof gets tokens bound to the proof's key, and `requireScope` takes them only with a
 * fresh proof of that key. Needs a token store with `useDpopProof` (every shipped adapter has it).
 */
export interface DpopOptions {
  /**
   * Which clients must send a proof at the token endpoint: `'public'` (every public client: SPAs,
   * native apps, agents, which have no other way to keep a stolen token useless), `'all'`, or a
   * list of client ids. @default false: a proof is used when sent, never demanded
   */
  required?: false | 'public' | 'all' | string[];
  /**
   * Server nonces (RFC 9449 §8): every proof must carry a nonce the server handed out in a
   * `DPoP-Nonce` header, so a proof made in advance by a thief who briefly held the key is useless.
   * `secret` (at least 32 characters, the same on every instance) derives the nonces, which change
   * every `lifetime` seconds (default 300). Costs clients one extra round trip per nonce.
   */
  nonces?: { secret: string; lifetime?: number };
}

export interface ResolvedDpop {
  mustSendProof(client: Pick<ClientRecord, 'id' | 'isPublic'>): boolean;
  nonces: { secret: string; lifetime: number } | null;
}

export function resolveDpop(o: DpopOptions | undefined): ResolvedDpop | null {
  if (o === undefined) return null;
  const required = o.required ?? false;
  return Object.freeze({
    mustSendProof: (client: Pick<ClientRecord, 'id' | 'isPublic'>) => required === 'all'
      || (required === 'public' && client.isPublic) || (Array.isArray(required) && required.includes(client.id)),
    nonces: o.nonces ? Object.freeze({ secret: o.nonces.secret, lifetime: o.nonces.lifetime ?? 300 }) : null,
  });
}
