import { describe, expect, it } from '@jest/globals';
import { loadJose } from '../../src/keys/jose';
import { decryptPrivateKey, encryptPrivateKey } from '../../src/keys/key-encryption';
import { SECRET } from './support';

describe('private key encryption', () => {
  it('gives back the private JWK it encrypted, and shows none of it in the JWE', async () => {
    const { exportJWK, generateKeyPair } = await loadJose();
    const jwk = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const jwe = await encryptPrivateKey(jwk, SECRET);
    expect(jwe.split('.')).toHaveLength(5);
    expect(jwe).not.toContain(jwk.d);
    expect(await decryptPrivateKey(jwe, SECRET)).toEqual(jwk);
  });

  it('refuses to decrypt with another secret, or a damaged JWE, with an error that says so', async () => {
    const jwe = await encryptPrivateKey({ kty: 'EC', crv: 'P-256', x: 'x', y: 'y', d: 'd' }, SECRET);
    await expect(decryptPrivateKey(jwe, `${SECRET}!`)).rejects.toThrow('encrypted with another secret, or it is damaged');
    const damaged = jwe.slice(0, -4) + (jwe.endsWith('AAAA') ? 'BBBB' : 'AAAA');
    await expect(decryptPrivateKey(damaged, SECRET)).rejects.toThrow('could not be decrypted');
  });

  it('refuses a secret shorter than 32 characters', async () => {
    const short = 'x'.repeat(31);
    await expect(encryptPrivateKey({ kty: 'EC' }, short)).rejects.toThrow('at least 32 characters');
    await expect(decryptPrivateKey('a.b.c.d.e', short)).rejects.toThrow('at least 32 characters');
  });
});
