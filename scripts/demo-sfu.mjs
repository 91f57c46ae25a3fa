// `npm run demo:sfu`: starts Janus 1.1.2 (tests/page/lib/janus.mjs, its own config folder, HTTP API
// on 127.0.0.1) and serves the demo (webpack) in SFU mode; prints the page's URL; Ctrl-C stops both.
//
// The browser you open runs outside any network namespace, so Janus here is NOT in one: its ICE
// candidates come from this machine's non-loopback interface (the default route's, or
// JANUS_ICE_INTERFACE). Media still never leaves the host: both ends are this host's own address.
// A machine with no such interface can make one: `ip link add rtcpeer0 type dummy && ip addr add
// 10.77.1.1/24 dev rtcpeer0 && ip link set rtcpeer0 up`, then JANUS_ICE_INTERFACE=rtcpeer0.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startJanus, freePort } from '../tests/page/lib/janus.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const route = spawnSync('ip', ['-o', 'route', 'show', 'default'], { encoding: 'utf8' }).stdout ?? '';
const iceInterface = process.env.JANUS_ICE_INTERFACE || route.match(/ dev (\S+)/)?.[1];
if (!iceInterface) {
  console.error('demo:sfu: no default-route interface for Janus\'s ICE candidates; set JANUS_ICE_INTERFACE (see scripts/demo-sfu.mjs)');
  process.exit(1);
}
const janus = await startJanus({ iceInterface, port: process.env.JANUS_PORT ? Number(process.env.JANUS_PORT) : undefined });
const port = process.env.PORT ? Number(process.env.PORT) : await freePort();
const url = `http://127.0.0.1:${port}/?mode=sfu&media=synthetic&janus=${encodeURIComponent(janus.url)}`;
const web = spawn(path.join(root, 'node_modules/.bin/webpack'), ['serve', '--mode', 'development'], {
  cwd: root,
  env: { ...process.env, PORT: String(port) },
  stdio: ['ignore', 'pipe', 'inherit'],
});
let shown = false;
web.stdout.on('data', (d) => {
  process.stdout.write(d);
  if (!shown && /rtc-peer demo:/.test(String(d))) {
    shown = true;
    console.log(`  SFU mode:      ${url}\n  (Janus pid ${janus.pid}, HTTP API ${janus.url}, ICE on ${iceInterface})\n`);
  }
});
const stop = async () => {
  web.kill('SIGTERM');
  await janus.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
web.on('exit', async (code) => {
  await janus.stop();
  process.exit(code ?? 0);
});
