import type { AddressInfo } from 'node:net';
import { createForumApp } from './app';
import { configFromEnv } from './config';
import { DEMO_USERS } from './forum-db';
import { purgePeriodically } from './storage';

async function main(): Promise<void> {
  const config = configFromEnv();
  const forum = await createForumApp(config);
  const stopPurging = purgePeriodically(forum.storage, (message) => process.stderr.write(`${message}\n`));
  const server = forum.app.listen(config.port, config.host);
  server.on('error', async (err) => {
    process.stderr.write(`Cannot listen on ${config.host}:${config.port}: ${err.message}\n`);
    await forum.close();
    process.exit(1);
  });
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    const accounts = DEMO_USERS.map((u) => `  ${u.username} / ${u.password}${u.isAdmin ? '  (admin)' : ''}`).join('\n');
    process.stdout.write([
      `Forum at ${config.publicUrl} (the OAuth issuer; listening on ${config.host.includes(':') ? `[${config.host}]` : config.host}:${port})`,
      `Storage: ${forum.storage.description}`,
      `Demo accounts${forum.seeded ? ' (created now)' : ''}:`,
      accounts,
      `OpenID Connect signing keys encrypted with ${forum.keySecretSource}`,
      'clientId' in forum.demoClient
        ? `"Sign in with this forum" demo: ${config.publicUrl}/demo/sign-in (client ${forum.demoClient.clientId})`
        : `"Sign in with this forum" demo unavailable: ${forum.demoClient.problem}`,
      '',
    ].join('\n'));
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: closing\n`);
    // Keep-alive connections would hold close() open; a few seconds is plenty for a demo.
    const force = setTimeout(() => server.closeAllConnections(), 3000);
    force.unref();
    stopPurging();
    server.close(async () => {
      await forum.close().catch(() => undefined);
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`The forum could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
