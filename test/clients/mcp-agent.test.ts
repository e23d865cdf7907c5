import { startForum, type ForumServer } from './forum-server';
import { runClientScript } from './run-client';

interface AgentStory {
  challenge: number;
  metadataUrl: string;
  resource: string;
  issuer: string;
  registered: { client_id: string; has_secret: boolean; registration_access_token: string };
  beforeReview: { location?: string; refused?: string };
  redirectedTo: string;
  accessToken: string;
  api: { status: number; body: Record<string, unknown> };
}

// The issue's "done when": an agent on oauth4webapi given only the API's URL gets a token bound to
// that API and calls it, through every step the Model Context Protocol's authorization flow takes.
describe('an AI agent given only the API URL (oauth4webapi)', () => {
  let forum: ForumServer;
  beforeAll(async () => { forum = await startForum(); });
  afterAll(() => forum.close());

  it('discovers from the 401, registers, waits for review, logs in from a loopback port with a resource, calls the API', async () => {
    const approved: string[] = [];
    // Any port: the browser never opens the callback, and RFC 8252 says the agent picks it at run time.
    const port = 49152 + Math.floor(Math.random() * 16000);
    const story = await runClientScript<AgentStory>('mcp-agent', { api: `${forum.url}/api/v1/identity`, scope: 'identity read', port }, {
      approve: async ({ clientId }: { clientId: string }) => {
        expect(await forum.forum.oauth.clients.get(clientId)).toMatchObject({ status: 'pending' });
        await forum.forum.oauth.clients.approve(clientId);
        approved.push(clientId);
      },
    });
    expect(story).not.toHaveProperty('error');

    expect(story.challenge).toBe(401);
    expect(story.metadataUrl).toBe(`${forum.url}/.well-known/oauth-protected-resource/api`);
    expect(story.resource).toBe(`${forum.url}/api`);
    expect(story.issuer).toBe(forum.url);
    expect(story.registered).toEqual({ client_id: expect.any(String), has_secret: false, registration_access_token: 'string' });
    expect(approved).toEqual([story.registered.client_id]);
    // Before the admin's approval the forum shows its "awaiting review" page and sends nothing to the agent.
    expect(story.beforeReview.location).toBeUndefined();
    expect(story.beforeReview.refused).toMatch(/403/);
    expect(story.redirectedTo).toBe(`http://127.0.0.1:${port}/callback`);
    expect(story.api).toEqual({ status: 200, body: expect.objectContaining({ username: 'alice' }) });

    const server = await forum.register({ resourceServer: true });
    const introspected = await fetch(`${forum.url}/oauth/introspect`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${server.clientId}:${server.clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: story.accessToken }),
    });
    expect(await introspected.json()).toMatchObject({ active: true, client_id: story.registered.client_id, aud: `${forum.url}/api` });
  });
});
