import { invalidRequest, invalidTarget } from '../errors';
import { MAX_PARAMETER_LENGTH } from '../params';
import { isAbsoluteUri } from './identifier';
import type { ResourceRegistry } from './registry';

/** More than any client needs (one per API it calls); bounds what a request can make us store. */
const MAX_RESOURCES = 10;

/**
 * Takes `resource` out of a parsed query or body (RFC 8707 §2 lets it repeat, which every other
 * parameter may not), so that the rest can go through `singleValuedParams`. `values` holds what
 * was sent, unchecked: a string, or a list for a repeated parameter (or a JSON array).
 */
export function takeResourceParam<T>(source: T): { values: unknown; rest: T } {
  if (source === null || typeof source !== 'object' || Array.isArray(source) || !('resource' in source)) {
    return { values: undefined, rest: source };
  }
  const { resource: values, ...rest } = source as Record<string, unknown>;
  return { values, rest: rest as T };
}

/**
 * The resources a request names, each once, in the order sent: every one must be an absolute URI
 * with no fragment and one of the site's registered resources, else `invalid_target`. Nothing sent
 * (or only empty values) is no resource at all: the token then has no audience.
 */
export function parseResourceParam(values: unknown, options: Pick<ResourceRegistry, 'resources'>): string[] {
  if (values === undefined || values === null) return [];
  const list = Array.isArray(values) ? values : [values];
  if (list.some((v) => typeof v !== 'string')) throw invalidRequest('Parameter `resource` must be one or more URIs.');
  const sent = (list as string[]).filter((v) => v !== '');
  if (sent.length > MAX_RESOURCES) throw invalidRequest(`At most ${MAX_RESOURCES} \`resource\` parameters may be sent.`);
  const resources: string[] = [];
  for (const value of sent) {
    if (value.length > MAX_PARAMETER_LENGTH) throw invalidRequest('Parameter `resource` is too long.');
    if (!isAbsoluteUri(value)) throw invalidTarget('Invalid target: `resource` must be an absolute URI without a fragment (RFC 8707).');
    if (!options.resources.has(value)) throw invalidTarget(`Invalid target: ${shown(value)} is not a resource of this server.`);
    if (!resources.includes(value)) resources.push(value);
  }
  return resources;
}

/**
 * The audience of a token asked for with `requested` under a grant that authorized `authorized`
 * (RFC 8707 §2.2): every one asked for must have been authorized; asking for none gets them all.
 * A grant that named no resource was authorized for any, so it may be narrowed to any registered one.
 */
export function narrowResources(authorized: readonly string[], requested: readonly string[]): string[] {
  if (requested.length === 0) return [...authorized];
  if (authorized.length > 0) {
    const extra = requested.find((r) => !authorized.includes(r));
    if (extra !== undefined) throw invalidTarget(`Invalid target: ${shown(extra)} was not authorized for this grant.`);
  }
  return [...requested];
}

// A registered identifier is plain ASCII; anything else is not echoed.
function shown(value: string): string {
  return value.length <= 200 && /^[\x21-\x7E]+$/.test(value) ? value : 'the resource';
}
