import { memoryClientStore, memoryTokenStore } from '../../adapters/memory';
import { parseOptions, resolveOptions, type OAuthProviderOptions } from '../../src/options';
import { formatScopes, hasPersonalScope, parseScopeList, requestedScopeParam, resolveRequestedScopes } from '../../src/scope';

const options = (extra: Partial<OAuthProviderOptions> = {}) => resolveOptions(parseOptions({
  issuer: 'https://forum.example',
  scopes: { identity: { description: 'See your username', personal: true }, read: 'Read posts', write: 'Post as you' },
  store: { clients: memoryClientStore(), tokens: memoryTokenStore() },
  currentUser: () => null,
  loginUrl: (returnTo) => `/login?next=${encodeURIComponent(returnTo)}`,
  ...extra,
}));

/** The message of what `run` throws (fails the test if it does not throw). */
function thrown(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('scopes', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['read', ['read']],
    ['read write', ['read', 'write']],
    ['read,write', ['read', 'write']],
    [' read ,\twrite  read ', ['read', 'write']],
  ])('parses %j (spaces and commas, duplicates once) as %j', (raw, expected) => {
    expect(parseScopeList(raw)).toEqual(expected);
  });

  it('formats a list as RFC 6749 `scope` and as comma-separated `scopes`', () => {
    expect(formatScopes(['read', 'write'])).toEqual({ scope: 'read write', scopes: 'read,write' });
  });

  it('reads `scope` or `scopes` and refuses both at once', () => {
    expect(requestedScopeParam({ scope: 'read' })).toBe('read');
    expect(requestedScopeParam({ scopes: 'read,write' })).toBe('read,write');
    expect(requestedScopeParam({})).toBeUndefined();
    expect(thrown(() => requestedScopeParam({ scope: 'read', scopes: 'read' }))).toBe('Send either `scope` or `scopes`, not both.');
  });

  it('grants the requested scopes the site defines and the client may ask for, and the defaults when none is asked', () => {
    expect(resolveRequestedScopes('read write', options(), null)).toEqual(['read', 'write']);
    expect(resolveRequestedScopes('read', options(), ['read'])).toEqual(['read']);
    expect(resolveRequestedScopes(undefined, options({ defaultScopes: ['read'] }), ['read'])).toEqual(['read']);
  });

  it('refuses unknown scopes (the echo cut at 40 characters), scopes the client may not ask for, and no scope without defaults', () => {
    expect(thrown(() => resolveRequestedScopes('read admin', options(), null))).toBe('Unknown scope: admin');
    expect(thrown(() => resolveRequestedScopes('x'.repeat(40), options(), null))).toBe(`Unknown scope: ${'x'.repeat(40)}`);
    expect(thrown(() => resolveRequestedScopes('x'.repeat(41), options(), null))).toBe(`Unknown scope: ${'x'.repeat(40)}…`);
    expect(thrown(() => resolveRequestedScopes('read write', options(), ['read']))).toBe('This app may not ask for the scope: write');
    expect(thrown(() => resolveRequestedScopes(undefined, options(), null))).toBe('No scope was requested and the site has no default scope.');
  });

  it('tells whether any scope is personal', () => {
    expect(hasPersonalScope(['read', 'identity'], options())).toBe(true);
    expect(hasPersonalScope(['read', 'write'], options())).toBe(false);
    expect(hasPersonalScope([], options())).toBe(false);
  });
});
