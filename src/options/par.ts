/**
 * Pushed authorization requests (RFC 9126) at `<router>/par`. The endpoint is always served:
 * pushing is something a client chooses, and it changes nothing for clients that do not.
 */
export interface ParOptions {
  /**
   * Every client must push its authorization requests: `/authorize` then serves only a
   * `request_uri` from `/par`. A single client can be held to it with `requirePushedRequests`.
   * @default false
   */
  required?: boolean;
  /** Seconds a `request_uri` stays usable (5 to 600). @default 90 */
  lifetime?: number;
}

export interface ResolvedPar {
  required: boolean;
  lifetime: number;
}

export function resolvePar(o: ParOptions | undefined): ResolvedPar {
  return Object.freeze({ required: o?.required ?? false, lifetime: o?.lifetime ?? 90 });
}
