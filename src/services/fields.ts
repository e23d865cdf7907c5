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
  refuseHiddenCharacters(name, NAME_HIDDEN, 'invalid_name', field);
  return name;
}

/**
 * Characters a reader cannot see but that change what they read: controls and line separators (a
 * fake second line on the consent page), bidirectional overrides and isolates such as U+202E
 * (`Photo\u202Egpj.exe` shows as `Photoexe.jpg`), zero-width and other format characters (Cf: two
 * names that look the same), and lone surrogates.
 */
const NAME_HIDDEN = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;
/** The same for free text, where ordinary line breaks and tabs are allowed. */
const TEXT_HIDDEN = /[\p{Cf}\p{Cs}\p{Zl}\p{Zp}]|(?![\t\n\r])\p{Cc}/u;

function refuseHiddenCharacters(value: string, pattern: RegExp, code: string, field: string): void {
  const found = pattern.exec(value)?.[0];
  if (found === undefined) return;
  const codePoint = `U+${found.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
  throw new ValidationError(code, `${field}: must not contain invisible, control or text-direction characters (found ${codePoint}).`, field);
}

/** Free text (line breaks allowed): trimmed, at most 1000 characters; absent means empty. */
export function parseDescription(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') throw new ValidationError('invalid_description', 'description: must be a string.', 'description');
  const description = value.trim();
  if ([...description].length > 1000) {
    throw new ValidationError('invalid_description', 'description: must be at most 1000 characters.', 'description');
  }
  refuseHiddenCharacters(description, TEXT_HIDDEN, 'invalid_description', 'description');
  return description;
}

/**
 * Scopes as a list or a space/comma-separated string (the client dialects use both). Every one
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
