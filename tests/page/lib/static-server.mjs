// A tiny static file server for page tests: serves one directory on 127.0.0.1 (a free port),
// with the strict Content-Security-Policy the project promises to work under, and the right MIME
// types (application/wasm matters: WebAssembly.instantiateStreaming refuses anything else).
import http from 'node:http';
import fs from 'node:fs/promises';
import path from 'node:path';

export const STRICT_CSP = "script-src 'self' 'wasm-unsafe-eval'";

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root`. Returns `{ url, port, server, requests, close() }`; `url` ends with '/'. `requests` lists
 * `{ method, path, status }` for every request (handy to assert nothing 404s).
 * Options: `csp` (header value, or null for none), `headers` (extra headers), `port` (0 = free).
 */
export async function serveStatic(root, { csp = STRICT_CSP, headers = {}, port = 0 } = {}) {
  const base = path.resolve(root);
  const requests = [];
  const server = http.createServer(async (req, res) => {
    const entry = { method: req.method, path: req.url, status: 0 };
    requests.push(entry);
    const send = (status, body, type = 'text/plain; charset=utf-8', extra = {}) => {
      entry.status = status;
      res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra, ...headers, ...(csp ? { 'Content-Security-Policy': csp } : {}) });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad request');
    }
    if (rel.endsWith('/')) rel += 'index.html';
    const file = path.resolve(base, '.' + rel);
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'forbidden');
    try {
      const body = await fs.readFile(file);
      send(200, body, TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream');
    } catch (err) {
      send(err.code === 'ENOENT' || err.code === 'EISDIR' ? 404 : 500, String(err.code ?? err));
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const actual = server.address().port;
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    server, // the http.Server (e.g. to attach the demo's relay to its upgrade event)
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}
