import { useLibraryForum } from './forum-server';

interface ParFlow {
  metadata: { endpoint: string; required: boolean };
  pushed: { request_uri: string; expires_in: number };
  iss: string;
  again: number;
  tokens: { access_token: string; token_type: string; scope: string };
}

// oauth4webapi 3 pushing its authorization requests (RFC 9126) to the real example forum.
describe('oauth4webapi: pushed authorization requests (PAR)', () => {
  const lib = useLibraryForum('oauth4webapi-par');

  it.each([['basic', false], ['post', false], ['none', true]] as const)(
    '%s client auth (public: %s): push, the browser at /authorize with the request_uri, the code exchange; the request_uri works once',
    async (auth, isPublic) => {
      const flow = await lib.script<ParFlow>(isPublic ? lib.pub : lib.confidential, auth, { action: 'par-flow' });
      expect(flow.metadata).toEqual({ endpoint: `${lib.forum.url}/oauth/par`, required: false });
      expect(flow.pushed).toEqual({ request_uri: expect.stringMatching(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/), expires_in: 90 });
      expect(flow.iss).toBe(lib.forum.url);
      expect(flow.again).toBe(400);
      expect(flow.tokens).toMatchObject({ token_type: 'bearer', scope: 'identity read' });
      expect(await lib.forum.apiStatus('/api/v1/identity', flow.tokens.access_token)).toBe(200);
    },
  );

  it('a push the forum refuses: the library reads the JSON error', async () => {
    expect(await lib.script(lib.confidential, 'basic', { action: 'par-flow', scope: 'identity admin' })).toEqual({
      error: expect.objectContaining({ name: 'ResponseBodyError', status: 400, error: 'invalid_scope' }),
    });
  });

  it('an app that must push: its plain request comes back invalid_request, its pushed one gets a token', async () => {
    const strict = await lib.forum.register({ requirePushedRequests: true });
    const plain = await lib.script<{ location: string }>(strict, 'basic', { action: 'plain' });
    expect(new URL(plain.location).searchParams.get('error')).toBe('invalid_request');
    const flow = await lib.script<ParFlow>(strict, 'basic', { action: 'par-flow' });
    expect(flow.tokens.scope).toBe('identity read');
  });
});
