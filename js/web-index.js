// Entry for `<script type="module">` with no bundler: fetches and instantiates the wasm module
// (from beside this file) before anything is exported, so `import { PeerConnection }` just works.
import init from './rtc_peer.js';

await init();

export * from './rtc-peer.js';
