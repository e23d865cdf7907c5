import fc from 'fast-check';
import { ValidationError } from '../../src/errors';
import { isNativeRedirect, isRegisteredRedirectUri, redirectDestination } from '../../src/services/native-redirects';
import { cspSourceOf, parsePostLogoutRedirectUris, parseRedirectUris } from '../../src/services/redirect-uris';

const PUBLIC = { isPublic: true };

/** The ValidationError message parseRedirectUris throws for one URI under public-client rules. */
function publicError(uri: string): string {
  try {
    parseRedirectUris([uri], 3, PUBLIC);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).code).toBe('invalid_redirect_uri');
    return (err as ValidationError).message;
  }
  throw new Error(`expected ${JSON.stringify(uri)} to be rejected`);
}

describe('parseRedirectUris for public clients (RFC 8252)', () => {
  it.each(['com.example.app:/cb', 'com.example.app://cb', 'com.example.app:/oauth2/callback?x=1', 'io.github.user-name.tool:/cb',
    'http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'https://app.example/cb'])('accepts %s', (uri) => {
    expect(parseRedirectUris([uri], 3, PUBLIC)).toEqual([uri]);
  });

  it.each([
    ['javascript:alert(1)', 'uses the scheme "javascript:", which can never be a redirect URI'],
    ['vbscript:x', 'uses the scheme "vbscript:", which can never be a redirect URI'],
    ['file:///etc/passwd', 'uses the scheme "file:", which can never be a redirect URI'],
    ['blob:https://a.example/x', 'uses the scheme "blob:", which can never be a redirect URI'],
    ['wss://a.example/cb', 'uses the scheme "wss:", which can never be a redirect URI'],
    ['myapp:/cb', 'must use https, loopback http, or a private-use scheme in reverse-DNS form of a domain you control (com.example.app:/callback)'],
    ['com.:/cb', 'must use https, loopback http, or a private-use scheme in reverse-DNS form of a domain you control (com.example.app:/callback)'],
    ['com..app:/cb', 'must use https, loopback http, or a private-use scheme in reverse-DNS form of a domain you control (com.example.app:/callback)'],
    ['com.example+x:/cb', 'must use https, loopback http, or a private-use scheme in reverse-DNS form of a domain you control (com.example.app:/callback)'],
    ['com.example.app:cb', 'must be written in lowercase with a path after the scheme (com.example.app:/callback)'],
    ['com.example.app:/cb#x', 'must not contain a fragment (#)'],
    ['http://example.com/cb', 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])'],
  ])('refuses %j', (uri, rule) => {
    expect(publicError(uri)).toBe(`redirectUris: ${JSON.stringify(uri)} ${rule}.`);
  });

  it('keeps the confidential rules by default, and says a private-use scheme needs a public client', () => {
    expect(() => parseRedirectUris(['com.example.app:/cb'], 3)).toThrow(
      'redirectUris: "com.example.app:/cb" uses a private-use URI scheme, which only a public client (a native app without a secret) may register.',
    );
    expect(() => parseRedirectUris(['myapp:/cb'], 3)).toThrow('must use https (http is allowed only for localhost, 127.0.0.1 and [::1])');
    expect(() => parseRedirectUris(['com.example.app:/cb'], 3, { isPublic: false })).toThrow('only a public client');
  });
});

describe('portless loopback IP literals', () => {
  it.each(['http://127.0.0.1/cb', 'http://[::1]/cb', 'http://127.0.0.1:/cb', 'http://[::1]?x=1'])('are registrable by both client types (any port only for a public one): %j', (uri) => {
    expect(parseRedirectUris([uri], 3)).toEqual([uri]);
    expect(parseRedirectUris([uri], 3, PUBLIC)).toEqual([uri]);
  });

  it('post-logout redirect URIs, always matched exactly, may leave the port out', () => {
    expect(parsePostLogoutRedirectUris(['http://127.0.0.1/signed-out'], 3)).toEqual(['http://127.0.0.1/signed-out']);
  });

  it('a confidential client may register a loopback IP literal with its port, and localhost without one', () => {
    expect(parseRedirectUris(['http://127.0.0.1:8080/cb', 'http://[::1]:1/cb', 'http://localhost/cb'], 3))
      .toEqual(['http://127.0.0.1:8080/cb', 'http://[::1]:1/cb', 'http://localhost/cb']);
  });
});

describe('isRegisteredRedirectUri', () => {
  const port = fc.integer({ min: 1, max: 65535 });
  const registeredPort = fc.option(port, { nil: undefined });
  const host = fc.constantFrom('127.0.0.1', '[::1]', 'localhost', 'app.example');
  const scheme = fc.constantFrom('http', 'https');
  const path = fc.constantFrom('/cb', '/cb?x=1', '/', '/a/b');
  const withPort = (s: string, h: string, p: number | undefined, rest: string) => `${s}://${h}${p === undefined ? '' : `:${p}`}${rest}`;

  it('a URI differing from the registered one only by port matches only for a public client\'s loopback IP literal over http', () => {
    fc.assert(fc.property(scheme, host, registeredPort, port, path, fc.boolean(), (s, h, registered, requested, rest, isPublic) => {
      const client = { isPublic, redirectUris: [withPort(s, h, registered, rest)] };
      const uri = withPort(s, h, requested, rest);
      const samePort = registered === requested;
      const flexible = isPublic && s === 'http' && (h === '127.0.0.1' || h === '[::1]');
      expect(isRegisteredRedirectUri(client, uri)).toBe(samePort || flexible);
    }));
  });

  it('never matches another host, path or query, whatever the client type', () => {
    fc.assert(fc.property(host, host, path, path, registeredPort, port, fc.boolean(), (h1, h2, p1, p2, rp, qp, isPublic) => {
      fc.pre(h1 !== h2 || p1 !== p2);
      const client = { isPublic, redirectUris: [withPort('http', h1, rp, p1)] };
      expect(isRegisteredRedirectUri(client, withPort('http', h2, qp, p2))).toBe(false);
    }));
  });

  it('refuses ports that are not plain 1-65535, and text after the registered URI', () => {
    const client = { isPublic: true, redirectUris: ['http://127.0.0.1/cb'] };
    for (const uri of ['http://127.0.0.1:0/cb', 'http://127.0.0.1:080/cb', 'http://127.0.0.1:65536/cb', 'http://127.0.0.1:/cb',
      'http://127.0.0.1:8080/cb#x', 'http://127.0.0.1:8080/cb/', 'http://127.0.0.1:8080@evil.example/cb', 'HTTP://127.0.0.1:8080/cb']) {
      expect(isRegisteredRedirectUri(client, uri)).toBe(false);
    }
    expect(isRegisteredRedirectUri(client, 'http://127.0.0.1:65535/cb')).toBe(true);
  });

  it('matches private-use schemes exactly', () => {
    const client = { isPublic: true, redirectUris: ['com.example.app:/cb'] };
    expect(isRegisteredRedirectUri(client, 'com.example.app:/cb')).toBe(true);
    expect(isRegisteredRedirectUri(client, 'com.example.app://cb')).toBe(false);
  });
});

describe('isNativeRedirect and redirectDestination', () => {
  it.each([
    ['http://127.0.0.1:5000/cb', true], ['http://[::1]/cb', true], ['http://localhost:3000/cb', true], ['com.example.app:/cb', true],
    ['HTTP://127.0.0.1:6001/cb', true], ['http://LOCALHOST:6001/cb', true], ['Http://[::1]:6001/cb', true],
    ['https://127.0.0.1:6001/cb', true], ['https://localhost/cb', true], ['Com.Example.App:/cb', true],
    ['https://app.example/cb', false], ['http://localhost.evil.example/cb', false], ['myapp:/cb', false], ['not a url', false],
  ])('%s → %s', (uri, native) => {
    expect(isNativeRedirect(uri)).toBe(native);
  });

  it('names a web origin, or a private-use scheme', () => {
    expect(redirectDestination('http://127.0.0.1:5000/cb?x=1')).toBe('http://127.0.0.1:5000');
    expect(redirectDestination('com.example.app:/cb')).toBe('com.example.app:');
  });
});

describe('cspSourceOf for native apps', () => {
  it('gives a private-use scheme as a scheme-source, and a loopback origin with its port', () => {
    expect(cspSourceOf('com.example.app:/cb?x=1')).toBe('com.example.app:');
    expect(cspSourceOf('com.example.app://cb')).toBe('com.example.app:');
    expect(cspSourceOf('http://127.0.0.1:51234/cb')).toBe('http://127.0.0.1:51234');
    expect(cspSourceOf('http://[::1]:51234/cb')).toBe('http:');
  });

  it.each(['myapp:/cb', 'javascript:alert(1)', 'data:text/html,x'])('gives none for %j', (uri) => {
    expect(cspSourceOf(uri)).toBeNull();
  });
});
