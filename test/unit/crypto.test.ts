import { constantTimeEqual, hashSecret, mintGrantSecret, parseGrantSecret, randomClientId, randomId, randomSecret, secretMatchesHash } from '../../src/crypto';

describe('crypto', () => {
  it('mints `<grantId>.<secret>` values that parse back to their grant and stored hash', () => {
    const grantId = randomId();
    const { value, hash } = mintGrantSecret(grantId);
    expect(value.startsWith(`${grantId}.`)).toBe(true);
    expect(parseGrantSecret(value)).toEqual({ grantId, hash });
    expect(hash).toBe(hashSecret(value));
  });

  it.each([
    ['anything before the grant id', (v: string) => `x${v}`],
    ['anything after the secret', (v: string) => `${v}x`],
    ['a grant id one character short', (v: string) => v.slice(1)],
    ['a secret one character short', (v: string) => v.slice(0, -1)],
    ['a character outside base64url', (v: string) => `${v.slice(0, -1)}+`],
    ['no dot', (v: string) => v.replace('.', '_')],
  ])('refuses a value with %s without reading any store (parseGrantSecret is null)', (_label, change) => {
    expect(parseGrantSecret(change(mintGrantSecret(randomId()).value))).toBeNull();
  });

  it('draws secrets of 256 bits and ids of 128 bits in the documented alphabets', () => {
    expect(randomSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(randomClientId()).toMatch(/^[0-9a-f]{32}$/);
    expect(randomSecret()).not.toBe(randomSecret());
  });

  it('matches a presented secret against its stored hash only', () => {
    const hash = hashSecret('s3cret');
    expect(secretMatchesHash('s3cret', hash)).toBe(true);
    expect(secretMatchesHash('s3cret ', hash)).toBe(false);
    expect(secretMatchesHash('s3cret', 'short')).toBe(false);
    expect(constantTimeEqual('a', 'a')).toBe(true);
    expect(constantTimeEqual('a', 'ab')).toBe(false);
  });
});
