import request from 'supertest';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { describeIf } from '../support/services';
import { BACKENDS } from './backends';
import { formTo, logInAs, submitForm } from './forms';

/**
 * PostgreSQL refuses a NUL byte in text: any route that passed one to a query answered 500. The
 * forum refuses them with a 400 before a route reads them, in the path, the query and any body.
 */
const PUBLIC_URL = 'http://forum.test';

for (const backend of BACKENDS.filter((b) => b.name === 'PostgreSQL' || b.name === 'SQLite')) {
  describeIf(backend.available)(`NUL bytes on ${backend.name}`, () => {
    let forum: ForumApp;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      const opened = await backend.open();
      drop = opened.drop;
      forum = await createForumApp({ publicUrl: PUBLIC_URL, sessionSecret: 'nul', ...opened.config });
    });
    afterAll(async () => {
      await forum?.close();
      await drop?.();
    });

    it.each([
      '/%00', '/u/alice%00', '/?sort=%00', '/login?next=%2F%00', '/settings/apps?x=%00',
      '/oauth/authorize?client_id=%00&response_type=code', '/oauth/device?user_code=%00', '/api/v1/front/listing?limit=%00',
    ])('answers GET %s with 400', async (url) => {
      const res = await request(forum.app).get(url);
      expect(res.status).toBe(400);
    });

    it('answers a form value holding a NUL with 400, anonymous or signed in', async () => {
      const anonymous = request.agent(forum.app);
      const login = await anonymous.get('/login').expect(200);
      const res = await submitForm(anonymous, PUBLIC_URL, login.text, '/login', { username: 'alice\u0000', password: 'x' });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/^text\/html/);

      const alice = await logInAs(forum.app, PUBLIC_URL, 'alice');
      const apps = await alice.get('/settings/apps').expect(200);
      const form = formTo(apps.text, '/settings/apps');
      const requested = await submitForm(alice, PUBLIC_URL, apps.text, form.action!, {
        name: 'Nul\u0000app', redirect_uris: 'https://nul.example/cb', description: 'x',
      });
      expect(requested.status).toBe(400);
    });

    it('answers an API body holding a NUL with 400 JSON', async () => {
      const alice = await forum.db.users.findByUsername('alice');
      const { token } = await forum.oauth.tokens.issuePersonal(alice!.id, { name: 'nul test', scopes: ['create'] });
      for (const send of [
        (r: request.Test) => r.send({ title: 'a\u0000b' }),
        (r: request.Test) => r.type('form').send('title=a%00b'),
      ]) {
        const res = await send(request(forum.app).post('/api/v1/submit').set('Authorization', `Bearer ${token}`));
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('invalid_request');
      }
    });
  });
}
