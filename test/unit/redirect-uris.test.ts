import { ValidationError } from '../../src/errors';
import { cspSourceOf, parseRedirectUris } from '../../src/services/redirect-uris';

const HTTPS_ONLY = 'must use https (http is allowed only for localhost, 127.0.0.1 and [::1])';
const PLAIN_HOST = 'must have a plain host name (letters, digits, dots and dashes) and an optional numeric port';

/** The ValidationError parseRedirectUris throws for this input (fails the test if it does not throw). */
function errorFor(input: string[] | string, max = 3): ValidationError {
  try {
    parseRedirectUris(input, max);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return err as ValidationError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

describe('parseRedirectUris', () => {
  describe('A11: registration rejects unsafe redirect URIs', () => {
    it.each([
      ['javascript:alert(1)', HTTPS_ONLY],
      ['https://c.example/cb#x', 'must not contain a fragment (#)'],
      ['http://c.example/cb', HTTPS_ONLY],
      ['https://*.c.example/cb', 'must not contain a wildcard (*)'],
      ['/relative', 'must be an absolute URL (https://host/path)'],
      ['https://c.example/cb\n', 'must not contain whitespace or control characters'],
    ])('rejects %j with invalid_redirect_uri', (uri, rule) => {
      const err = errorFor([uri]);
      expect(err.code).toBe('invalid_redirect_uri');
      expect(err.field).toBe('redirectUris');
      expect(err.message).toBe(`redirectUris: ${JSON.stringify(uri)} ${rule}.`);
    });

    it.each(['http://127.0.0.1:8080/cb', 'http://localhost/cb', 'http://[::1]:8080/cb', 'https://client.example/cb?tenant=1'])(
      'accepts %s',
      (uri) => {
        expect(parseRedirectUris(uri, 3)).toEqual([uri]);
      },
    );
  });

  it.each([
    ['data:text/html,hi', HTTPS_ONLY],
    ['ftp://c.example/cb', HTTPS_ONLY],
    ['//c.example/cb', 'must be an absolute URL (https://host/path)'],
    ['c.example/cb', 'must be an absolute URL (https://host/path)'],
    ['https:c.example/cb', 'must be an absolute URL with a host (https://host/path)'],
    ['https:///c.example/cb', 'must be an absolute URL with a host (https://host/path)'],
    ['https://user:pw@c.example/cb', 'must not contain user information (user@host)'],
    ['https://@c.example/cb', 'must not contain user information (user@host)'],
    ['https://c.example/c b', 'must not contain whitespace or control characters'],
    ['https://c.example/cb\t', 'must not contain whitespace or control characters'],
    ['https://c.example/\u0000cb', 'must not contain whitespace or control characters'],
    ['https://c.example/caf\u00e9', 'must contain only ASCII characters (percent-encode the path, punycode the host)'],
    ['https:\\\\c.example/cb', 'must not contain a backslash'],
    ['https://c.example:99999/cb', 'is not a valid URL'],
    ['http://localhost.evil.example/cb', HTTPS_ONLY],
    ['http://127.1/cb', HTTPS_ONLY],
    ['http://127.0.0.1:*/cb', 'must not contain a wildcard (*)'],
    // The browser's host here is evil.example; the "://real.example" further on is only path.
    ['https:evil.example/x://real.example/cb', 'must be an absolute URL with a host (https://host/path)'],
    // The consent page's CSP names the host: none of these may reach a header.
    ['https://c.example;sandbox/cb', PLAIN_HOST],
    ['https://c.example;base-uri;x/cb', PLAIN_HOST],
    ['https://c.example,x/cb', PLAIN_HOST],
    ['https://c"x.example/cb', PLAIN_HOST],
    ['https://c_x.example/cb', PLAIN_HOST],
    ['https://%63.example/cb', PLAIN_HOST],
    ['https://C.example./cb', PLAIN_HOST],
    ['https://[::0:1]/cb', PLAIN_HOST],
  ])('rejects %j', (uri, rule) => {
    const err = errorFor([uri]);
    expect(err.code).toBe('invalid_redirect_uri');
    expect(err.message).toBe(`redirectUris: ${JSON.stringify(uri)} ${rule}.`);
  });

  it('splits a comma-separated string, trims the spaces around items and keeps the order', () => {
    expect(parseRedirectUris(' https://a.example/cb , http://localhost:3000/cb', 3)).toEqual([
      'https://a.example/cb',
      'http://localhost:3000/cb',
    ]);
  });

  it('takes a list as it is, without splitting an item at a comma', () => {
    expect(parseRedirectUris(['https://a.example/cb?x=1,2'], 3)).toEqual(['https://a.example/cb?x=1,2']);
  });

  it('removes duplicates before counting them against the maximum', () => {
    const uri = 'https://a.example/cb';
    expect(parseRedirectUris([uri, uri, uri, uri], 1)).toEqual([uri]);
  });

  it('requires at least one redirect URI', () => {
    for (const input of ['', ' , ', [], ['']]) {
      const err = errorFor(input);
      expect(err.code).toBe('invalid_redirect_uri');
      expect(err.message).toBe('redirectUris: at least one redirect URI is required.');
    }
  });

  it('refuses more redirect URIs than the maximum', () => {
    const err = errorFor('https://a.example/1,https://a.example/2,https://a.example/3,https://a.example/4', 3);
    expect(err.code).toBe('invalid_redirect_uri');
    expect(err.message).toBe('redirectUris: at most 3 redirect URIs may be registered (got 4).');
  });

  it('refuses input that is neither a string nor a list of strings', () => {
    const err = errorFor([42] as unknown as string[]);
    expect(err.message).toBe('redirectUris: must be a string of comma-separated URIs or a list of strings.');
  });

  it('refuses a URI longer than 2000 characters and shortens it in the message', () => {
    const err = errorFor(`https://a.example/${'a'.repeat(2000)}`);
    expect(err.message).toBe(`redirectUris: ${JSON.stringify(`https://a.example/${'a'.repeat(82)}...`)} is longer than 2000 characters.`);
  });

  it('rejects the whole list when one URI is bad', () => {
    const err = errorFor(['https://good.example/cb', 'http://bad.example/cb']);
    expect(err.message).toContain('"http://bad.example/cb"');
  });

  it.each(['https://C.Example:8443/cb?x=1', 'https://[::1]/cb', 'http://127.0.0.1:8080/cb', 'https://xn--caf-dma.example/cb'])(
    'accepts the plain host of %s', (uri) => {
      expect(parseRedirectUris(uri, 3)).toEqual([uri]);
    },
  );
});

describe('cspSourceOf', () => {
  it('gives scheme, host and port from the parsed URL', () => {
    expect(cspSourceOf('https://C.Example:8443/cb?x=1')).toBe('https://c.example:8443');
    expect(cspSourceOf('https://c.example:443/cb')).toBe('https://c.example');
  });

  it('gives an IPv6 literal as a scheme-source: CSP3 host-sources have no bracketed IPv6, and Chromium drops them', () => {
    expect(cspSourceOf('http://[::1]:3000/cb')).toBe('http:');
    expect(cspSourceOf('https://[2001:db8::1]/cb')).toBe('https:');
  });

  it.each([
    'https://c.example;sandbox/cb', "https://c.example'/cb", 'https://c_x.example/cb', 'javascript:alert(1)',
    'data:text/html,x', 'not a url', 'https://c.example /cb',
  ])('refuses %j', (uri) => {
    expect(cspSourceOf(uri)).toBeNull();
  });
});
