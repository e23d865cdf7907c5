import type { ResolvedOpenId } from '../options';
import type { ConsentContext } from '../pages/types';
import type { OpenIdAuthentication } from '../storage/records';
import { releasedClaims } from './user-claims';

/** How the consent page names a claim; others by their own name. */
const LABELS: Readonly<Record<string, string>> = {
  preferred_username: 'Username', name: 'Name', given_name: 'Given name', family_name: 'Family name', middle_name: 'Middle name',
  nickname: 'Nickname', email: 'Email address', phone_number: 'Phone number', address: 'Postal address', picture: 'Profile picture',
  profile: 'Profile page', website: 'Website', gender: 'Gender', birthdate: 'Birthdate', zoneinfo: 'Time zone', locale: 'Language',
};
/** Shown with the claim they qualify, or not at all. */
const QUALIFIERS = new Set(['email_verified', 'phone_number_verified', 'updated_at']);

function display(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null && typeof (value as { formatted?: unknown }).formatted === 'string') {
    return (value as { formatted: string }).formatted;
  }
  return JSON.stringify(value);
}

/**
 * What the app will learn about the user, with the values it will see (the same release as the ID
 * token and userinfo): "Email address: alice@example.com (verified)". The user consents to facts,
 * not to scope names.
 */
export async function consentClaims(openid: ResolvedOpenId, userId: string, clientId: string, scopes: readonly string[],
  requested: OpenIdAuthentication['claims']): Promise<ConsentContext['claims']> {
  const named = [...new Set([...(requested?.idToken ?? []), ...(requested?.userinfo ?? [])])];
  const claims = await releasedClaims(openid, userId, clientId, scopes, named);
  if (!claims) return [];
  return Object.entries(claims).filter(([name]) => !QUALIFIERS.has(name)).map(([name, value]) => {
    const verified = name === 'email' || name === 'phone_number' ? claims[`${name}_verified`] : undefined;
    return {
      name,
      description: LABELS[name] ?? name,
      value: `${display(value)}${verified === true ? ' (verified)' : verified === false ? ' (not verified)' : ''}`,
    };
  });
}
