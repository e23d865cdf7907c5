import { z } from 'zod';
import { OAuthError } from '../errors';
import { ValidationError } from '../errors';
import { parseName } from '../services/fields';
import { parseRedirectUris } from '../services/redirect-uris';
import { parseClientScopes } from '../services/clients/input';
import type { TokenEndpointAuthMethod } from '../storage/records';

/** What a registration (or an RFC 7592 update) asks for, checked and in the record's terms. */
export interface ClientMetadata {
  name: string;
  redirectUris: string[];
  scopes: string[];
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Sent with an update (RFC 7592 §2.2); absent from a registration. */
  clientId: string | undefined;
  clientSecret: string | undefined;
}

/** What a client may ask of this provider; anything else is refused, never silently granted less. */
export const GRANT_TYPES = ['authorization_code', 'refresh_token'] as const;
export const RESPONSE_TYPES = ['code'] as const;
export const AUTH_METHODS = ['none', 'client_secret_basic', 'client_secret_post'] as const;

const MAX_URL = 2000;
const MAX_TEXT = 200;

/**
 * The informational URLs and contacts of RFC 7591 §2 are checked, then not kept: the consent page
 * would show an unreviewed logo or link under the site's name, which is a phishing aid.
 */
const httpsUrl = z.string().max(MAX_URL, `must be at most ${MAX_URL} characters`)
  .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:' && !/[\s\p{Cc}]/u.test(value), 'must be an https URL');
const text = z.string().max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);

// Unknown fields are dropped (RFC 7591 §2: "MUST ignore any client metadata … it does not understand").
const schema = z.object({
  client_name: z.string({ error: 'is required: the name the consent page shows' }),
  redirect_uris: z.array(z.string(), { error: 'must be a list of strings' }),
  token_endpoint_auth_method: z.enum(AUTH_METHODS, { error: `must be one of ${AUTH_METHODS.join(', ')}` }).default('client_secret_basic'),
  grant_types: z.array(z.enum(GRANT_TYPES, { error: `this provider registers only ${GRANT_TYPES.join(' and ')}` }))
    .refine((list) => list.includes('authorization_code'), 'must include authorization_code (the only response type is code)').optional(),
  response_types: z.array(z.enum(RESPONSE_TYPES, { error: 'this provider registers only code' })).optional(),
  scope: z.string().max(1000, 'must be at most 1000 characters').optional(),
  client_uri: httpsUrl.optional(),
  logo_uri: httpsUrl.optional(),
  tos_uri: httpsUrl.optional(),
  policy_uri: httpsUrl.optional(),
  contacts: z.array(z.string().max(254, 'each must be at most 254 characters')).max(10, 'at most 10').optional(),
  software_id: text.optional(),
  software_version: text.optional(),
  client_id: text.optional(),
  client_secret: text.optional(),
});

export interface MetadataRules {
  scopes: readonly string[];
  defaultScopes: readonly string[] | null;
  maxRedirectUris: number;
}

/** Throws a 400 `invalid_client_metadata` or `invalid_redirect_uri` naming the field and the rule. */
export function parseClientMetadata(body: unknown, rules: MetadataRules): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw metadataError('invalid_client_metadata', 'The body must be a JSON object of client metadata (Content-Type: application/json).');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = String(issue.path[0] ?? '(body)');
    throw metadataError(field === 'redirect_uris' ? 'invalid_redirect_uri' : 'invalid_client_metadata', `${field}: ${issue.message}.`);
  }
  const data = parsed.data;
  try {
    // A public client (a native app or an agent) may register private-use schemes (RFC 8252).
    const redirectUris = parseRedirectUris(data.redirect_uris, rules.maxRedirectUris, { isPublic: data.token_endpoint_auth_method === 'none' });
    return {
      name: parseName(data.client_name, 'client_name'),
      redirectUris,
      scopes: parseClientScopes(data.scope, rules),
      tokenEndpointAuthMethod: data.token_endpoint_auth_method,
      clientId: data.client_id,
      clientSecret: data.client_secret,
    };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    // The shared parsers name the apps tab's fields; a registering client knows RFC 7591's.
    const message = err.message.replace(/^redirectUris:/, 'redirect_uris:').replace(/^scopes:/, 'scope:');
    throw metadataError(err.code === 'invalid_redirect_uri' ? 'invalid_redirect_uri' : 'invalid_client_metadata', message);
  }
}

function metadataError(error: 'invalid_client_metadata' | 'invalid_redirect_uri', description: string): OAuthError {
  return new OAuthError(400, error, description);
}
