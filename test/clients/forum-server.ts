import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createForumApp, type ForumApp } from '../../example-app/app';
import { runClientScript } from './run-client';

/** Where the client-library scripts send the browser back to; the browser never opens it. */
export const REDIRECT_URI = 'https://app.example/callback';

export interface RegisteredClient {
  clientId: string;
  clientSecret: string | null;
  redirectUri: string;
}

export interface ForumServer {
  /** The forum's public URL: its issuer, on an ephemeral loopback port. */
  url: string;
  forum: ForumApp;
  /** Asks for an app the way a developer does and approves it the way the forum's admin does. */
  register(options?: {
    isPublic?: boolean; resourceServer?: boolean; allowClientCredentials?: boolean; redirectUri?: string; scopes?: string[]; postLogoutRedirectUri?: string;
    requirePushedRequests?: boolean;
  }): Promise<RegisteredClient>;
  /** The status of GET `path` on the forum's API with `token`. */
  apiStatus(path: string, token: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * The real example forum on a temporary SQLite file, listening on 127.0.0.1 with its public URL
 * (the issuer) set to the port it got: the libraries check `iss` and the metadata's issuer against it.
 */
export async function startForum(): Promise<ForumServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'forum-clients-'));
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The key secret given, so that no secret file is written beside the checkout's own data.
  const forum = await createForumApp({
    publicUrl: url, databaseUrl: `sqlite:${path.join(dir, 'forum.sqlite')}`, sessionSecret: 'client-libraries', oidcKeySecret: 'client-libraries-key-secret-of-32-chars',
  });
  server.on('request', forum.app);

  return {
    url,
    forum,
    async register({
      isPublic = false, resourceServer, allowClientCredentials, redirectUri = REDIRECT_URI, scopes = ['identity', 'read'], postLogoutRedirectUri, requirePushedRequests,
    } = {}) {
      const view = await forum.oauth.clients.request({
        name: `Library test ${isPublic ? 'public' : 'confidential'} app`, redirectUris: [redirectUri], isPublic, scopes,
        ...(resourceServer ? { resourceServer } : {}), ...(allowClientCredentials ? { allowClientCredentials } : {}),
        ...(postLogoutRedirectUri ? { postLogoutRedirectUris: [postLogoutRedirectUri] } : {}),
        ...(requirePushedRequests ? { requirePushedRequests } : {}),
      });
      const { clientSecret } = await forum.oauth.clients.approve(view.id);
      return { clientId: view.id, clientSecret, redirectUri };
    },
    async apiStatus(apiPath, token) {
      return (await fetch(`${url}${apiPath}`, { headers: { Authorization: `Bearer ${token}` } })).status;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await forum.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One forum per test file with a confidential and a public app, and `script` running the
 * library's scenario script against it (`test/clients/<library>.mjs`).
 */
export function useLibraryForum(library: string) {
  const t = {} as {
    forum: ForumServer;
    confidential: RegisteredClient;
    pub: RegisteredClient;
    script: <T>(client: RegisteredClient, auth: 'basic' | 'post' | 'none', input: Record<string, unknown>) => Promise<T>;
  };
  beforeAll(async () => {
    t.forum = await startForum();
    t.confidential = await t.forum.register();
    t.pub = await t.forum.register({ isPublic: true });
  });
  afterAll(() => t.forum.close());
  t.script = (client, auth, input) => runClientScript(library, {
    issuer: t.forum.url, clientId: client.clientId, clientSecret: client.clientSecret, auth, redirectUri: client.redirectUri, scope: 'identity read', ...input,
  });
  return t;
}
