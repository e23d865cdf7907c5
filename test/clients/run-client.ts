import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * Runs an outside client library the way an app would use it. Jest here runs CommonJS and cannot
 * load ESM-only libraries such as oauth4webapi, so each scenario is a small Node script
 * (`test/clients/<script>.mjs`) that takes one JSON argument and prints one JSON value on stdout.
 * A script reports an error the library raised as `{"error": {...}}`; a crash rejects.
 */
export function runClientScript<T = Record<string, unknown>>(script: string, input: unknown): Promise<T> {
  const file = path.join(__dirname, `${script}.mjs`);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, JSON.stringify(input)], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${script}.mjs failed (${err.code ?? err.signal}): ${stderr || stdout}`));
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
