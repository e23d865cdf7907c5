import { createOAuthProvider, ConfigurationError, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryKeyStore, memoryTokenStore } from '../../adapters/memory';

/** The `openid` option is checked at start-up like every other, naming what is wrong. */
const SECRET = 'a-test-secret-of-at-least-32-characters!';
const valid = (openid: Record<string, unknown> = {}): OAuthProviderOptions => ({
  issuer: 'https://forum.example',
  scopes: { read: 'Read posts' },
  store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
  currentUser: () => null,
  loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
  openid: { keys: { store: memoryKeyStore(), secret: SECRET }, claims: () => null, ...openid } as OAuthProviderOptions['openid'],
});

function startupError(options: OAuthProviderOptions): string {
  try {
    createOAuthProvider(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return (err as Error).message;
  }
  throw new Error('expected a refusal at start-up');
}

const RSA_PRIVATE_JWK = {
  kty: 'RSA', kid: 'site-1', alg: 'RS256',
  n: 'sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw',
  e: 'AQAB',
  d: 'VFCWOqXr8nvZNyaaJLXdnNPXZKRaWCjkU5Q2egQQpTBMwhprMzWzpR8Sxq1OPThh_J6MUD8Z35wky9b8eEO0pwNS8xlh1lOFRRBoNqDIKVOku0aZb-rynq8cxjDTLZQ6Fz7jSjR1Klop-YKaUHc9GsEofQqYruPhzSA-QgajZGPbE_0ZaVDJHfyd7UUBUKunFMScbflYAAOYJqVIVwaYR5zWEEceUjNnTNo_CVSj-VvXLO5VZfCUAVLgW4dpf1SrtZjSt34YLsRarSb127reG_DUwg9Ch-KyvjT1SkHgUWRVGcyly7uvVGRSDwsXypdrNinPA4jlhoNdizK2zF2CWQ',
};

describe('the openid option', () => {
  it('accepts keys in a key store, or the site\'s own JWKs', () => {
    expect(() => createOAuthProvider(valid())).not.toThrow();
    expect(() => createOAuthProvider(valid({ keys: { jwks: [RSA_PRIVATE_JWK] } }))).not.toThrow();
  });

  it('refuses a short key secret, naming it', () => {
    expect(startupError(valid({ keys: { store: memoryKeyStore(), secret: 'short' } })))
      .toBe('createOAuthProvider: option `openid.keys.secret` is invalid: at least 32 characters');
  });

  it('refuses a store that is not a key store', () => {
    expect(startupError(valid({ keys: { store: {}, secret: SECRET } }))).toContain('option `openid.keys');
  });

  it('refuses a schedule that retires keys before the ID tokens they signed expire', () => {
    expect(startupError(valid({ keys: { store: memoryKeyStore(), secret: SECRET, keepAfterRetiring: 60_000 } })))
      .toMatch(/^createOAuthProvider: option `openid.keys` is invalid: keepAfterRetiring must be at least the ID-token lifetime/);
  });

  it('refuses a schedule the JWKS could not keep ahead of', () => {
    expect(startupError(valid({ keys: { store: memoryKeyStore(), secret: SECRET, publishAhead: 40 * 86_400_000 } })))
      .toMatch(/^createOAuthProvider: option `openid.keys` is invalid: Signing keys: publishAhead/);
  });

  it.each([
    ['a public key only', { ...RSA_PRIVATE_JWK, d: undefined }, 'key "site-1" is not a private key (no "d")'],
    ['no kid', { ...RSA_PRIVATE_JWK, kid: undefined }, 'key 0 has no kid'],
    ['an HMAC algorithm', { ...RSA_PRIVATE_JWK, alg: 'HS256' }, 'key "site-1": alg must be RS256 or ES256'],
    ['an RSA key marked ES256', { ...RSA_PRIVATE_JWK, alg: 'ES256' }, 'key "site-1" is not a ES256 key'],
  ])('refuses site keys with %s', (_name, jwk, reason) => {
    const key = Object.fromEntries(Object.entries(jwk).filter(([, v]) => v !== undefined));
    expect(startupError(valid({ keys: { jwks: [key] } }))).toBe(`createOAuthProvider: option \`openid.keys.jwks\` is invalid: ${reason}`);
  });

  it('refuses site keys without an RS256 key', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: 'ec-1', alg: 'ES256' };
    expect(startupError(valid({ keys: { jwks: [jwk] } }))).toContain('an RS256 key is required');
  });

  it('refuses a short pairwise salt and an ID-token lifetime over a day', () => {
    expect(startupError(valid({ subjects: { type: 'pairwise', salt: 'x' } }))).toBe('createOAuthProvider: option `openid.subjects.salt` is invalid: at least 32 characters');
    expect(startupError(valid({ idTokenLifetime: 86_401 }))).toBe('createOAuthProvider: option `openid.idTokenLifetime` is invalid: at most 86400 s');
  });

  it('adds the OpenID Connect scopes, keeping a site\'s own wording', () => {
    const oauth = createOAuthProvider({ ...valid(), scopes: { read: 'Read posts', email: 'Know the address we email you at' } });
    const seen: string[] = [];
    // requireScope accepts exactly the scopes the provider defines.
    for (const scope of ['openid', 'profile', 'email', 'phone', 'address']) {
      expect(() => oauth.requireScope(scope)).not.toThrow();
      seen.push(scope);
    }
    expect(seen).toHaveLength(5);
    expect(() => createOAuthProvider({ ...valid(), openid: undefined } as OAuthProviderOptions).requireScope('openid')).toThrow(ConfigurationError);
  });
});
