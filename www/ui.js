// Small DOM helpers shared by the bootstrap and the app. No framework, no innerHTML: remote
// stream ids come from the far side and are only ever set as text.

export const $ = (id) => document.getElementById(id);

/** `h('div', { class: 'x', dataset: { a: 1 } }, 'text', child)`; null/false children are skipped. */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** The page's machine-readable state, for tests and styling: `body[data-state]`. */
export function setState(state) {
  document.body.dataset.state = state;
}

/** A full-width message above the stage; `actions` are `[label, onclick]` pairs. */
export function showNotice(title, text, actions = [], tone = 'error') {
  const box = $('notice');
  box.hidden = false;
  box.dataset.tone = tone;
  $('notice-title').textContent = title;
  $('notice-text').textContent = text;
  $('notice-actions').replaceChildren(
    ...actions.map(([label, onclick], i) => h('button', { type: 'button', class: i ? 'secondary' : '', onclick }, label)),
  );
  document.body.classList.add('has-notice');
}

export function hideNotice() {
  $('notice').hidden = true;
  document.body.classList.remove('has-notice');
}

/** The first 8 characters of an id, enough to tell streams apart on screen. */
export const short = (id) => (id ? String(id).replace(/[{}]/g, '').slice(0, 8) : '—');

const started = performance.now();
const entries = [];
const MAX_LOG = 40;

/** Appends to the event log panel (most recent first). `tone`: '', 'ok', 'warn'. */
export function log(text, tone = '') {
  entries.unshift({ t: (performance.now() - started) / 1000, text, tone });
  entries.length = Math.min(entries.length, MAX_LOG);
  const list = $('log');
  if (!list) return;
  list.replaceChildren(
    ...entries.map((e) => h('li', { class: e.tone }, h('time', {}, `${e.t.toFixed(1)}s`), h('span', {}, e.text))),
  );
  list.dataset.count = String(entries.length);
}
