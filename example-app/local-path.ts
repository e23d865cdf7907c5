const PROBE_ORIGIN = 'http://forum.invalid';

/**
 * `next` after login, only when it stays on this site (A7: no open redirect): a path with one
 * leading slash. `//host` and `/\host` are other hosts to a browser, and browsers drop tabs and
 * newlines from URLs, so `/\t/host` is one too. Anything else becomes `/`.
 */
export function localPathOrRoot(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/')) return '/';
  if (value.startsWith('//') || value.startsWith('/\\') || /[\x00-\x1f\x7f]/.test(value)) return '/';
  try {
    return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN ? value : '/';
  } catch {
    return '/';
  }
}
