import type { Request, Response } from 'express';
import express from 'express';
import { csrfToken } from './csrf';
import { takeFlash } from './session';
import type { Flash, Viewer } from './views/layout';

/** The forum's own forms: small urlencoded bodies, parsed only on the routes that take them. */
export const formBody = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 });

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
