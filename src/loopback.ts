/**
 * The user's own device (RFC 8252 §7.3, §8.3), as URL's `hostname` gives it: the only hosts plain
 * http may name, in native apps' redirect URIs and in resources served on a developer's machine.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);
