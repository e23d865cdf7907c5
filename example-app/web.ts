import type { NextFunction, Request, RequestHandler, Response } from 'express';
import express from 'express';
import { csrfToken } from './csrf';
import { takeFlash } from './session';
import type { Flash, Viewer } from './views/layout';

/**
 * PostgreSQL refuses a NUL byte in text, so a value holding one would fail its query (a 500). No
 * field of the forum has a use for it: a request carrying one is refused whole with a 400.
 */
const NUL_IN_URL = /%00/i;

function holdsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\0');
  if (Array.isArray(value)) return value.some(holdsNul);
  if (value !== null && typeof value === 'object') return Object.entries(value).some(([name, v]) => name.includes('\0') || holdsNul(v));
  return false;
}

const nulRefused = () => Object.assign(new Error('a NUL byte in the request'), { status: 400, expose: true });

/** Refuses a path or query holding an encoded NUL (`%00`), before any route reads it. */
export function refuseNulInUrl(req: Request, _res: Response, next: NextFunction): void {
  next(NUL_IN_URL.test(req.originalUrl) ? nulRefused() : undefined);
}

/** After a body parser: refuses a body with a NUL in any name or value. */
export const refuseNulInBody: RequestHandler = (req, _res, next) => {
  next(holdsNul(req.body) ? nulRefused() : undefined);
};

const parseForm = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 });

/** The forum's own forms: small urlencoded bodies, parsed only on the routes that take them. */
export const formBody: RequestHandler = (req, res, next) => {
  parseForm(req, res, (err?: unknown) => (err ? next(err) : refuseNulInBody(req, res, next)));
};

/** A form field as one string; a repeated or missing field is ''. */
export function field(req: Request, name: string): string {
  const value: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A field that may repeat (checkboxes), as a list of strings. */
export function fieldList(req: Request, name: string): string[] {
  const value: unknown = (req.body as Record<string, unknown> | undefined)?.[name];
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function viewerOf(req: Request): Viewer | null {
  return req.forumUser ? { username: req.forumUser.username, isAdmin: req.forumUser.isAdmin } : null;
}

/** What every page's layout needs. Anonymous visitors get no session (and no CSRF token) from this. */
export function pageContext(req: Request): { viewer: Viewer | null; csrfToken: string; flash: Flash | null } {
  const viewer = viewerOf(req);
  return { viewer, csrfToken: viewer ? csrfToken(req) : '', flash: viewer ? takeFlash(req) : null };
}

/** pageContext for a page behind requireLogin, where there always is a viewer. */
export function signedInPageContext(req: Request): { viewer: Viewer; csrfToken: string; flash: Flash | null } {
  const user = userOf(req);
  return { ...pageContext(req), viewer: { username: user.username, isAdmin: user.isAdmin } };
}

/** The logged-in user; only for handlers behind requireLogin. */
export function userOf(req: Request): { id: string; username: string; isAdmin: boolean } {
  if (!req.forumUser) throw new Error('userOf() used on a route without requireLogin');
  return req.forumUser;
}

export function sendPage(res: Response, page: string, status = 200): void {
  res.status(status).type('html').send(page);
}

// By name as well as class: the app and the package could load two copies of the error module.
export const isValidationError = (err: unknown): err is Error & { code: string; field?: string | undefined } =>
  err instanceof Error && err.name === 'ValidationError';
export const isNotFoundError = (err: unknown): err is Error => err instanceof Error && err.name === 'NotFoundError';
