import OAuth2Server from '@node-oauth/oauth2-server';
import { randomId } from '../crypto';
import type { ResolvedOptions } from '../options';
import { pinLookup } from '../pin';

/**
 * `grant_type=pin` (guide 004, pyimgur's `exchange_pin`), as an extension grant of the library:
 * it handles client authentication, token generation and the response; this class only turns
 * a PIN into the user's consent. The PIN is consumed before anything is issued (single use), and
 * the tokens get a grant of their own (the PIN's lookup key is derived from the PIN itself).
 */
export function pinGrantType(options: ResolvedOptions) {
  const { tokens } = options.store;
  const invalid = () => new OAuth2Server.InvalidGrantError('Invalid grant: the PIN is invalid, expired or already used');

  return class PinGrantType extends OAuth2Server.AbstractGrantType {
    // Set by the library's constructor; its typings leave it out.
    declare model: { saveToken: (token: object, client: OAuth2Server.Client, user: object) => Promise<OAuth2Server.Token> };

    async handle(request: OAuth2Server.Request, client: OAuth2Server.Client) {
      const typed: unknown = request.body.pin;
      if (typeof typed !== 'string' || typed === '') throw new OAuth2Server.InvalidRequestError('Missing parameter: `pin`');
      const key = pinLookup(client.id, typed);
      if (!key) throw invalid();
      const found = await tokens.findCode(key.grantId, key.hash);
      if (!found || found.used || found.record.clientId !== client.id) throw invalid();
      if (!(await tokens.consumeCode(key.grantId, key.hash))) throw invalid();
      const { userId, scopes, permanent } = found.record;
      const user = { id: userId, grantId: randomId(), grantScopes: scopes, permanent };
      let token: OAuth2Server.Token;
      try {
        token = await this.model.saveToken({
          accessToken: await this.generateAccessToken(client, user, scopes),
          accessTokenExpiresAt: this.getAccessTokenExpiresAt(),
          refreshToken: await this.generateRefreshToken(client, user, scopes),
          refreshTokenExpiresAt: this.getRefreshTokenExpiresAt(),
          scope: scopes,
        }, client, user);
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
        await tokens.revokeGrant(user.grantId);
        throw invalid();
      }
      return token;
    }
  };
}
