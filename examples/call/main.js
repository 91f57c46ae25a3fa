// The page's only script (no inline script: the example server sends a strict CSP).
import init, { run } from './pkg/call_example.js';

const status = document.getElementById('status');
init().then(run).catch((e) => { status.textContent = `failed: ${e?.message ?? e}`; });
