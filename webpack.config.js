// The demo page (www/) as a webpack 5 build: `npm start` serves it, `npm run build` writes www/dist.
//
// It must work under a strict Content-Security-Policy (`script-src 'self' 'wasm-unsafe-eval'`):
// no inline script in the HTML, and no `eval` source maps even in development.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import HtmlWebpackPlugin from 'html-webpack-plugin';
import { attachRelay } from './www/relay-server.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
// The built package (scripts/build-pkg.sh); RTC_PEER_PKG points the demo at another build of it.
const pkg = path.resolve(root, process.env.RTC_PEER_PKG || 'pkg');

/** The header the dev server sends (and the page tests' static server sends the same). */
export const CSP = "script-src 'self' 'wasm-unsafe-eval'";

export default (env, argv) => {
  const production = argv.mode === 'production';
  return {
    mode: production ? 'production' : 'development',
    context: root,
    entry: { main: './www/index.js' },
    output: {
      path: path.resolve(root, 'www/dist'),
      filename: production ? '[name].[contenthash:8].js' : '[name].js',
      chunkFilename: production ? '[name].[contenthash:8].js' : '[name].js',
      webassemblyModuleFilename: production ? '[hash:16].module.wasm' : '[id].module.wasm',
      cssFilename: production ? '[name].[contenthash:8].css' : '[name].css',
      publicPath: 'auto',
      clean: true,
    },
    resolve: {
      alias: { 'rtc-peer$': path.join(pkg, 'rtc-peer.js') },
    },
    experiments: { asyncWebAssembly: true, css: true },
    module: {
      // package.json's "sideEffects" list covers www/ too; the stylesheet import is a side effect.
      rules: [{ test: /\.css$/, include: path.resolve(root, 'www'), sideEffects: true }],
    },
    devtool: 'source-map', // never an eval-* devtool: the CSP forbids eval
    performance: { hints: false },
    plugins: [
      new HtmlWebpackPlugin({
        template: path.resolve(root, 'www/index.html'),
        scriptLoading: 'defer',
        inject: 'head',
      }),
    ],
    devServer: {
      host: '127.0.0.1',
      port: process.env.PORT ? Number(process.env.PORT) : 'auto', // 'auto': 8080, or the next free port
      headers: { 'Content-Security-Policy': CSP },
      hot: false,
      liveReload: true,
      client: { logging: 'warn', overlay: { errors: true, warnings: false } },
      static: false,
      onListening(devServer) {
        // The signalling relay of the demo's two-browser mode, on the same server: ws://…/relay?room=NAME
        attachRelay(devServer.server);
        const { port } = devServer.server.address();
        const url = `http://127.0.0.1:${port}/`;
        // Printed once the first build is served, after webpack's output, so it is easy to find.
        devServer.middleware.waitUntilValid(() =>
          console.log(`\n  rtc-peer demo: ${url}\n  two-tab mode:  ${url}?mode=tabs  (open it in two tabs)\n` +
            `  two browsers:  ${url}?room=demo&relay  (open it in Chromium and in Firefox)\n`),
        );
      },
    },
  };
};
