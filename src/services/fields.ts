import { ValidationError } from '../errors';
import { parseScopeList } from '../scope';

/**
 * Field checks shared by the site-owner services. Each throws a ValidationError whose `code` is
 * stable and whose message starts with the field's name, so a site can show it next to the input.
 */

/** A label shown to users (app name, token name): trimmed, 1-100 characters, one line. */
export function parseName(value: unknown, field = 'name'): string {
  if (typeof value !== 'string') throw new ValidationError('invalid_name', `${field}: is required and must be a string.`, field);
  const name = value.trim();
  if (name === '') throw new ValidationError('invalid_name', `${field}: is required.`, field);
  if ([...name].length > 100) throw new ValidationError('invalid_name', `${field}: must be at most 100 characters.`, field);
  // The name is printed on the consent page: a control character could fake a second line there.
  if (/\p{Cc}/u.test(name)) throw new ValidationError('invalid_name', `${field}: must not contain control characters or line breaks.`, field);
  return name;
}

/** Free text (line breaks allowed): trimmed, at most 1000 characters; absent means empty. */
export function parseDescription(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ValidationError('invalid_description', 'description: must be a string.', 'description');
  const description = value.trim();
  if ([...description].length > 1000) {
    throw new ValidationError('invalid_description', 'description: must be at most 1000 characters.', 'description');
  }
  return description;
}

/**
 * Scopes as a list or a space/comma-separated string (the source documents use both). Every one
 * must be a scope the site defines; duplicates are dropped, order kept. At least one is required.
 */
export function parseScopes(value: unknown, known: readonly string[], field = 'scopes'): string[] {
  let scopes: string[];
  if (typeof value === 'string') scopes = parseScopeList(value);
  else if (Array.isArray(value) && value.every((item): item is string => typeof item === 'string')) scopes = parseScopeList(value.join(' '));
  else throw new ValidationError('invalid_scope', `${field}: must be a list of scope names or a space- or comma-separated string.`, field);

  if (scopes.length === 0) throw new ValidationError('invalid_scope', `${field}: at least one scope is required.`, field);
  const unknown = scopes.filter((scope) => !known.includes(scope));
  if (unknown.length > 0) {
    const shown = unknown.slice(0, 5).map((scope) => JSON.stringify(scope.slice(0, 50))).join(', ');
    throw new ValidationError('invalid_scope', `${field}: unknown scope ${shown}; valid scopes are: ${known.join(', ')}.`, field);
  }
  return scopes;
}
