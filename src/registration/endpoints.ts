import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { secretMatchesHash } from '../crypto';
import { OAuthError, toOAuthError } from '../errors';
import { createBearerChallenge } from '../answers/bearer-challenge';
import { noStore, sendOAuthError } from '../answers/json-error';
import { clientIp } from '../limits/client-ip';
import { Counter } from '../limits/counter';
import type { ResolvedRegistration } from '../options/registration';
import type { ProviderContext } from '../provider-context';
import type { ClientRecord } from '../storage/records';
import { bearerToken } from '../http/authorization-header';
import { authenticateRegistration, CredentialsRequired, isInitialAccessToken, unauthorized } from './access-token';
import { parseClientMetadata, type ClientMetadata } from './client-metadata';
import { registrationLifecycle } from './lifecycle';

/** Five redirect URIs of 2000 characters fit; a flood of larger bodies is refused before it is read. */
const parseMetadataJson = express.json({ limit: '32kb', strict: true });

/**
 * `POST /register` (RFC 7591) and `GET/PUT/DELETE /register/:client_id` (RFC 7592), mounted only
 * when the site chose a registration policy.
 */
export function mountRegistration(router: Router, context: ProviderContext, settings: ResolvedRegistration): void {
  const lifecycle = registrationLifecycle(context, settings);
  const rules = { scopes: [...context.scopes.keys()], defaultScopes: context.defaultScopes, maxRedirectUris: context.maxRedirectUris };
  // Registration stores a record for an unauthenticated caller: counted per address, in the site's limiter store when it has one.
  const shared = context.rateLimit === false ? null : context.rateLimit;
  const perIp = new Counter({
    name: 'registration', points: settings.perIpPerHour, windowSeconds: 3600, keyPrefix: shared?.keyPrefix ?? 'oauth:rl:', redis: shared?.redis ?? null,
  });

  router.post('/register', parseMetadataJson, answer(context, async (req, res) => {
    if (settings.policy === 'initial-access-token' && !isInitialAccessToken(bearerToken(req.headers.authorization), settings.initialAccessTokenHashes)) {
      throw unauthorized('Registration here needs an initial access token from the site (Authorization: Bearer …).', context.realm, req.headers.authorization);
    }
    const metadata = parseClientMetadata(req.body, rules);
    await perIp.take([clientIp(req)]);
    res.status(201).json(await lifecycle.register(metadata));
  }));

  const configuration = '/register/:client_id';
  router.get(configuration, answer(context, async (req, res) => {
    const client = await authenticated(req, context);
    res.json(lifecycle.read(client, bearerToken(req.headers.authorization)!));
  }));
  router.put(configuration, parseMetadataJson, answer(context, async (req, res) => {
    const client = await authenticated(req, context);
    const metadata = parseClientMetadata(req.body, rules);
    refuseUnsupportedUpdate(client, metadata);
    res.json(await lifecycle.update(client, metadata));
  }));
  router.delete(configuration, answer(context, async (req, res) => {
    await lifecycle.remove(await authenticated(req, context));
    res.status(204).end();
  }));
  router.all('/register', methodNotAllowed('POST'));
  router.all(configuration, methodNotAllowed('GET, PUT, DELETE'));
}

function authenticated(req: Request, context: ProviderContext): Promise<ClientRecord> {
  return authenticateRegistration(context.store.clients, String(req.params.client_id), req.headers.authorization, context.realm);
}

/**
 * RFC 7592 §2.2: the request names the client, and a secret it sends must be its own. Switching
 * between public and confidential is refused: the new secret would reach the admin approving it,
 * not the client; such a client registers again.
 */
function refuseUnsupportedUpdate(client: ClientRecord, metadata: ClientMetadata): void {
  if (metadata.clientId !== client.id) throw metadataError('client_id: must be sent and be this client\'s id.');
  if (metadata.clientSecret !== undefined && (client.secretHash === null || !secretMatchesHash(metadata.clientSecret, client.secretHash))) {
    throw metadataError('client_secret: does not match this client\'s secret.');
  }
  if ((metadata.tokenEndpointAuthMethod === 'none') !== client.isPublic) {
    throw metadataError(`token_endpoint_auth_method: this client is ${client.isPublic ? 'public (none)' : 'confidential'}; register a new client to change that.`);
  }
}

const metadataError = (description: string) => new OAuthError(400, 'invalid_client_metadata', description);

/** Every answer is JSON and never cached; a store failure is a 503 without its details. */
function answer(context: ProviderContext, handle: (req: Request, res: Response) => Promise<void>): RequestHandler {
  const challenge = createBearerChallenge(context.realm);
  return async function registrationEndpoint(req, res) {
    noStore(res);
    try {
      await handle(req, res);
    } catch (err) {
      if (err instanceof CredentialsRequired) challenge(res, 401, null, err.message);
      else sendOAuthError(res, toOAuthError(err, context.reportFailure));
    }
  };
}

function methodNotAllowed(allow: string): RequestHandler {
  return function registrationMethodNotAllowed(_req, res) {
    res.setHeader('Allow', allow);
    sendOAuthError(res, new OAuthError(405, 'invalid_request', `Use ${allow}.`));
  };
}
