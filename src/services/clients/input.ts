import { ValidationError } from '../../errors';
import { parseScopes } from '../fields';
import type { ClientRecord } from '../../storage/records';
import type { ClientPermissions, ClientServiceDeps } from './types';

const ID_TOKEN_ALGS: readonly ClientRecord['idTokenSigningAlg'][] = ['RS256', 'ES256'];

/** No scopes chosen means the site's default scopes, never every scope. */
export function parseClientScopes(value: unknown, deps: Pick<ClientServiceDeps, 'scopes' | 'defaultScopes'>): string[] {
  const none = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
  if (!none) return parseScopes(value, deps.scopes);
  if (deps.defaultScopes === null) {
    throw new ValidationError('invalid_scope', 'scopes: choose at least one scope; this site has no default scopes.', 'scopes');
  }
  return [...deps.defaultScopes];
}

export function parseFlag(value: unknown, field: keyof ClientPermissions | 'isPublic' | 'requirePushedRequests'): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ValidationError(`invalid_${snake(field)}`, `${field}: must be true or false.`, field);
  }
  return value;
}

/** The algorithms the provider signs ID tokens with; undefined when the input leaves it alone. */
export function parseIdTokenSigningAlg(value: unknown): ClientRecord['idTokenSigningAlg'] | undefined {
  if (value === undefined) return undefined;
  if (!ID_TOKEN_ALGS.includes(value as ClientRecord['idTokenSigningAlg'])) {
    throw new ValidationError('invalid_id_token_signing_alg', `idTokenSigningAlg: must be ${ID_TOKEN_ALGS.join(' or ')}.`, 'idTokenSigningAlg');
  }
  return value as ClientRecord['idTokenSigningAlg'];
}

export function parsePermissions(input: ClientPermissions): ClientPermissions {
  const permissions: ClientPermissions = {};
  const resourceServer = parseFlag(input.resourceServer, 'resourceServer');
  const allowImplicit = parseFlag(input.allowImplicit, 'allowImplicit');
  if (resourceServer !== undefined) permissions.resourceServer = resourceServer;
  if (allowImplicit !== undefined) permissions.allowImplicit = allowImplicit;
  const allowClientCredentials = parseFlag(input.allowClientCredentials, 'allowClientCredentials');
  if (allowClientCredentials !== undefined) permissions.allowClientCredentials = allowClientCredentials;
  return permissions;
}

/** Each switch gives a client more than its users' tokens; a public client proves nothing about who calls. */
export function refuseForPublic(isPublic: boolean, permissions: ClientPermissions): void {
  for (const field of ['resourceServer', 'allowImplicit', 'allowClientCredentials'] as const) {
    if (isPublic && permissions[field] === true) {
      throw new ValidationError('public_client', `${field}: only a confidential client can have it; this one is public.`, field);
    }
  }
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
