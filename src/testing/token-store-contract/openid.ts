/**
 * The TokenStore contract, OpenID Connect sign-ins: the `openid` of consent transactions, codes and
 * grants comes back exactly as saved (null too), and a grant keeps the one it was first saved with.
 */
import { describe, expect, it } from '@jest/globals';
import type { OpenIdAuthentication } from '../../storage/records';
import { fakeUserId, makeAccessToken, makeAuthorizationRequest, makeCode, makeGrant, makeOpenId, makeRefreshToken } from '../fixtures';
import type { ContractSuite } from './support';

/** Every shape a sign-in can take: each nullable field null on its own, empty claim lists, non-ASCII text. */
const SHAPES: Array<[string, OpenIdAuthentication | null]> = [
  ['every field set', makeOpenId()],
  ['no nonce, auth time, acr or amr', makeOpenId({ nonce: null, authTime: null, acr: null, amr: null })],
  ['no claims parameter', makeOpenId({ claims: null })],
  ['empty claim lists and amr', makeOpenId({ amr: [], claims: { idToken: [], userinfo: [] } })],
  ['text that needs escaping', makeOpenId({ nonce: 'n"\\\u00e9\u{1F600},]', acr: '["x"]', claims: { idToken: ['a,b'], userinfo: ['null'] } })],
  ['null (not an OpenID Connect request)', null],
];

export function openidTests({ store, savedGrant }: ContractSuite): void {
  describe('OpenID Connect sign-ins (openid)', () => {
    it.each(SHAPES)('keeps it on an authorization request: %s', async (_shape, openid) => {
      const request = makeAuthorizationRequest({ openid });
      await store.saveAuthorizationRequest(request);
      expect(await store.getAuthorizationRequest(request.id)).toEqual(request);
    });

    it.each(SHAPES)('keeps it on a code, found before and after it is consumed: %s', async (_shape, openid) => {
      const code = makeCode(makeGrant(), { openid });
      await store.saveCode(code);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: false });
      expect(await store.consumeCode(code.grantId, code.hash)).toBe(true);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: true });
    });

    it.each(SHAPES)('keeps it on a grant saved before its tokens, got and listed: %s', async (_shape, openid) => {
      const grant = makeGrant({ openid: openid && { ...openid, nonce: null } });
      expect(await store.saveGrant(grant)).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual(grant);
      expect(await store.listGrants({ userId: grant.userId! })).toEqual([grant]);
      expect(await store.listGrants({ clientId: grant.clientId! })).toEqual([grant]);
    });

    it('stores it on the grant saveTokens creates', async () => {
      const { grant } = await savedGrant({ openid: makeOpenId({ nonce: null }) });
      expect((await store.getGrant(grant.id))?.openid).toEqual(grant.openid);
      expect(await store.listGrants({ userId: grant.userId!, clientId: grant.clientId! })).toEqual([grant]);
    });

    it('keeps the first one when saveTokens meets an existing grant with another one, or with null', async () => {
      const first = makeOpenId({ nonce: null, acr: 'first' });
      const { grant } = await savedGrant({ openid: first });
      for (const other of [makeOpenId({ nonce: null, acr: 'second', amr: ['hwk'] }), null]) {
        const refreshed = { ...grant, openid: other };
        expect(await store.saveTokens(refreshed, makeAccessToken(grant), makeRefreshToken(grant))).toBe(true);
        expect((await store.getGrant(grant.id))?.openid).toEqual(first);
      }
      expect((await store.listGrants({ userId: grant.userId! }))[0]?.openid).toEqual(first);
    });

    it('keeps what saveGrant stored (a sign-in, or null) when the code exchange saves tokens with another', async () => {
      const signedIn = makeGrant({ userId: fakeUserId(), openid: makeOpenId({ nonce: null, authTime: 1_700_000_000 }) });
      const plain = makeGrant({ userId: fakeUserId(), openid: null });
      for (const grant of [signedIn, plain]) {
        expect(await store.saveGrant(grant)).toBe(true);
        const exchanged = { ...grant, openid: makeOpenId({ nonce: null, acr: 'later' }) };
        expect(await store.saveTokens(exchanged, makeAccessToken(grant), null)).toBe(true);
        expect(await store.getGrant(grant.id)).toEqual(grant);
        // Saving the grant again is no way around it either.
        expect(await store.saveGrant(exchanged)).toBe(true);
        expect(await store.listGrants({ userId: grant.userId! })).toEqual([grant]);
      }
    });

    it('is not changed by mutating the openid of a record passed in or read back', async () => {
      const request = makeAuthorizationRequest({ openid: makeOpenId() });
      const saved = structuredClone(request);
      await store.saveAuthorizationRequest(request);
      request.openid!.amr!.push('evil');
      request.openid!.claims!.idToken.push('evil');
      const read = await store.getAuthorizationRequest(request.id);
      read!.openid!.claims!.userinfo.push('evil');
      read!.openid!.acr = 'evil';
      expect(await store.getAuthorizationRequest(request.id)).toEqual(saved);

      const { grant } = await savedGrant({ openid: makeOpenId({ nonce: null }) });
      const expected = structuredClone(grant.openid);
      grant.openid!.amr!.push('evil');
      (await store.getGrant(grant.id))!.openid!.claims!.idToken.push('evil');
      expect((await store.getGrant(grant.id))?.openid).toEqual(expected);
    });
  });
}
