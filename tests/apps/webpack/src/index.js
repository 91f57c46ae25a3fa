// Dynamic-import bootstrap: the wasm module loads asynchronously before the app code runs.
import('./app.js').catch((err) => {
  window.__call = { ok: false, how: 'webpack', error: `bootstrap: ${err?.stack ?? err}` };
});
