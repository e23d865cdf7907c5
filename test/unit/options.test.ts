import { createOAuthProvider, ConfigurationError, type OAuthProviderOptions } from '../../src';
import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';

/**
 * Options are validated at start-up, and a wrong option fails fast with a message
 * that names it. The messages are pinned exactly: they are what a site owner reads.
 */
const valid = (): OAuthProviderOptions => ({
  issuer: 'https://forum.example',
  scopes: { read: 'Read posts', write: { description: 'Post as you' } },
  store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
  currentUser: () => null,
  loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
});

/** The ConfigurationError createOAuthProvider throws for these options (fails the test if it does not throw). */
function startupError(extra: Record<string, unknown>): ConfigurationError {
  try {
    createOAuthProvider({ ...valid(), ...extra } as OAuthProviderOptions);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error(`expected ${JSON.stringify(Object.keys(extra))} to be refused at start-up`);
}

const invalid = (option: string, reason: string) => `createOAuthProvider: option \`${option}\` is invalid: ${reason}`;

describe('createOAuthProvider option validation', () => {
  it('accepts the valid baseline (so every refusal below is caused by the one wrong option)', () => {
    expect(() => createOAuthProvider(valid())).not.toThrow();
    expect(() => createOAuthProvider({ ...valid(), defaultScopes: ['read'], lifetimes: { authorizationCode: 600 }, compat: { grandType: true } })).not.toThrow();
  });

  it.each([
    ['an issuer that is not a URL', { issuer: 'forum.example' }, invalid('issuer', 'Invalid URL')],
    ['an issuer that is not http(s)', { issuer: 'ftp://forum.example' }, invalid('issuer', 'Invalid URL')],
    ['an issuer with a query', { issuer: 'https://forum.example/?tenant=1' }, invalid('issuer', 'the issuer has no query or fragment')],
    ['an issuer with a fragment', { issuer: 'https://forum.example/#x' }, invalid('issuer', 'the issuer has no query or fragment')],
  ])('refuses %s, naming `issuer`', (_name, extra, message) => {
    expect(startupError(extra).message).toBe(message);
  });

  it('refuses a default scope the site does not define, naming `defaultScopes` and the scope', () => {
    expect(startupError({ defaultScopes: ['read', 'admin'] }).message)
      .toBe('createOAuthProvider: option `defaultScopes` names "admin", which is not in `scopes`');
  });

  it.each([
    ['a code lifetime above 10 minutes', { authorizationCode: 601 }, invalid('lifetimes.authorizationCode', 'at most 600 s (RFC 6749 §4.1.2)')],
    ['a negative access-token lifetime', { accessToken: -1 }, invalid('lifetimes.accessToken', 'Too small: expected number to be >0')],
    ['a zero refresh-token lifetime', { refreshToken: 0 }, invalid('lifetimes.refreshToken', 'Too small: expected number to be >0')],
    ['a fractional lifetime', { refreshToken: 1.5 }, invalid('lifetimes.refreshToken', 'Invalid input: expected int, received number')],
    ['a lifetime given as a string', { accessToken: '3600' }, invalid('lifetimes.accessToken', 'Invalid input: expected number, received string')],
    ['a device-code lifetime above an hour', { deviceCode: 3601 }, invalid('lifetimes.deviceCode', 'at most 3600 s')],
    ['an unknown lifetime', { code: 60 }, invalid('lifetimes', 'Unrecognized key: "code"')],
  ])('refuses %s, naming the lifetime', (_name, lifetimes, message) => {
    expect(startupError({ lifetimes }).message).toBe(message);
  });

  it('refuses an unknown top-level option (a typo would otherwise be ignored), naming it', () => {
    expect(startupError({ scope: { read: 'Read' } }).message).toBe(invalid('(options)', 'Unrecognized key: "scope"'));
    expect(startupError({ ratelimit: false }).message).toBe(invalid('(options)', 'Unrecognized key: "ratelimit"'));
  });

  it.each([
    ['a compat flag of the wrong type', { grandType: 'yes' }, invalid('compat.grandType', 'Invalid input: expected boolean, received string')],
    ['an implicit-grant mode that is not false, "fragment" or "query"', { implicitGrant: true }, invalid('compat.implicitGrant', 'Invalid input')],
    ['an unknown compat flag', { grandtype: true }, invalid('compat', 'Unrecognized key: "grandtype"')],
  ])('refuses %s, naming it', (_name, compat, message) => {
    expect(startupError({ compat }).message).toBe(message);
  });

  it('refuses compat given as something other than an object', () => {
    expect(startupError({ compat: true }).message).toBe(invalid('compat', 'Invalid input: expected object, received boolean'));
  });

  it('refuses rate-limit settings below 1, naming them', () => {
    expect(startupError({ rateLimit: { failures: 0 } }).message).toBe(invalid('rateLimit.failures', 'Too small: expected number to be >=1'));
  });

  it('makes requireScope throw when the route is set up, not when a request comes, for a scope the site does not define', () => {
    const oauth = createOAuthProvider(valid());
    expect(() => oauth.requireScope('read')).not.toThrow();
    for (const scopes of [['unknown'], ['read', 'unknown']]) {
      let thrown: unknown;
      try {
        oauth.requireScope(...scopes);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(ConfigurationError);
      expect((thrown as Error).message).toBe('requireScope: "unknown" is not one of the provider\'s scopes');
    }
  });
});
