// The person at the browser, for the client-library scripts: follows an authorization URL to the
// forum, logs in through the real login form, approves on the consent page and hands back where the
// forum sent the browser (the app's callback with code, state and iss). Cookies are kept by hand and
// every redirect is followed by hand, so nothing is ever sent to the app's callback itself.

const decode = (s) => s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m, e) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[e] ?? m);
const attr = (tag, name) => {
  const m = new RegExp(`\\b${name}="([^"]*)"`, 'i').exec(tag);
  return m ? decode(m[1]) : undefined;
};

/** The page's POST forms: action and hidden fields, as a browser would submit them. */
function postForms(html) {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)]
    .filter((m) => (attr(m[1], 'method') ?? 'get').toLowerCase() === 'post')
    .map((m) => {
      const fields = {};
      for (const input of m[2].matchAll(/<input\b[^>]*>/gi)) {
        if (attr(input[0], 'type') === 'hidden') fields[attr(input[0], 'name')] = attr(input[0], 'value') ?? '';
      }
      return { action: attr(m[1], 'action'), fields, body: m[2] };
    });
}

function onlyForm(html, match, what) {
  const found = postForms(html).filter(match);
  if (found.length !== 1) throw new Error(`expected one ${what} form, found ${found.length}: ${html.slice(0, 1500)}`);
  return found[0];
}

export class Browser {
  constructor(forumUrl) {
    this.origin = new URL(forumUrl).origin;
    this.cookies = new Map();
    /** Every login page the forum sent this browser to, as its query (`fresh`, `select`, `hint`, ...). */
    this.loginPages = [];
  }

  async request(url, init = {}) {
    const headers = { ...init.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  postForm(url, fields) {
    return this.request(url, {
      method: 'POST', body: new URLSearchParams(fields).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.origin },
    });
  }

  /** GETs `url` on the forum and follows its redirects while they stay on the forum; returns the last response. */
  async follow(url) {
    let res = await this.request(url);
    while (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location'), url);
      if (next.origin !== this.origin) return res;
      url = next.href;
      res = await this.request(url);
    }
    return res;
  }

  async logIn(username, password, next) {
    const page = await this.request(new URL('/login', this.origin));
    const form = onlyForm(await page.text(), (f) => f.action === '/login', 'login');
    const res = await this.postForm(new URL('/login', this.origin), { ...form.fields, username, password, next });
    if (res.status !== 303) throw new Error(`login as ${username} answered ${res.status}`);
    return res.headers.get('location');
  }

  /**
   * A device's user at a browser (RFC 8628): opens the verification URI, logs in when asked, types
   * the user code, approves (or denies) and returns the page the forum ends on.
   */
  async answerDevice(verificationUri, userCode, { username = 'alice', password = `${username}-password`, decision = 'approve' } = {}) {
    let res = await this.request(verificationUri);
    const location = res.headers.get('location');
    if (location && new URL(location, this.origin).pathname === '/login') {
      const next = new URL(location, this.origin).searchParams.get('next');
      res = await this.follow(new URL(await this.logIn(username, password, next), this.origin).href);
    }
    const codeForm = onlyForm(await res.text(), (f) => f.body.includes('name="user_code"'), 'device code');
    const consentPage = await this.postForm(new URL(codeForm.action, this.origin), { ...codeForm.fields, user_code: userCode });
    const consent = onlyForm(await consentPage.text(), (f) => f.body.includes('name="decision"'), 'device consent');
    const answer = await this.postForm(new URL(consent.action, this.origin), { ...consent.fields, decision });
    return { status: answer.status, page: await answer.text() };
  }

  /**
   * Opens an authorization URL, logs in as `username` when the forum asks, approves the consent
   * page (or denies, with `decision: 'deny'`) and returns the Location the forum sent the browser to (the app's redirect URI).
   */
  async authorize(authorizationUrl, { username = 'alice', password = `${username}-password`, decision = 'approve' } = {}) {
    let res = await this.request(authorizationUrl);
    let location = res.headers.get('location');
    if (location && new URL(location, this.origin).pathname === '/login') {
      const login = new URL(location, this.origin).searchParams;
      this.loginPages.push(Object.fromEntries(login));
      res = await this.follow(new URL(await this.logIn(username, password, login.get('next')), this.origin).href);
      location = res.headers.get('location');
    }
    if (res.status !== 200) {
      if (location) return location;
      throw new Error(`authorization page answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
    }
    const consent = onlyForm(await res.text(), (f) => f.body.includes('name="decision"'), 'consent');
    const answer = await this.postForm(new URL(consent.action, this.origin), { ...consent.fields, decision });
    if (answer.status < 300 || answer.status >= 400) throw new Error(`consent answered ${answer.status}: ${(await answer.text()).slice(0, 500)}`);
    return answer.headers.get('location');
  }
}
