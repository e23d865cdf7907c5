// oidc-provider ships no types; the bench only calls a few members.
declare module 'oidc-provider';
