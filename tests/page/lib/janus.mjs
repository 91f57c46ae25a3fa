// Janus 1.1.2 (Debian's `janus`, installed by scripts/bootstrap.sh) for the SFU tests and the demo's
// SFU mode: a config folder of its own (videoroom plugin, HTTP transport on 127.0.0.1, every other
// plugin / transport / event handler off), started as a child process, waited for until it answers,
// killed by its pid. See ../../../../shared/TOOLCHAIN.md ("An SFU on this machine").
//
// Janus gathers no ICE candidates on an interface flagged LOOPBACK, so the tests run in a network
// namespace of their own (`enterNetns()`: the test process re-executes itself under `unshare -n`)
// with `lo` up and a veth pair `sfu0`/`sfu1`: `sfu0` carries 127.0.0.1/32 and is Janus's
// `ice_enforce_list`, so Janus's candidates are 127.0.0.1; `sfu1` carries 10.77.0.1/24 and the
// namespace's default route, without which Firefox gathers no candidate at all. Nothing leaves the
// namespace (the pair is connected to nothing else).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const JANUS = process.env.JANUS_PATH || '/usr/bin/janus';
export const NETNS_MARK = 'RTC_PEER_SFU_NETNS';
/** The interface Janus's candidates come from inside the namespace. */
export const NETNS_ICE_INTERFACE = 'sfu0';

const LIBDIR = '/usr/lib/x86_64-linux-gnu/janus';

/** Whether this process runs inside the namespace `enterNetns()` made. */
export const inNetns = () => process.env[NETNS_MARK] === '1';

/**
 * Runs this very process again inside a network namespace of its own, set up as above, and exits
 * with its status; returns (doing nothing) when already inside. Call it first thing, with top-level
 * await, before any test is registered: the outer process registers none, so `node --test` sees
 * only the inner one's (it inherits stdout, where the runner reads the results).
 */
export async function enterNetns() {
  if (inNetns()) {
    setUpNetns();
    return;
  }
  const child = spawn('unshare', ['-n', '--', process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, [NETNS_MARK]: '1' },
  });
  const code = await new Promise((resolve) => {
    child.on('error', (e) => { console.error(`unshare -n failed (root needed): ${e.message}`); resolve(1); });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  process.exit(code);
}

function setUpNetns() {
  const ip = (...args) => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0 && !/File exists/.test(r.stderr)) throw new Error(`ip ${args.join(' ')}: ${r.stderr || r.error}`);
  };
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'sfu0', 'type', 'veth', 'peer', 'name', 'sfu1');
  ip('addr', 'add', '127.0.0.1/32', 'dev', 'sfu0');
  ip('addr', 'add', '10.77.0.1/24', 'dev', 'sfu1');
  ip('link', 'set', 'sfu0', 'up');
  ip('link', 'set', 'sfu1', 'up');
  ip('route', 'add', 'default', 'dev', 'sfu1');
}

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function writeConfig(dir, { port, iceInterface, debugLevel }) {
  const plugins = ['audiobridge', 'duktape', 'echotest', 'lua', 'nosip', 'recordplay', 'sip', 'streaming', 'textroom', 'videocall', 'voicemail'];
  const transports = ['mqtt', 'nanomsg', 'pfunix', 'rabbitmq', 'websockets'];
  const events = ['gelfevh', 'mqttevh', 'nanomsgevh', 'rabbitmqevh', 'sampleevh', 'wsevh'];
  const list = (xs, pre) => xs.map((x) => `libjanus_${pre}${x}.so`).join(',');
  writeFileSync(path.join(dir, 'janus.jcfg'), `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIBDIR}/plugins"
  transports_folder = "${LIBDIR}/transports"
  events_folder = "${LIBDIR}/events"
  loggers_folder = "${LIBDIR}/loggers"
  debug_level = ${debugLevel}
  session_timeout = 0
  protected_folders = []
}
media: {
  rtp_port_range = "20000-40000"
}
nat: {
  nice_debug = false
  ignore_mdns = true
${iceInterface ? `  ice_enforce_list = "${iceInterface}"\n` : ''}}
plugins: { disable = "${list(plugins, '')}" }
transports: { disable = "${list(transports, '')}" }
events: { broadcast = false, disable = "${list(events, '')}" }
loggers: { disable = "libjanus_jsonlog.so" }
`);
  writeFileSync(path.join(dir, 'janus.transport.http.jcfg'), `general: {
  json = "plain"
  base_path = "/janus"
  http = true
  port = ${port}
  ip = "127.0.0.1"
  https = false
}
admin: { admin_http = false, admin_https = false }
cors: { }
`);
  writeFileSync(path.join(dir, 'janus.plugin.videoroom.jcfg'), `general: { }\n`);
}

/**
 * Starts Janus. Options: `port` (HTTP, default a free one), `iceInterface` (its ice_enforce_list;
 * default `sfu0` inside the namespace, none outside), `debugLevel` (default 3, JANUS_DEBUG).
 * Resolves to `{ url, pid, log(), stop() }` once `GET /janus/info` answers; `url` is the HTTP API
 * root (…/janus). `stop()` kills it by pid and removes the config folder.
 */
export async function startJanus({ port, iceInterface, debugLevel = Number(process.env.JANUS_DEBUG ?? 3) } = {}) {
  if (!existsSync(JANUS)) throw new Error(`${JANUS} is missing: run scripts/bootstrap.sh (apt-get install janus)`);
  port ??= await freePort();
  if (iceInterface === undefined && inNetns()) iceInterface = NETNS_ICE_INTERFACE;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rtc-peer-janus-'));
  writeConfig(dir, { port, iceInterface, debugLevel });
  const child = spawn(JANUS, ['-C', path.join(dir, 'janus.jcfg'), '-F', dir, '-o'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d) => { output = (output + d).slice(-200_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.on('exit', (code, signal) => { exited = { code, signal }; });
  const url = `http://127.0.0.1:${port}/janus`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`janus exited (${JSON.stringify(exited)}) before answering:\n${output.slice(-4000)}`);
    try {
      const r = await fetch(`${url}/info`);
      if (r.ok && (await r.json()).janus === 'server_info') break;
    } catch { /* not yet listening */ }
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`janus did not answer on ${url}:\n${output.slice(-4000)}`); }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid,
    log: () => output,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        process.kill(child.pid, 'SIGTERM');
        const timer = setTimeout(() => { if (!exited) process.kill(child.pid, 'SIGKILL'); }, 3000);
        await gone;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
