import type { UserProfile } from './forum-db';

/**
 * A forum user as OpenID Connect claims (Core §5.1). All of them: the package keeps only what the
 * app's scopes allow. Absent values are left out, not sent as null (§5.3.2).
 */
export function claimsOf(profile: UserProfile | null): Record<string, unknown> | null {
  if (!profile) return null;
  return {
    preferred_username: profile.username,
    name: profile.displayName ?? profile.username,
    ...(profile.email ? { email: profile.email, email_verified: profile.emailVerified } : {}),
    updated_at: Math.floor(profile.updatedAt.getTime() / 1000),
  };
}
