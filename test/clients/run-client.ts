import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';

/** A line a script prints to ask the test something mid-run (see `ask` in script.mjs). */
export const ASK_PREFIX = '@@ask ';

/** What a script may ask the test for mid-run, by name: the answer is sent back as JSON. */
export type ScriptHandlers = Record<string, (args: never) => unknown>;

/**
 * Runs an outside client library the way an app would use it. Jest here runs CommonJS and cannot
 * load ESM-only libraries such as oauth4webapi, so each scenario is a small Node script
 * (`test/clients/<script>.mjs`) that takes one JSON argument and prints one JSON value on stdout.
 * A script reports an error the library raised as `{"error": {...}}`; a crash rejects.
 * A script that needs something only the test can do (register an app once it knows its own
 * port) prints an `@@ask {"name", "args"}` line and reads the handler's answer on stdin.
 */
export function runClientScript<T = Record<string, unknown>>(script: string, input: unknown, handlers: ScriptHandlers = {}): Promise<T> {
  const file = path.join(__dirname, `${script}.mjs`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file, JSON.stringify(input)], { timeout: 20_000, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith(ASK_PREFIX)) {
        stdout += `${line}\n`;
        return;
      }
      const { name, args } = JSON.parse(line.slice(ASK_PREFIX.length)) as { name: string; args: never };
      const handler = handlers[name];
      Promise.resolve()
        .then(() => {
          if (!handler) throw new Error(`${script}.mjs asked for "${name}", which the test does not answer`);
          return handler(args);
        })
        .then((answer) => child.stdin.write(`${JSON.stringify({ answer: answer ?? null })}\n`))
        .catch((err: Error) => child.stdin.write(`${JSON.stringify({ failed: err.message })}\n`));
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${script}.mjs failed (${code ?? signal}): ${stderr || stdout}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`${script}.mjs printed no JSON: ${stdout.slice(0, 500)} ${stderr.slice(0, 500)}`));
      }
    });
  });
}
