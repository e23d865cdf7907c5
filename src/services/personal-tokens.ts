import { mintGrantSecret, parseGrantSecret, randomId } from '../crypto';
import { ValidationError } from '../errors';
import type { GrantRecord } from '../storage/records';
import type { TokenStore } from '../storage/token-store';
import { parseName, parseScopes } from './fields';

/** A personal access token as listed to its owner (never the token itself). */
export interface PersonalToken {
  /** The grant id: what the site passes back to `revoke`. */
  id: string;
  name: string;
  scopes: string[];
  createdAt: Date;
  expiresAt: Date;
}

export interface TokenService {
  issuePersonal(
    userId: string,
    options: { name: string; scopes: string[] | string; expiresIn?: number },
  ): Promise<PersonalToken & { token: string }>;
  listPersonal(userId: string): Promise<PersonalToken[]>;
  revoke(tokenOrGrantId: string, options?: { userId?: string }): Promise<boolean>;
}

export interface TokenServiceDeps {
  tokens: TokenStore;
  scopes: readonly string[];
  /** The provider passes its own emit, which already shields requests from a throwing listener. */
  emit?: (event: string, payload: Record<string, unknown>) => void;
}

const DAY = 24 * 60 * 60;
export const PERSONAL_TOKEN_DEFAULT_SECONDS = 90 * DAY;
/** A personal token has no refresh: a cap keeps a leaked one from working forever. */
export const PERSONAL_TOKEN_MAX_SECONDS = 365 * DAY;

/** Personal access tokens (source 001: tokens a user or admin creates without any client app). */
export function createTokenService(deps: TokenServiceDeps): TokenService {
  const { tokens } = deps;

  return {
    async issuePersonal(userId, options) {
      if (typeof userId !== 'string' || userId === '') {
        throw new ValidationError('invalid_user_id', 'userId: must be a non-empty string.', 'userId');
      }
      const name = parseName(options.name);
      const scopes = parseScopes(options.scopes, deps.scopes);
      const expiresIn = parseExpiresIn(options.expiresIn);

      const grantId = randomId();
      const { value, hash } = mintGrantSecret(grantId);
      const createdAt = new Date(Date.now());
      const expiresAt = new Date(createdAt.getTime() + expiresIn * 1000);
      const grant: GrantRecord = { id: grantId, kind: 'personal', userId, clientId: null, scopes, name, createdAt, expiresAt, openid: null, resources: [] };
      // A personal token is the user's own key to every API of the site: it has no audience.
      const saved = await tokens.saveTokens(grant, { hash, grantId, clientId: null, userId, scopes, resources: [], expiresAt }, null);
      // Only a revoked grant id makes saveTokens refuse, and this id is brand new: a store bug.
      if (!saved) throw new Error('The token store refused a new personal token grant.');
      deps.emit?.('token.issued', { kind: 'personal', grantId, userId });
      return { id: grantId, name, scopes: [...scopes], createdAt, expiresAt, token: value };
    },

    async listPersonal(userId) {
      if (typeof userId !== 'string' || userId === '') return [];
      return (await tokens.listGrants({ userId }))
        .filter((grant) => grant.kind === 'personal')
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .map((grant) => ({
          id: grant.id, name: grant.name ?? '', scopes: [...grant.scopes], createdAt: grant.createdAt, expiresAt: grant.expiresAt,
        }));
    },

    async revoke(tokenOrGrantId, options = {}) {
      if (typeof tokenOrGrantId !== 'string' || tokenOrGrantId === '') return false;
      const owner = await findOwner(tokens, tokenOrGrantId);
      if (!owner) return false;
      if (options.userId !== undefined && owner.userId !== options.userId) return false;
      const revoked = await tokens.revokeGrant(owner.grantId);
      if (revoked) deps.emit?.('token.revoked', { grantId: owner.grantId, userId: owner.userId });
      return revoked;
    },
  };
}

/**
 * The grant a token string or grant id belongs to, and its user. A token string must be one the
 * store knows: its grant-id prefix is no secret, so "<grantId>.<anything>" must not revoke.
 */
async function findOwner(tokens: TokenStore, value: string): Promise<{ grantId: string; userId: string | null } | null> {
  const parsed = parseGrantSecret(value);
  if (!parsed) {
    const grant = await tokens.getGrant(value);
    return grant ? { grantId: grant.id, userId: grant.userId } : null;
  }
  const access = await tokens.getAccessToken(parsed.grantId, parsed.hash);
  if (access) return { grantId: access.grantId, userId: access.userId };
  // A rotated refresh token still names its grant; revoking it is what RFC 7009 §2.1 asks for.
  const refresh = await tokens.findRefreshToken(parsed.grantId, parsed.hash);
  return refresh ? { grantId: refresh.record.grantId, userId: refresh.record.userId } : null;
}

function parseExpiresIn(value: unknown): number {
  if (value === undefined) return PERSONAL_TOKEN_DEFAULT_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > PERSONAL_TOKEN_MAX_SECONDS) {
    throw new ValidationError(
      'invalid_expires_in',
      `expiresIn: must be a whole number of seconds from 1 to ${PERSONAL_TOKEN_MAX_SECONDS} (365 days).`,
      'expiresIn',
    );
  }
  return value;
}
