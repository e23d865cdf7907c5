import { memoryTokenStore } from '../../adapters/memory';
import { mintGrantSecret, parseGrantSecret, randomId } from '../../src/crypto';
import { ValidationError } from '../../src/errors';
import { createTokenService } from '../../src/services/personal-tokens';
import type { TokenStore } from '../../src/storage/token-store';

const SCOPES = ['identity', 'read', 'create'];
const DAY_MS = 24 * 3600_000;

function setup() {
  const tokens = memoryTokenStore();
  const events: Array<[string, Record<string, unknown>]> = [];
  const service = createTokenService({ tokens, scopes: SCOPES, emit: (event, payload) => events.push([event, payload]) });
  return { tokens, events, service };
}

async function expectRejected(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  const err = await promise.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect(err).toMatchObject({ code, message });
}

/** The live access token record behind a token string, or null. */
async function lookup(tokens: TokenStore, token: string) {
  const parsed = parseGrantSecret(token)!;
  return tokens.getAccessToken(parsed.grantId, parsed.hash);
}

describe('createTokenService', () => {
  afterEach(() => jest.useRealTimers());

  it('issues a personal token as a grant of kind personal with no client, valid for 90 days by default', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const { tokens, events, service } = setup();
    const issued = await service.issuePersonal('alice', { name: ' my script ', scopes: 'read,identity' });

    expect(issued).toMatchObject({ name: 'my script', scopes: ['read', 'identity'] });
    expect(issued.token).toMatch(new RegExp(`^${issued.id}\\.[A-Za-z0-9_-]{43}$`));
    expect(issued.expiresAt.getTime() - issued.createdAt.getTime()).toBe(90 * DAY_MS);
    expect(await tokens.getGrant(issued.id)).toEqual({
      id: issued.id, kind: 'personal', userId: 'alice', clientId: null, scopes: ['read', 'identity'], name: 'my script',
      createdAt: issued.createdAt, expiresAt: issued.expiresAt, openid: null, resources: [],
    });
    expect(await lookup(tokens, issued.token)).toMatchObject({ clientId: null, userId: 'alice', expiresAt: issued.expiresAt });
    expect(events).toEqual([['token.issued', { kind: 'personal', grantId: issued.id, userId: 'alice' }]]);
  });

  it('stops accepting the token once its chosen lifetime is over', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const { tokens, service } = setup();
    const { token } = await service.issuePersonal('alice', { name: 'short', scopes: ['read'], expiresIn: 60 });
    jest.advanceTimersByTime(59_000);
    expect(await lookup(tokens, token)).not.toBeNull();
    jest.advanceTimersByTime(1_000);
    expect(await lookup(tokens, token)).toBeNull();
  });

  it.each<[string, { name: string; scopes: string[] | string; expiresIn?: number }, string, string]>([
    ['a missing name', { name: '', scopes: 'read' }, 'invalid_name', 'name: is required.'],
    ['an unknown scope', { name: 'x', scopes: 'read admin' }, 'invalid_scope', 'scopes: unknown scope "admin"; valid scopes are: identity, read, create.'],
    ['no scope', { name: 'x', scopes: ' ' }, 'invalid_scope', 'scopes: at least one scope is required.'],
    ['a lifetime over one year', { name: 'x', scopes: 'read', expiresIn: 365 * 86400 + 1 }, 'invalid_expires_in',
      'expiresIn: must be a whole number of seconds from 1 to 31536000 (365 days).'],
    ['a lifetime of zero', { name: 'x', scopes: 'read', expiresIn: 0 }, 'invalid_expires_in',
      'expiresIn: must be a whole number of seconds from 1 to 31536000 (365 days).'],
  ])('rejects %s and stores nothing', async (_label, options, code, message) => {
    const { tokens, service } = setup();
    await expectRejected(service.issuePersonal('alice', options), code, message);
    expect(await tokens.listGrants({ userId: 'alice' })).toEqual([]);
  });

  it('lists only the user\'s personal tokens, newest first, without the token strings', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-01T00:00:00Z') });
    const { service } = setup();
    const first = await service.issuePersonal('alice', { name: 'first', scopes: 'read' });
    jest.advanceTimersByTime(1000);
    const second = await service.issuePersonal('alice', { name: 'second', scopes: 'read' });
    await service.issuePersonal('bob', { name: 'bobs', scopes: 'read' });

    const listed = await service.listPersonal('alice');
    expect(listed.map((t) => t.id)).toEqual([second.id, first.id]);
    expect(JSON.stringify(listed)).not.toContain(first.token);
    expect(listed[0]).not.toHaveProperty('token');
  });

  it('revokes by token string and by id, emitting token.revoked without the token', async () => {
    const { tokens, events, service } = setup();
    const byToken = await service.issuePersonal('alice', { name: 'a', scopes: 'read' });
    const byId = await service.issuePersonal('alice', { name: 'b', scopes: 'read' });

    expect(await service.revoke(byToken.token)).toBe(true);
    expect(await lookup(tokens, byToken.token)).toBeNull();
    expect(await service.revoke(byId.id)).toBe(true);
    expect(await lookup(tokens, byId.token)).toBeNull();
    expect(await service.revoke(byId.id)).toBe(false);
    expect(events.filter(([e]) => e === 'token.revoked')).toEqual([
      ['token.revoked', { grantId: byToken.id, userId: 'alice' }],
      ['token.revoked', { grantId: byId.id, userId: 'alice' }],
    ]);
    expect(JSON.stringify(events)).not.toContain(byToken.token);
  });

  it('refuses to revoke another user\'s token when a userId is given', async () => {
    const { tokens, service } = setup();
    const { id, token } = await service.issuePersonal('bob', { name: 'b', scopes: 'read' });
    expect(await service.revoke(token, { userId: 'alice' })).toBe(false);
    expect(await service.revoke(id, { userId: 'alice' })).toBe(false);
    expect(await lookup(tokens, token)).not.toBeNull();
  });

  it('does not revoke a grant from a forged token that only borrows its grant id', async () => {
    const { tokens, service } = setup();
    const { id, token } = await service.issuePersonal('alice', { name: 'a', scopes: 'read' });
    const forged = mintGrantSecret(id).value;
    expect(await service.revoke(forged)).toBe(false);
    expect(await lookup(tokens, token)).not.toBeNull();
  });

  it('answers false for strings that are neither a known token nor a known id', async () => {
    const { service } = setup();
    expect(await service.revoke('')).toBe(false);
    expect(await service.revoke('not a token')).toBe(false);
    expect(await service.revoke(randomId())).toBe(false);
  });
});
