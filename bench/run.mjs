#!/usr/bin/env node
/**
 * npm run bench [-- --quick] [--only a,b] [--json FILE] [--profile a,b] [--before DIR]
 *
 * Starts one server process per scenario (bench/servers.ts, 127.0.0.1 only), warms each up, then
 * measures every scenario ROUNDS times, interleaved (round-robin), with autocannon running here in
 * the parent. Prints one markdown table of medians (with each server's CPU, Redis commands and round
 * trips and SQL queries per request, counted in the measured window), the like-for-like table of
 * the two grants against the peers, the issue's goals, and Redis bytes per token.
 * `--profile` profiles the named servers over their measured windows only (bench/window-profiler.ts)
 * and prints their top self-time frames, summed over the rounds. `--before DIR` runs our scenarios
 * from an earlier checkout too, in the same rounds (see withBefore).
 */
import { execFileSync, fork } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { DIAGNOSTICS, SCENARIOS } from './scenarios.mjs';
import { checkGoals, likeForLikeTable, markdownTable, summarise } from './table.mjs';
import { topFrames } from './profile.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.dirname(HERE);
/**
 * The servers run the package compiled by tsc, as a site runs it, not through a TypeScript loader
 * (which wraps every function it creates to keep its name: about 2 % of the token endpoint's CPU).
 * bench/tsconfig.json compiles src/, adapters/ and bench/*.ts into bench/.build, type-checking them.
 */
function compile(root) {
  execFileSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'bench', 'tsconfig.json')], { cwd: root, stdio: 'inherit' });
}

function parseArgs(argv) {
  const args = { quick: false, only: null, json: null, profile: [], before: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--only') args.only = argv[++i].split(',');
    else if (arg === '--json') args.json = argv[++i];
    else if (arg === '--profile') args.profile = argv[++i].split(',');
    else if (arg === '--before') args.before = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${arg}; see the top of bench/run.mjs`);
  }
  const names = new Set([...SCENARIOS, ...DIAGNOSTICS].map((s) => s.name));
  for (const name of [...(args.only ?? []), ...args.profile]) {
    if (!names.has(name.replace(/@before$/, '')) && name !== 'memory') throw new Error(`no scenario "${name}"; one of ${[...names].join(', ')}, memory`);
  }
  return args;
}

const args = parseArgs(process.argv.slice(2));
const SETTINGS = args.quick
  ? { connections: 10, warmup: 1, measure: 2, rounds: 3 }
  : { connections: 10, warmup: 5, measure: 10, rounds: 3 };
/** Pool size for the warm-up, before any rate is known: more than these servers manage. */
const WARMUP_RPS_GUESS = 3000;
/**
 * Redis runs on the same 2 cores, so the work a request gives it (a Lua script's steps, or a peer's
 * several commands) is CPU the server cannot use: read from Redis's own counters around each
 * window. The servers not being measured are idle then, so the difference is this scenario's.
 */
const redisInfo = new Redis('redis://127.0.0.1:6379/0', { lazyConnect: true });
async function redisCpuMicros() {
  const info = await redisInfo.info('cpu');
  const seconds = (name) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1] ?? 0);
  return Math.round((seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6);
}

const PROFILE_DIR = path.join(HERE, 'profiles');

/** A scenario's server process; resolves once it listens. */
function startServer(scenario) {
  const profiled = args.profile.includes(scenario.name);
  // --expose-gc: the server collects the previous pool's garbage before a measured window starts.
  const execArgv = ['--expose-gc'];
  const env = profiled ? { ...process.env, BENCH_PROFILE_DIR: path.join(PROFILE_DIR, scenario.name) } : process.env;
  const root = scenario.root ?? ROOT;
  const child = fork(path.join(root, 'bench', '.build', 'bench', 'servers.js'), [scenario.server ?? scenario.name], { cwd: root, execArgv, env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const next = (type) => new Promise((resolve, reject) => {
    const onMessage = (m) => { if (m.type === type) { child.off('exit', onExit); child.off('message', onMessage); resolve(m); } };
    const onExit = (code) => { child.off('message', onMessage); reject(new Error(`${scenario.name}: server exited (${code})`)); };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
  return next('ready').then(({ port }) => ({
    port,
    child,
    profiled,
    async load(n) { child.send({ type: 'load', n }); return (await next('load')).load; },
    /**
     * Server CPU over a window: start() resolves once the server noted its cpuUsage (and started
     * profiling, for a measured window of a profiled server); stop() to µs user + system and the
     * window's counts of Redis commands, Redis round trips and SQL queries.
     */
    async cpuStart(measured) { child.send({ type: 'cpu-start', profile: measured && profiled }); await next('cpu-start'); },
    async cpuStop() { child.send({ type: 'cpu-stop' }); const { cpu, counts } = await next('cpu'); return { cpu: cpu.user + cpu.system, counts }; },
    async stop() { if (child.exitCode === null) child.send({ type: 'stop' }); await exited; },
  }));
}

/** One timed autocannon run. Latencies are taken per response (autocannon's histogram rounds to 1 ms). */
async function fire(server, load, seconds, measured) {
  let used = 0;
  const request = { method: load.method, path: load.path, headers: load.headers, body: load.body };
  const spendable = load.bodies ?? load.requests;
  if (load.bodies) {
    request.setupRequest = (req) => ({ ...req, body: load.bodies[used++ % load.bodies.length] });
  } else if (load.requests) {
    // Per-request headers (a single-use DPoP proof) on top of the fixed ones, and a body when given.
    request.setupRequest = (req) => {
      const one = load.requests[used++ % load.requests.length];
      return { ...req, headers: { ...load.headers, ...one.headers }, ...(one.body === undefined ? {} : { body: one.body }) };
    };
  }
  const latencies = [];
  // The pool was made (and signed) before this: the window holds only the requests and their handling.
  await server.cpuStart(measured);
  const redisCpuBefore = await redisCpuMicros();
  const instance = autocannon({ url: `http://127.0.0.1:${server.port}`, connections: SETTINGS.connections, duration: seconds, requests: [request] });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  const redisCpu = (await redisCpuMicros()) - redisCpuBefore;
  const { cpu, counts } = await server.cpuStop();
  const perRequest = (n) => (result.requests.total ? n / result.requests.total : null);
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  return {
    rps: result.requests.total / result.duration,
    p50: at(0.5),
    p99: at(0.99),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    /** Requests that had to reuse an already spent refresh token, code or DPoP proof (pool too small). */
    reused: spendable ? Math.max(0, used - spendable.length) : 0,
    /** The server process's CPU (user + system, all its threads) per completed request over the window, µs. */
    cpuPerRequest: perRequest(cpu),
    /** Counted on the server's own clients (bench/counters.ts): what each request waited on. */
    redisCommandsPerRequest: perRequest(counts.redisCommands),
    redisRoundTripsPerRequest: perRequest(counts.redisRoundTrips),
    sqlPerRequest: perRequest(counts.sqlQueries),
    /** Redis's own CPU (user + system) per completed request over the window, µs. */
    redisCpuPerRequest: perRequest(redisCpu),
    /** The machine is shared: the 1-minute load average when the run ended says how busy it was. */
    load1: os.loadavg()[0],
  };
}

/** Secrets for one phase: twice the expected request count, and never fewer than 1000 a second. */
const poolSize = (scenario, rps, seconds) => (scenario.pool ? Math.ceil(Math.max(rps, 1000) * seconds * 2) : 0);

async function redisMemory(root = ROOT) {
  const out = execFileSync(process.execPath, [path.join(root, 'bench', '.build', 'bench', 'redis-memory.js')], { cwd: root, encoding: 'utf8' });
  return JSON.parse(out);
}

function machine() {
  const cpu = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model;
  return { node: process.version, cpu, cores: os.availableParallelism() };
}

/**
 * `--before DIR`: a checkout of an earlier commit with this bench/ directory copied in. Each of our
 * chosen scenarios (group 'ours') also runs from there, as `<name>@before`, interleaved in the same rounds, so
 * that before and after are compared on the same machine at the same moment.
 */
function withBefore(scenarios) {
  if (!args.before) return scenarios;
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: args.before, encoding: 'utf8' }).trim();
  return scenarios.flatMap((s) => (s.group === 'ours'
    ? [s, { ...s, name: `${s.name}@before`, label: `${s.label}, at ${commit}`, server: s.name, root: args.before }]
    : [s]));
}

async function main() {
  compile(ROOT);
  if (args.before) compile(args.before);
  const chosen = args.only ? [...SCENARIOS, ...DIAGNOSTICS].filter((s) => args.only.includes(s.name)) : SCENARIOS;
  const scenarios = withBefore(chosen);
  const servers = new Map();
  const stopAll = () => Promise.all([...servers.values()].map((s) => s.stop()));
  process.once('SIGINT', () => { stopAll().finally(() => process.exit(130)); });
  try {
    // One at a time: starting them in parallel would only load the 2 cores for no gain.
    for (const scenario of scenarios) servers.set(scenario.name, await startServer(scenario));
    const results = scenarios.map((s) => ({ name: s.name, label: s.label, group: s.group, runs: [] }));
    const lastRps = new Map();
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      for (const [i, scenario] of scenarios.entries()) {
        const server = servers.get(scenario.name);
        if (round === 1) {
          const warm = await fire(server, await server.load(poolSize(scenario, WARMUP_RPS_GUESS, SETTINGS.warmup)), SETTINGS.warmup, false);
          lastRps.set(scenario.name, warm.rps);
        }
        const load = await server.load(poolSize(scenario, lastRps.get(scenario.name), SETTINGS.measure));
        const run = await fire(server, load, SETTINGS.measure, true);
        lastRps.set(scenario.name, run.rps);
        results[i].runs.push(run);
        process.stderr.write(`round ${round} ${scenario.name}: ${Math.round(run.rps)} req/s, p99 ${run.p99.toFixed(2)} ms, ${Math.round(run.cpuPerRequest ?? 0)} µs CPU/req, ${(run.redisRoundTripsPerRequest ?? 0).toFixed(2)} Redis RT/req, ${(run.sqlPerRequest ?? 0).toFixed(2)} SQL/req${run.non2xx + run.errors + run.reused ? `, ${run.non2xx} non-2xx, ${run.errors} errors, ${run.reused} reused` : ''}\n`);
      }
    }
    await stopAll();

    const summary = summarise(results);
    const goals = checkGoals(summary);
    const memory = !args.only || args.only.includes('memory') ? await redisMemory() : null;
    const memoryBefore = memory && args.before ? await redisMemory(args.before) : null;
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
    console.log(`\n${command} · ${new Date().toISOString()} · node ${machine().node} · ${machine().cpu} × ${machine().cores}`);
    const loads = results.flatMap((r) => r.runs.map((run) => run.load1));
    console.log(`${SETTINGS.connections} connections, ${SETTINGS.warmup} s warm-up, ${SETTINGS.rounds} × ${SETTINGS.measure} s interleaved; medians; 1-min load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}\n`);
    console.log(markdownTable(summary));
    const peers = likeForLikeTable(summary);
    if (peers) console.log(`\nLike for like (each cell: req/s × bare · server CPU µs/req · Redis's CPU µs/req · waits/req = Redis round trips + SQL queries):\n\n${peers}`);
    if (goals.length) console.log(`\n${goals.map((g) => `- ${g.text}`).join('\n')}`);
    if (memory) console.log(`\nRedis MEMORY USAGE per live access token: ${memory.summary}`);
    if (memoryBefore) console.log(`Before (${args.before}): ${memoryBefore.summary}`);
    for (const name of args.profile) {
      const dir = path.join(PROFILE_DIR, name);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(dir, f));
      console.log(`\nTop self-time frames, ${name}, measured windows only (${files.length} in ${path.relative(ROOT, dir)}/):\n${topFrames(files)}`);
    }
    if (args.json) {
      writeFileSync(args.json, `${JSON.stringify({ command, date: new Date().toISOString(), machine: machine(), settings: SETTINGS, results: summary, goals, redisMemory: memory, ...(memoryBefore ? { redisMemoryBefore: memoryBefore } : {}) }, null, 2)}\n`);
    }
    if (summary.some((r) => r.failures > 0)) {
      console.error('\nSome requests failed (see the "failed" column): those numbers are not comparable.');
      process.exitCode = 1;
    }
  } finally {
    await stopAll();
    redisInfo.disconnect();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
