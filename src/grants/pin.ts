import { randomId } from '../crypto';
import { invalidGrant, invalidRequest } from '../errors';
import type { ProviderContext } from '../provider-context';
import { pinLookup } from '../pin';
import { narrowResources } from '../resources/parameter';
import { issueUserTokens, mintToken } from './issue';
import type { Grant, GrantOwner, IssuedTokens } from './types';

/**
 * `grant_type=pin` (guide 004, pyimgur's `exchange_pin`): a PIN the user read off the consent
 * page stands for their consent. The library has no such grant. The PIN is consumed before
 * anything is issued (single use), and the tokens get a grant of their own (the PIN's lookup key
 * is derived from the PIN itself). The token endpoint spends a guess before this runs.
 */
export function pinGrant(options: ProviderContext): Grant {
  const { tokens } = options.store;
  const invalid = () => invalidGrant('Invalid grant: the PIN is invalid, expired or already used');

  return async ({ params, client, resources, jkt }): Promise<IssuedTokens> => {
    // find
    const typed = params.pin;
    if (typed === undefined || typed === '') throw invalidRequest('Missing parameter: `pin`');
    const key = pinLookup(client.id, typed);
    if (!key) throw invalid();
    const found = await tokens.findCode(key.grantId, key.hash);
    if (!found || found.used || found.record.clientId !== client.id) throw invalid();
    // Before the PIN is used: the client may ask again for what was authorized.
    const audience = narrowResources(found.record.resources, resources);

    // consume
    if (!(await tokens.consumeCode(key.grantId, key.hash))) throw invalid();

    // issue
    const { userId, scopes, permanent, openid } = found.record;
    const owner: GrantOwner = {
      userId, clientId: client.id, grantId: randomId(), grantScopes: scopes, permanent, openid, grantResources: found.record.resources, audience,
    };
    let issued: IssuedTokens;
    try {
      issued = await issueUserTokens(options, client, owner, scopes, mintToken(owner.grantId, options.lifetimes.accessToken),
        mintToken(owner.grantId, options.lifetimes.refreshToken), true, jkt);
    } catch (err) {
      // The PIN is used up: its grant goes too (say the user's account was closed meanwhile),
      // so that the user's list of apps does not show an authorization that issued nothing.
      await tokens.revokeGrant(key.grantId);
      throw err;
    }
    // The PIN's own grant (its lookup key) stood for this authorization until now; the tokens
    // have their grant. Retiring it also tells whether it was revoked meanwhile (the user's or
    // the client's kill switch, J2/K3): then the new grant must not survive either.
    if (!(await tokens.revokeGrant(key.grantId))) {
      await tokens.revokeGrant(owner.grantId);
      throw invalid();
    }
    return issued;
  };
}
