// Runs the project's webpack build (webpack.config.js at the repository root) in a child process,
// like `npm run build` does after the package is built. Resolves with webpack's output.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export function webpackBuild({ mode = 'production', cwd = ROOT, args = [] } = {}) {
  const bin = path.join(cwd, 'node_modules/webpack/bin/webpack.js');
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, '--mode', mode, '--no-color', ...args], { cwd, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`webpack build failed (${err.code}):\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}
