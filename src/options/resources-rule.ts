import { z } from 'zod';
import { isResourceIdentifier, metadataPathOf } from '../resources/identifier';
import { LOOPBACK_HOSTS } from '../loopback';

/** Plain http only on the loopback interface, as for native apps' redirect URIs. */
function isSecureOrLoopback(identifier: string): boolean {
  const url = new URL(identifier);
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/**
 * `resources`' rule. An identifier is compared by exact string (at `/authorize`, `/token` and in
 * `requireScope`), so only a plain absolute URL is taken; its metadata path must be its own.
 */
export const resourcesSchema = z.array(z.strictObject({
  identifier: z.string().max(2000)
    .refine(isResourceIdentifier, 'an absolute URL without a fragment')
    .refine((id) => !isResourceIdentifier(id) || isSecureOrLoopback(id), 'https (http only on localhost, 127.0.0.1 or [::1])')
    // RFC 8707 §2 advises against a query; without one the metadata path is the identifier's path.
    .refine((id) => !id.includes('?'), 'no query'),
  scopes: z.array(z.string().min(1)).optional(),
  documentation: z.url({ protocol: /^https?$/ }).optional(),
  resourceServers: z.array(z.string().min(1).max(200)).max(100).optional(),
}))
  .refine((list) => new Set(list.map((r) => r.identifier)).size === list.length, 'each identifier once')
  .refine((list) => {
    const paths = list.filter((r) => isResourceIdentifier(r.identifier)).map((r) => metadataPathOf(r.identifier));
    return new Set(paths).size === paths.length;
  }, 'two resources would share one metadata path (/.well-known/oauth-protected-resource/…): give them different paths');
