/**
 * The TokenStore contract, RFC 8707 resource indicators: the `resources` of consent transactions,
 * codes, grants, access and refresh tokens come back exactly as saved (empty too), a token's
 * resources may differ from its grant's, and a grant keeps the ones it was first saved with.
 */
import { describe, expect, it } from '@jest/globals';
import { makeAccessToken, makeAuthorizationRequest, makeCode, makeGrant, makeRefreshToken } from '../fixtures';
import type { ContractSuite } from './support';

const API = 'https://forum.example/api';
const FILES = 'https://files.forum.example/';

/** Empty (no audience), one, several, and URIs with a query and text that needs escaping. */
const SHAPES: Array<[string, string[]]> = [
  ['none', []],
  ['one', [API]],
  ['several', [API, FILES]],
  ['with a query and escaping', ['https://forum.example/api?v=2&x="y"', 'http://127.0.0.1:8080/\u00e9,]']],
];

export function resourceTests({ store, savedGrant }: ContractSuite): void {
  describe('resource indicators (resources)', () => {
    it.each(SHAPES)('keeps them on an authorization request: %s', async (_shape, resources) => {
      const request = makeAuthorizationRequest({ resources });
      await store.saveAuthorizationRequest(request);
      expect(await store.getAuthorizationRequest(request.id)).toEqual(request);
    });

    it.each(SHAPES)('keeps them on a code, found before and after it is consumed: %s', async (_shape, resources) => {
      const code = makeCode(makeGrant(), { resources });
      await store.saveCode(code);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: false });
      expect(await store.consumeCode(code.grantId, code.hash)).toBe(true);
      expect(await store.findCode(code.grantId, code.hash)).toEqual({ record: code, used: true });
    });

    it.each(SHAPES)('keeps them on a grant and its tokens: %s', async (_shape, resources) => {
      const { grant, access, refresh } = await savedGrant({ resources });
      expect(await store.getGrant(grant.id)).toEqual(grant);
      expect(await store.listGrants({ userId: grant.userId! })).toEqual([grant]);
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
      expect(await store.consumeRefreshToken(grant.id, refresh.hash)).toBe(true);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: true });
    });

    it('keeps a grant saved before its tokens with its resources', async () => {
      const grant = makeGrant({ resources: [API, FILES] });
      expect(await store.saveGrant(grant)).toBe(true);
      expect(await store.getGrant(grant.id)).toEqual(grant);
    });

    it('keeps an access token narrowed to fewer resources than its grant, or to none, and scopes alike', async () => {
      const { grant } = await savedGrant({ resources: [API, FILES] });
      const narrowed = makeAccessToken(grant, { resources: [FILES] });
      const unbound = makeAccessToken(grant, { resources: [] });
      const lessScope = makeAccessToken(grant, { resources: [API], scopes: ['read'] });
      for (const access of [narrowed, unbound, lessScope]) {
        expect(await store.saveTokens(grant, access, makeRefreshToken(grant))).toBe(true);
        expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      }
    });

    it('keeps resources on the tokens of a grant that has none (narrowing an unbound grant)', async () => {
      const { grant } = await savedGrant({ resources: [] });
      const access = makeAccessToken(grant, { resources: [API] });
      const refresh = makeRefreshToken(grant, { resources: [API] });
      expect(await store.saveTokens(grant, access, refresh)).toBe(true);
      expect(await store.getAccessToken(grant.id, access.hash)).toEqual(access);
      expect(await store.findRefreshToken(grant.id, refresh.hash)).toEqual({ record: refresh, used: false });
    });

    it('keeps the first resources when saveTokens meets an existing grant with others', async () => {
      const { grant } = await savedGrant({ resources: [API] });
      const again = { ...grant, resources: [API, FILES] };
      expect(await store.saveTokens(again, makeAccessToken(grant), makeRefreshToken(grant))).toBe(true);
      expect((await store.getGrant(grant.id))?.resources).toEqual([API]);
    });

    it('is not changed by mutating the resources of a record passed in or read back', async () => {
      const { grant, access } = await savedGrant({ resources: [API] });
      access.resources.push('https://evil.example/');
      grant.resources.push('https://evil.example/');
      (await store.getAccessToken(grant.id, access.hash))!.resources.push('https://evil.example/');
      expect((await store.getAccessToken(grant.id, access.hash))?.resources).toEqual([API]);
      expect((await store.getGrant(grant.id))?.resources).toEqual([API]);
    });
  });
}
