import { createHmac } from 'node:crypto';
import type { ResolvedOpenId } from '../options';

/**
 * The `sub` an app sees for a user: the site's user id, or with pairwise subjects a value per app
 * (OpenID Connect Core §8.1) that no two apps can match up. The sector is the client id, so one
 * app keeps one `sub` per user whichever redirect URI it uses.
 */
export function subjectFor(openid: ResolvedOpenId, userId: string, clientId: string): string {
  if (openid.subjects.type === 'public') return userId;
  return createHmac('sha256', openid.subjects.salt).update(`${clientId.length}:${clientId}${userId}`).digest('base64url');
}
