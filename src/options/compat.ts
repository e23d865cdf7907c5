/** Switches for the client dialects of docs/client-dialects.md; each names the guides that need it. */
export interface CompatibilityOptions {
  /** 001: resource requests with `Authorization: <token>` and no scheme. */
  bareTokenAuthorization?: boolean;
  /**
   * 001: `response_type=token` redirects with an access token (no refresh token), in the URL
   * fragment (RFC 6749 §4.2) or, as guide 001 has its server read it, in the query. Deprecated
   * by OAuth 2.1 and RFC 9700 (the token shows up in history, logs and Referer headers).
   */
  implicitGrant?: false | 'fragment' | 'query';
  /** 003: `grand_type` accepted as a spelling of `grant_type`; with it, a refresh may carry the refresh token in `code`. */
  grandType?: boolean;
  /** 000, 004: confidential clients keep their refresh token (no rotation). Public clients always rotate. */
  refreshWithoutRotation?: boolean;
  /** 000: an authorization request without `response_type` is taken as `code`. */
  defaultResponseTypeCode?: boolean;
  /** 000, 002, 003: an authenticated confidential client may leave out `redirect_uri` at the token endpoint. */
  optionalRedirectUriAtToken?: boolean;
  /**
   * 004 (pyimgur): when the body carries both `client_id` and `client_secret`, an `Authorization:
   * Client-ID <that client_id>` or `Authorization: Bearer …` header (pyimgur sends one on every
   * request) is not client authentication and is ignored at the token endpoint. Basic beside a
   * body secret stays an error.
   */
  ignoreAuthorizationWithBodySecret?: boolean;
}
