import type { RequestHandler } from 'express';
import { metadataPathOf } from './identifier';
import type { ResourceRegistry } from './registry';

/**
 * RFC 9728 §2: what a registered resource says about itself. `requireScope` reads the token from
 * the Authorization header only (never the body or the query), hence the one bearer method.
 */
export function protectedResourceMetadata(options: ResourceRegistry, identifier: string) {
  const resource = options.resources.get(identifier)!;
  return {
    resource: resource.identifier,
    authorization_servers: [options.issuer],
    scopes_supported: [...resource.scopes],
    bearer_methods_supported: ['header'],
    ...(resource.documentation === null ? {} : { resource_documentation: resource.documentation }),
  };
}

/**
 * App-level middleware serving each registered resource's metadata at its well-known path
 * (`/.well-known/oauth-protected-resource/api` for `https://forum.example/api`, RFC 9728 §3.1).
 * Mounted at the root of the app; other requests pass through.
 */
export function protectedResourceMetadataEndpoint(options: ResourceRegistry): RequestHandler {
  const documents = new Map<string, string>();
  for (const identifier of options.resources.keys()) {
    documents.set(metadataPathOf(identifier), JSON.stringify(protectedResourceMetadata(options, identifier)));
  }
  return function protectedResourceMetadata(req, res, next) {
    const document = req.method === 'GET' || req.method === 'HEAD' ? documents.get(req.path) : undefined;
    if (document === undefined) {
      next();
      return;
    }
    res.setHeader('Cache-Control', 'public, max-age=3600');
    res.type('json').send(document);
  };
}
