// Reads forms out of server-rendered HTML the way a browser would submit them: enough for the
// forum's pages and the provider's consent page (double-quoted attributes, hidden inputs).
import type { Application } from 'express';
import request from 'supertest';

export type Agent = ReturnType<typeof request.agent>;

const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (_m, e: string) =>
  ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? _m);

const attr = (tag: string, name: string) => {
  const m = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decode(m[1]!) : undefined;
};

export interface Form {
  method: string;
  action: string | undefined;
  /** Hidden inputs as a plain object (the forms here never repeat a hidden name). */
  fields: Record<string, string>;
  body: string;
}

export function forms(html: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((m) => {
    const fields: Record<string, string> = {};
    for (const input of m[2]!.matchAll(/<input\b[^>]*>/gi)) {
      if (attr(input[0], 'type') === 'hidden') fields[attr(input[0], 'name')!] = attr(input[0], 'value') ?? '';
    }
    return { method: (attr(m[1]!, 'method') ?? 'get').toLowerCase(), action: attr(m[1]!, 'action'), fields, body: m[2]! };
  });
}

/** The one form posting to `action` (or, for the consent page, the one with decision buttons). */
export function formTo(html: string, action: string | ((f: Form) => boolean)): Form {
  const match = forms(html).filter(typeof action === 'string' ? (f) => f.action === action : action);
  if (match.length !== 1) throw new Error(`expected one form for ${String(action)}, found ${match.length} in:\n${html.slice(0, 2000)}`);
  return match[0]!;
}

/** Submits the page's form that posts to `action`, with its hidden fields (the CSRF token) and `extra` (a list: ticked checkboxes). */
export function submitForm(agent: Agent, origin: string, html: string, action: string, extra: Record<string, string | string[]> = {}) {
  const form = formTo(html, action);
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries({ ...form.fields, ...extra })) for (const item of [value].flat()) body.append(name, item);
  return agent.post(action).type('form').set('Origin', origin).send(body.toString());
}

/** Logs a demo user in through the real login form (password `<name>-password`); returns the agent with its session. */
export async function logInAs(app: Application, origin: string, username: string, next = '/'): Promise<Agent> {
  const agent = request.agent(app);
  const page = await agent.get('/login').expect(200);
  const res = await submitForm(agent, origin, page.text, '/login', { username, password: `${username}-password`, next });
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(next);
  return agent;
}
