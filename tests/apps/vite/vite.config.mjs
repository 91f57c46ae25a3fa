// Vite needs a plugin for wasm-pack's bundler build (`import * as wasm from './x_bg.wasm'`);
// vite-plugin-wasm turns it into a top-level await, hence the esnext target.
import { defineConfig } from 'vite';
import wasm from 'vite-plugin-wasm';

export default defineConfig({
  base: './',
  plugins: [wasm()],
  build: { target: 'esnext', outDir: 'dist', emptyOutDir: true, modulePreload: { polyfill: false } },
  logLevel: 'warn',
});
