// Helpers for tests/page/bundlers.test.mjs: pack this package, make throwaway apps from
// tests/apps/<name> under test-artifacts/apps/<name>, install the tarball into them and build
// them with the root's webpack / Vite (nothing big is installed per app).
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ARTIFACTS = path.join(ROOT, 'test-artifacts');
export const APPS = path.join(ARTIFACTS, 'apps');
const BIN = path.join(ROOT, 'node_modules', '.bin');

/** Runs a command; resolves with { stdout, stderr, ms }, rejects with both outputs in the message. */
export function sh(cmd, args, { cwd = ROOT, env = {} } = {}) {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd, env: { ...process.env, ...env }, maxBuffer: 32 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} (in ${path.relative(ROOT, cwd) || '.'}) failed (${err.code}):\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr, ms: Date.now() - start });
    });
  });
}

/**
 * `npm pack` of the package into test-artifacts/. `--ignore-scripts`: the `prepack` script would
 * rebuild the package, which scripts/test.sh has just done. Returns { tarball, files }.
 * RTC_PEER_PACK_ROOT packs another directory laid out like the package (package.json + pkg/).
 */
export async function packTarball() {
  await fs.mkdir(ARTIFACTS, { recursive: true });
  const cwd = path.resolve(ROOT, process.env.RTC_PEER_PACK_ROOT || '.');
  const { stdout } = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', ARTIFACTS], { cwd });
  const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
  return { tarball: path.join(ARTIFACTS, info.filename), files: info.files.map((f) => f.path), size: info.size };
}

/** Copies tests/apps/<name> (and common/call.js beside its entry) to test-artifacts/apps/<name>. */
export async function makeApp(name) {
  const dir = path.join(APPS, name);
  await fs.rm(dir, { recursive: true, force: true });
  await fs.cp(path.join(ROOT, 'tests', 'apps', name), dir, { recursive: true });
  const entryDir = name === 'webpack' ? path.join(dir, 'src') : dir;
  await fs.copyFile(path.join(ROOT, 'tests', 'apps', 'common', 'call.js'), path.join(entryDir, 'call.js'));
  return dir;
}

/** Installs the tarball into an app (offline: the package has no dependencies). */
export async function installTarball(dir, tarball) {
  await sh('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: dir });
  // The app must get the packed copy, not a link to the working tree.
  const installed = path.join(dir, 'node_modules', 'rtc-peer');
  const stat = await fs.lstat(installed);
  if (stat.isSymbolicLink()) throw new Error(`${installed} is a symlink, not the packed package`);
  return installed;
}

/** Builds an app; returns the directory to serve. */
export async function buildApp(name, dir) {
  if (name === 'webpack') {
    await sh(path.join(BIN, 'webpack'), ['--config', 'webpack.config.cjs', '--no-color'], { cwd: dir });
    await fs.copyFile(path.join(dir, 'index.html'), path.join(dir, 'dist', 'index.html'));
    return path.join(dir, 'dist');
  }
  if (name === 'vite') {
    await sh(path.join(BIN, 'vite'), ['build', '--config', 'vite.config.mjs'], { cwd: dir });
    return path.join(dir, 'dist');
  }
  return dir; // plain: served as is, node_modules included
}

/** The files under a directory, relative, sorted (for messages). */
export async function listFiles(dir) {
  const out = [];
  for (const e of await fs.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out.push(path.relative(dir, path.join(e.parentPath ?? e.path, e.name)));
  }
  return out.sort();
}
