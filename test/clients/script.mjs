// What every client-library script shares: one JSON argument in, one JSON value out. An error the
// library raised is printed as { error: {...} } so a test can assert on it; anything else crashes.

/** Runs `scenario` on the script's JSON argument and prints what it returns. */
export async function run(scenario) {
  const input = JSON.parse(process.argv[2]);
  let output;
  try {
    output = await scenario(input);
  } catch (err) {
    output = {
      error: {
        name: err.name, message: err.message, code: err.code, status: err.status ?? err.response?.status ?? err.output?.statusCode,
        error: err.error ?? err.data?.payload?.error ?? err.oauth2Code,
        // RFC 6750 §3 challenges, as oauth4webapi and openid-client parse them from WWW-Authenticate.
        ...(Array.isArray(err.cause) && err.cause[0]?.scheme ? { challenges: err.cause.map((c) => ({ scheme: c.scheme, parameters: c.parameters })) } : {}),
      },
    };
  }
  process.stdout.write(JSON.stringify(output ?? null));
  // Stops listening for answers, so the script can end.
  answerLines?.close();
}

/** The fields of a token response the tests assert on. */
export const tokenFields = (t) => ({
  access_token: t.access_token, token_type: t.token_type, scope: t.scope, expires_in: t.expires_in, refresh_token: t.refresh_token,
});

/** Plain http is allowed for the test server on loopback only, never for a real host. */
export const isLoopback = (url) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

let answerLines;
let answers;
/** Asks the test (runClientScript's handlers) for something only it can do, and waits for the answer. */
export async function ask(name, args) {
  if (!answers) {
    answerLines = (await import('node:readline')).createInterface({ input: process.stdin });
    answers = answerLines[Symbol.asyncIterator]();
  }
  process.stdout.write(`@@ask ${JSON.stringify({ name, args })}\n`);
  const { value, done } = await answers.next();
  if (done) throw new Error(`no answer to "${name}"`);
  const reply = JSON.parse(value);
  if ('failed' in reply) throw new Error(reply.failed);
  return reply.answer;
}
