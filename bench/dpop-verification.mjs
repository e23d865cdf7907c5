// What a DPoP proof costs the server to check, before any store: the CPU time of one
// verifyDpopProof (src/dpop/proof.ts, the function the token endpoint and requireScope call:
// header checks, importJWK, compactVerify, claims, ath, RFC 7638 thumbprint) for ES256, EdDSA
// and RS256 proofs, and the same split into its jose steps. In process: no HTTP, no replay check.
// Run: node --import tsx bench/dpop-verification.mjs
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, compactVerify, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK, SignJWT } from 'jose';
import { verifyDpopProof } from '../src/dpop/proof.ts';

const N = 3000;
const WARM = 300;
const URL_ = 'https://forum.example/api/read';
const TOKEN = 'bench-token-0123456789abcdefghijklmnopqrstuvwxyz';
const ath = createHash('sha256').update(TOKEN, 'ascii').digest('base64url');

/** µs of CPU (user + system) and of wall time per call of `fn(i)`, over `n` calls after a warm-up. */
async function measure(n, fn) {
  for (let i = 0; i < WARM; i++) await fn(i);
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = WARM; i < WARM + n; i++) await fn(i);
  const used = process.cpuUsage(cpu);
  return { cpu: (used.user + used.system) / n, wall: Number(process.hrtime.bigint() - start) / 1e3 / n };
}

const rows = [];
for (const alg of ['ES256', 'EdDSA', 'RS256']) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  const proofs = [];
  for (let i = 0; i < WARM + N; i++) {
    proofs.push(await new SignJWT({ jti: randomUUID(), htm: 'GET', htu: URL_, iat: Math.floor(Date.now() / 1000), ath })
      .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk }).sign(privateKey));
  }
  // The real function, as requireScope calls it (with the access token, so ath is checked too).
  const full = await measure(N, (i) => verifyDpopProof(proofs[i], { method: 'GET', url: URL_, accessToken: TOKEN, now: new Date() }));
  // Its expensive steps alone, with jose as it calls them.
  const importKey = await measure(N, (i) => importJWK(decodeProtectedHeader(proofs[i]).jwk, alg));
  // As verifyDpopProof does it: a key imported for this proof, then used once (jose prepares a
  // key on its first use, so this costs more than importJWK + a verify with a key used before).
  const importAndVerify = await measure(N, async (i) => compactVerify(proofs[i], await importJWK(decodeProtectedHeader(proofs[i]).jwk, alg), { algorithms: [alg] }));
  const key = await importJWK(jwk, alg);
  const verify = await measure(N, (i) => compactVerify(proofs[i], key, { algorithms: [alg] }));
  const thumbprint = await measure(N, () => calculateJwkThumbprint(jwk, 'sha256'));
  const sign = await measure(Math.min(N, 1000), () => new SignJWT({ jti: randomUUID(), htm: 'GET', htu: URL_, iat: 1, ath })
    .setProtectedHeader({ alg, typ: 'dpop+jwt', jwk }).sign(privateKey));
  // Once more at the end, in case the first measurement still paid for warming up.
  const again = await measure(N, (i) => verifyDpopProof(proofs[i], { method: 'GET', url: URL_, accessToken: TOKEN, now: new Date() }));
  if (again.cpu < full.cpu) Object.assign(full, again);
  rows.push({ alg, full, importKey, importAndVerify, verify, thumbprint, sign, length: proofs[0].length });
}

const f = (m) => `${m.cpu.toFixed(0)}`;
console.log(`node ${process.version}, ${N} calls each after ${WARM} to warm up; CPU µs per call (wall µs of verifyDpopProof in brackets; the lower of two passes)\n`);
console.log('| alg | proof chars | verifyDpopProof | importJWK + compactVerify (fresh key) | importJWK alone | compactVerify, key used before | thumbprint | client: sign a proof |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.alg} | ${r.length} | ${f(r.full)} (${r.full.wall.toFixed(0)}) | ${f(r.importAndVerify)} | ${f(r.importKey)} | ${f(r.verify)} | ${f(r.thumbprint)} | ${f(r.sign)} |`);
}
