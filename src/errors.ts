/**
 * Errors shaped like the wire format (RFC 6749 §5.2): `status`, `error`, `error_description`.
 * Protocol errors are `OAuthError`s; a wrong option or a bad argument to a service method is a
 * `ConfigurationError` / `ValidationError`, raised to the site's code and never sent to a client.
 */
export class OAuthError extends Error {
  override readonly name: string = 'OAuthError';
  readonly status: number;
  readonly error: string;
  /** Headers the response must carry (WWW-Authenticate, Retry-After). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, error: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.status = status;
    this.error = error;
    this.headers = headers;
  }

  toJSON(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.message };
  }
}

export const invalidRequest = (description: string) => new OAuthError(400, 'invalid_request', description);
export const invalidGrant = (description: string) => new OAuthError(400, 'invalid_grant', description);
export const unauthorizedClient = (description: string) => new OAuthError(400, 'unauthorized_client', description);
export const invalidScope = (description: string) => new OAuthError(400, 'invalid_scope', description);
/** RFC 8707 §2: a `resource` that is malformed, unknown, or more than the client may have. */
export const invalidTarget = (description: string) => new OAuthError(400, 'invalid_target', description);
export const unsupportedGrantType = (description: string) => new OAuthError(400, 'unsupported_grant_type', description);
export const unsupportedResponseType = (description: string) => new OAuthError(400, 'unsupported_response_type', description);
/** RFC 9449 §5: the token request's DPoP proof is missing, malformed, replayed or for another request. */
export const invalidDpopProof = (description: string) => new OAuthError(400, 'invalid_dpop_proof', description);
export const invalidClient = (description: string, basicRealm?: string) =>
  new OAuthError(401, 'invalid_client', description, basicRealm ? { 'WWW-Authenticate': `Basic realm="${basicRealm}"` } : {});

/** A store did not answer: the client must retry later and keep its tokens (RFC 7009 §2.2.1). */
export const RETRY_AFTER_SECONDS = 5;
export const temporarilyUnavailable = () =>
  new OAuthError(503, 'temporarily_unavailable', 'The service is temporarily unavailable; try again shortly.', {
    'Retry-After': String(RETRY_AFTER_SECONDS),
  });

/** An option of createOAuthProvider() is wrong: thrown at start-up, naming the option. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

/** A service method (clients.request, tokens.issuePersonal, ...) got bad input; `code` is stable. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  readonly code: string;
  readonly field: string | undefined;

  constructor(code: string, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}

/** A service method was given the id of something that does not exist. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/**
 * Turns anything thrown while serving a request into an OAuthError that is safe to send: a
 * protocol error as it is; anything else means a store (or a site hook) failed, which is a 503
 * with a generic text (IO-12: never `connect ECONNREFUSED ...`), reported to the site.
 */
export function toOAuthError(err: unknown, reportFailure?: (err: unknown) => void): OAuthError {
  if (err instanceof OAuthError) return err;
  reportFailure?.(err);
  return temporarilyUnavailable();
}
