// Reads forms out of server-rendered HTML the way a browser would submit them: enough for the
// forum's pages and the provider's consent page (double-quoted attributes, hidden inputs).

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
