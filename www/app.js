// The demo: camera → addTrack into a PeerConnection → a call (loopback in this page, or two tabs),
// with live panels for stream grouping and the sender-reuse ledger. Loaded by index.js only once
// the browser is known to have WebRTC.
import { PeerConnection, attachStream } from 'rtc-peer';
import { $, h, setState, showNotice, hideNotice, short, log } from './ui.js';
import { camera, describeMediaError, syntheticVideo, syntheticAudio, syntheticCamera, stopTrack } from './media.js';
import { loopback } from './loopback.js';
import { tabs } from './tabs.js';
import { relay } from './relay.js';
import { sfu } from './sfu.js';

const params = new URLSearchParams(location.search);
// `?room=NAME&relay` (or `?mode=relay&room=NAME`): two browsers through npm start's signalling relay;
// `?mode=sfu`: publishers in this page through Janus (npm run demo:sfu).
const mode = params.has('relay') || params.get('mode') === 'relay' ? 'relay' : ['tabs', 'sfu'].includes(params.get('mode')) ? params.get('mode') : 'loopback';
const room = params.get('room') || 'demo';
const MAX_STREAMLESS = 4;

/** Everything this page sends, kept across calls (two-tab mode makes a new call per partner). */
const local = {
  cam: null, // the camera MediaStream (or a synthetic one)
  second: null, // { track, stream }: the second video track, in a stream of its own
  streamless: [], // tracks added with no stream
  screen: null, // a screen-like canvas track sent with no stream (relay mode's renegotiation control)
  probes: null, // { audio, video }: ended tracks of each kind, for predictAddTrack
  muted: false,
  hear: false,
  policy: 'shared',
  started: false,
};
let session = null; // { sender, receiver, conn, close }
let peerTab = null;
let mismatches = 0;

export function start() {
  document.body.dataset.mode = mode;
  $(`mode-${mode}`).setAttribute('aria-current', 'page');
  $('mode-relay').href = `?room=${encodeURIComponent(room)}&relay`;
  $('btn-newtab').hidden = mode !== 'tabs';
  // SFU mode: the buttons that send this page's own tracks make no sense (nothing is sent to Janus
  // from the subscriber); the publisher buttons replace them.
  for (const id of ['btn-second', 'btn-streamless', 'btn-screen']) $(id).hidden = mode === 'sfu';
  for (const id of ['btn-add-publisher', 'btn-remove-publisher']) $(id).hidden = mode !== 'sfu';
  if (mode === 'sfu') document.querySelector('.foot span').textContent = 'Publishers in this page → Janus on this machine → one subscriber PeerConnection.';
  if (mode === 'tabs') {
    $('btn-newtab').href = '?mode=tabs' + (params.get('media') ? `&media=${params.get('media')}` : '');
    $('policy-hint').textContent = 'Applies to streamless tracks this tab receives after the switch (the other tab adds them with pc.addTrack(track)).';
  }
  wireControls();
  setInterval(render, 1000);
  setInterval(renderLevels, 150);
  window.rtcPeerDemo = { local, get session() { return session; } }; // for poking around in devtools
  return acquire(params.get('media') === 'synthetic' ? 'synthetic' : 'camera');
}

// ---------------------------------------------------------------------------------------------
// Media and calls
// ---------------------------------------------------------------------------------------------

async function acquire(source) {
  setState('media');
  setBadge('waiting', source === 'camera' ? 'asking for camera…' : 'starting…');
  let stream;
  try {
    stream = source === 'synthetic' ? syntheticCamera() : await camera();
  } catch (err) {
    const d = describeMediaError(err);
    setState(d.state);
    setBadge('failed', 'no media');
    showNotice(d.title, d.text, [
      ['Try again', () => acquire('camera')],
      ['Use synthetic media', () => acquire('synthetic')],
    ]);
    log(`getUserMedia failed: ${err.name}`, 'warn');
    render();
    return;
  }
  hideNotice();
  local.cam = stream;
  local.probes ??= makeProbes(stream);
  attachStream($('local-video'), stream);
  log(`${source === 'camera' ? 'getUserMedia' : 'synthetic media'}: stream ${short(stream.id)} (${kinds(stream.getTracks())})`);
  applyMute();
  if (!local.started) {
    local.started = true;
    if (mode === 'tabs') startTabs();
    else if (mode === 'relay') startRelay();
    else if (mode === 'sfu') startSfu();
    else startLoopback();
  } else if (session && mode !== 'sfu') {
    for (const track of stream.getTracks()) addLocal(session.sender, track, [stream]);
  }
  render();
}

/** Tracks of each kind for `predictAddTrack` that are never sent: stopped clones. */
function makeProbes(stream) {
  const clone = (kind) => {
    const t = stream.getTracks().find((t) => t.kind === kind);
    return t ? t.clone() : kind === 'video' ? syntheticVideo('probe') : syntheticAudio();
  };
  const probes = { audio: clone('audio'), video: clone('video') };
  stopTrack(probes.audio);
  stopTrack(probes.video);
  return probes;
}

function startLoopback() {
  session = loopback({ PeerConnection, policy: local.policy, log });
  watch(session);
  log('loopback call: two PeerConnections in this page');
  addAllLocal(session.sender);
}

function startSfu() {
  setState('waiting');
  const janusUrl = params.get('janus') || 'http://127.0.0.1:8088/janus';
  sfu({ PeerConnection, policy: local.policy, log, janusUrl, onChange: scheduleRender })
    .then(async (s) => {
      session = s;
      watch(s);
      log('SFU mode: publishers in this page → Janus → one subscriber PeerConnection');
      for (let i = 0; i < Number(params.get('publishers') ?? 2); i++) await s.sfu.addPublisher();
      render();
    })
    .catch((err) => {
      setState('error');
      showNotice('Janus did not answer', `${janusUrl}: ${err.message}. Start the demo with \`npm run demo:sfu\`, which starts Janus and prints this page's URL.`);
    });
}

function startTabs() {
  setState('waiting');
  tabs({
    PeerConnection,
    policy: () => local.policy,
    log,
    onPeer: (p) => { peerTab = p; },
    onSession: (s) => {
      clearRemoteTiles();
      session = s;
      if (s) {
        watch(s);
        addAllLocal(s.sender);
      }
      render();
    },
  });
}

function startRelay() {
  setState('waiting');
  relay({
    PeerConnection,
    room,
    policy: () => local.policy,
    log,
    onSession: (s) => {
      clearRemoteTiles();
      session = s;
      if (s) {
        watch(s);
        // The polite side sends once the first negotiation is over, so the two first offers do
        // not collide (the impolite side would drop the candidates of the polite side's offer).
        if (!s.polite) addAllLocal(s.sender);
        else s.conn.addEventListener('negotiated', () => { if (session === s) addAllLocal(s.sender); }, { once: true });
      }
      render();
    },
  });
}

function addAllLocal(pc) {
  if (local.cam) for (const track of local.cam.getTracks()) addLocal(pc, track, [local.cam]);
  if (local.second) addLocal(pc, local.second.track, [local.second.stream]);
  for (const track of local.streamless) addLocal(pc, track, []);
  if (local.screen) addLocal(pc, local.screen, []);
}

/** `pc.addTrack`, logging what the library predicted (predictAddTrack) against what happened. */
function addLocal(pc, track, streams) {
  if (pc.signalingState === 'closed') return null;
  const before = pc.getTransceivers();
  const prediction = pc.predictAddTrack(track);
  const sender = pc.addTrack(track, ...streams);
  const all = pc.getTransceivers();
  const t = all.find((x) => x.sender === sender);
  const index = all.indexOf(t);
  const reused = before.includes(t);
  const predicted = prediction.reuse ? all.indexOf(prediction.reuse) : -1;
  const what = reused ? `reused transceiver #${index}` : `new transceiver #${index}`;
  const target = streams.length ? `stream ${short(streams[0].id)}` : 'no stream';
  if ((reused ? index : -1) === predicted) {
    log(`addTrack(${track.kind}, ${target}) → ${what}, as predicted`);
  } else {
    mismatches += 1;
    document.body.dataset.mismatches = String(mismatches);
    log(`addTrack(${track.kind}, ${target}) → ${what}, but predictAddTrack said ${predicted < 0 ? 'new' : `#${predicted}`}`, 'warn');
  }
  scheduleRender();
  return sender;
}

function removeLocal(track) {
  const pc = session?.sender;
  const sender = pc && pc.signalingState !== 'closed' ? pc.getSenders().find((s) => s.track === track) : null;
  if (sender) {
    const t = pc.getTransceivers().find((x) => x.sender === sender);
    pc.removeTrack(sender);
    log(`removeTrack(${track.kind}) → transceiver #${pc.getTransceivers().indexOf(t)} now ${t.direction}`);
  }
  stopTrack(track);
}

const watched = new WeakSet();
const createdUnder = new WeakMap(); // streamless group -> the policy it was made under

function watch(s) {
  const pcs = s.sender === s.receiver ? [s.sender] : [s.sender, s.receiver];
  for (const pc of pcs) {
    for (const type of ['signalingstatechange', 'connectionstatechange', 'iceconnectionstatechange']) {
      pc.addEventListener(type, scheduleRender);
    }
  }
  s.conn.addEventListener('connectionstatechange', () => {
    const st = s.conn.connectionState;
    log(`connection ${st}`, st === 'connected' ? 'ok' : st === 'failed' ? 'warn' : '');
  });
  const rx = s.receiver;
  rx.addEventListener('track', ({ track, streams }) => {
    log(`track event: ${track.kind} (${streams.length ? `streams ${streams.map((x) => short(x.id)).join(', ')}` : 'no stream'})`);
  });
  rx.addEventListener('streamadded', ({ stream, streamless }) => {
    if (streamless) createdUnder.set(stream, rx.streamlessPolicy);
    log(`streamadded: ${streamless ? 'streamless group' : 'stream'} ${short(stream.id)} (${kinds(stream.getTracks())})`, 'ok');
    if (!watched.has(stream)) {
      watched.add(stream);
      stream.addEventListener('addtrack', ({ track }) => {
        log(`stream ${short(stream.id)}: + ${track.kind} track`);
        scheduleRender();
      });
      stream.addEventListener('removetrack', ({ track }) => {
        log(`stream ${short(stream.id)}: − ${track.kind} track`);
        scheduleRender();
      });
    }
    scheduleRender();
  });
  rx.addEventListener('streamremoved', ({ stream, streamless }) => {
    log(`streamremoved: ${streamless ? 'streamless group' : 'stream'} ${short(stream.id)}`);
    scheduleRender();
  });
}

// ---------------------------------------------------------------------------------------------
// Controls
// ---------------------------------------------------------------------------------------------

function wireControls() {
  $('btn-mute').addEventListener('click', () => {
    local.muted = !local.muted;
    applyMute();
    log(local.muted ? 'microphone muted (track.enabled = false)' : 'microphone unmuted');
    render();
  });
  $('btn-camera').addEventListener('click', () => {
    if (local.cam) {
      const cam = local.cam;
      local.cam = null;
      for (const track of cam.getTracks()) removeLocal(track);
      attachStream($('local-video'), null);
      log('camera stopped');
      render();
    } else {
      acquire('camera');
    }
  });
  $('btn-second').addEventListener('click', () => {
    if (local.second) {
      removeLocal(local.second.track);
      local.second = null;
    } else {
      const track = syntheticVideo('second video track', 28);
      const stream = new MediaStream([track]);
      local.second = { track, stream };
      log(`second video track (canvas) in new stream ${short(stream.id)}`);
      if (session) addLocal(session.sender, track, [stream]);
    }
    render();
  });
  $('btn-streamless').addEventListener('click', () => {
    if (local.streamless.length >= MAX_STREAMLESS) return;
    const n = local.streamless.length + 1;
    const track = syntheticVideo(`streamless track ${n}`, 280 + n * 25);
    local.streamless.push(track);
    if (session) addLocal(session.sender, track, []);
    render();
  });
  $('btn-screen').addEventListener('click', () => {
    if (local.screen) {
      removeLocal(local.screen);
      log('screen-like track removed (removeTrack)');
      local.screen = null;
    } else {
      local.screen = syntheticVideo('screen (canvas, no stream)', 20, 480, 270);
      log('screen-like canvas track, added with no stream');
      if (session) addLocal(session.sender, local.screen, []);
    }
    render();
  });
  let busy = false; // one publisher change at a time
  const publisherChange = (what) => async () => {
    if (busy || !session?.sfu) return;
    busy = true;
    try { await session.sfu[what](); } catch (err) { log(`${what} failed: ${err.message}`, 'warn'); }
    busy = false;
    render();
  };
  $('btn-add-publisher').addEventListener('click', publisherChange('addPublisher'));
  $('btn-remove-publisher').addEventListener('click', publisherChange('removePublisher'));
  $('btn-hear').addEventListener('click', () => {
    local.hear = !local.hear;
    for (const v of document.querySelectorAll('.tile.remote video')) {
      v.muted = !local.hear;
      if (local.hear) v.play().catch(() => {});
    }
    log(local.hear ? 'remote audio on' : 'remote audio off');
    render();
  });
  for (const input of document.querySelectorAll('input[name=policy]')) {
    input.addEventListener('change', () => {
      local.policy = input.value;
      if (session) session.receiver.streamlessPolicy = input.value;
      log(`pc.streamlessPolicy = '${input.value}'`);
      render();
    });
  }
}

function applyMute() {
  for (const t of local.cam?.getAudioTracks() ?? []) t.enabled = !local.muted;
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

let renderQueued = false;
function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 0);
}

function render() {
  renderStatus();
  renderControls();
  renderLocalTile();
  renderRemote();
  renderLedger();
}

const STATE_LABEL = {
  new: 'new', connecting: 'connecting…', connected: 'connected', disconnected: 'disconnected', failed: 'failed', closed: 'closed',
};

function setBadge(conn, text) {
  const badge = $('conn-badge');
  badge.dataset.conn = conn;
  badge.textContent = text;
}

function renderStatus() {
  if (!local.started) return; // still asking for media, or showing why not
  if (!session) {
    setState('waiting');
    setBadge('waiting', mode === 'relay' ? `waiting for the other browser · room ${room}` : 'waiting for another tab');
    return;
  }
  const st = session.conn.connectionState;
  setState(st === 'new' ? 'connecting' : st);
  const where = mode === 'tabs' ? ` · tab ${peerTab}` : mode === 'relay' ? ` · relay room ${room}` : mode === 'sfu' ? ` · Janus room ${session.sfu.room}` : ' · loopback';
  setBadge(st, STATE_LABEL[st] + (st === 'connected' ? where : ''));
}

function renderControls() {
  const cam = local.cam;
  const hasAudio = !!cam?.getAudioTracks().length;
  const mute = $('btn-mute');
  mute.disabled = !hasAudio;
  mute.textContent = local.muted ? 'Unmute mic' : 'Mute mic';
  mute.setAttribute('aria-pressed', String(local.muted));
  const camBtn = $('btn-camera');
  camBtn.disabled = !local.started;
  camBtn.textContent = cam ? 'Stop camera' : 'Start camera';
  const second = $('btn-second');
  second.disabled = !local.started;
  second.textContent = local.second ? 'Remove second video track' : 'Add second video track';
  const sl = $('btn-streamless');
  sl.disabled = !local.started || local.streamless.length >= MAX_STREAMLESS;
  sl.textContent = `Add streamless track (${local.streamless.length}/${MAX_STREAMLESS})`;
  const screen = $('btn-screen');
  screen.disabled = !local.started;
  screen.textContent = local.screen ? 'Remove screen track' : 'Add screen track (no stream)';
  screen.setAttribute('aria-pressed', String(!!local.screen));
  $('btn-add-publisher').disabled = !session?.sfu;
  $('btn-remove-publisher').disabled = !session?.sfu?.publishers;
  if (session?.sfu) $('btn-remove-publisher').textContent = `Remove a publisher (${session.sfu.publishers})`;
  const hear = $('btn-hear');
  hear.disabled = !local.started;
  hear.textContent = local.hear ? 'Silence remote audio' : 'Hear remote audio';
  hear.setAttribute('aria-pressed', String(local.hear));
  for (const input of document.querySelectorAll('input[name=policy]')) {
    input.checked = input.value === (session?.receiver.streamlessPolicy ?? local.policy);
  }
}

function renderLocalTile() {
  const tile = $('local-tile');
  const cam = local.cam;
  tile.dataset.camera = cam ? 'on' : 'off';
  tile.dataset.mic = !cam?.getAudioTracks().length ? 'none' : local.muted ? 'muted' : 'on';
  tile.dataset.streamId = cam?.id ?? '';
  const tags = [];
  if (!cam) tags.push(['camera off', 'warn']);
  else {
    tags.push([`stream ${short(cam.id)}`, '']);
    if (local.muted) tags.push(['mic muted', 'warn']);
  }
  if (local.second) tags.push(['+ second track', 'accent']);
  setChildrenIfChanged($('local-tags'), tags, () => tags.map(([t, c]) => h('span', { class: `tag ${c}` }, t)));
  let pip = tile.querySelector('video.pip');
  if (local.second && !pip) {
    pip = h('video', { class: 'pip', muted: true, playsInline: true, autoplay: true });
    tile.append(pip);
    attachStream(pip, local.second.stream);
  } else if (!local.second && pip) {
    pip.remove();
  }
}

// Remote tiles, one per remote stream, keyed by the stream object.
const tiles = new Map();

function clearRemoteTiles() {
  for (const tile of tiles.values()) tile.remove();
  tiles.clear();
}

function renderRemote() {
  const rx = session?.receiver;
  const streams = rx ? rx.remoteStreams() : [];
  for (const [stream, tile] of tiles) {
    if (!streams.includes(stream)) {
      tile.remove();
      tiles.delete(stream);
    }
  }
  streams.forEach((stream, i) => {
    let tile = tiles.get(stream);
    if (!tile) {
      const video = h('video', { muted: !local.hear, playsInline: true, autoplay: true });
      tile = h('figure', { class: 'tile remote' },
        video,
        h('div', { class: 'audio-only' }, h('span', {}, '♪'), h('small', {}, 'audio only')),
        h('div', { class: 'level', title: 'remote audio level' }, h('i')),
        h('figcaption', {}, h('span', { class: 'who' }), h('span', { class: 'tags' })));
      attachStream(video, stream);
      tiles.set(stream, tile);
    }
    const streamless = rx.isStreamless(stream);
    const ks = kindsKey(stream.getTracks());
    Object.assign(tile.dataset, { streamId: stream.id, streamless: String(streamless), kinds: ks });
    tile.querySelector('.who').textContent =
      `Remote${mode === 'loopback' ? ' (loopback)' : ''} · ${streamless ? 'streamless' : 'stream'} ${short(stream.id)}`;
    const under = createdUnder.get(stream);
    const tags = [[ks ? ks.replace(',', ' + ') : 'no tracks', ''], ...(streamless && under ? [[under, 'accent']] : [])];
    setChildrenIfChanged(tile.querySelector('.tags'), tags, () => tags.map(([t, c]) => h('span', { class: `tag ${c}` }, t)));
    const container = $('remote-tiles');
    if (container.children[i] !== tile) container.insertBefore(tile, container.children[i] ?? null);
  });
  $('stage').dataset.remoteCount = String(streams.length);

  // The streams panel: remote groups, then what the sender recorded locally.
  const remoteModel = streams.map((s) => ({
    id: s.id,
    streamless: rx.isStreamless(s),
    under: createdUnder.get(s) ?? null,
    tracks: s.getTracks().map((t) => ({ kind: t.kind, id: t.id, state: t.readyState, muted: t.muted })),
  }));
  setChildrenIfChanged($('remote-streams'), remoteModel, () =>
    remoteModel.length
      ? remoteModel.map((s) =>
          h('div', { class: 'card', dataset: { streamId: s.id, streamless: String(s.streamless), kinds: kindsKey(s.tracks), tracks: String(s.tracks.length) } },
            h('div', { class: 'card-head' },
              h('code', { title: s.id }, short(s.id)),
              h('span', { class: `tag ${s.streamless ? 'accent' : ''}` }, s.streamless ? `streamless group${s.under ? ` · ${s.under}` : ''}` : 'msid stream')),
            h('ul', { class: 'tracks' },
              s.tracks.map((t) =>
                h('li', { dataset: { kind: t.kind } },
                  h('span', { class: `kind ${t.kind}` }, t.kind),
                  h('code', { title: t.id }, short(t.id)),
                  h('span', { class: 'muted-text' }, t.state + (t.muted ? ' · muted' : '')))))))
      : [h('p', { class: 'empty' }, session ? 'No remote streams yet.' : 'No call yet.')],
  );
  $('remote-streams').dataset.count = String(remoteModel.length);

  const tx = session?.sender;
  const localModel = tx && tx.signalingState !== 'closed'
    ? tx.localStreams().map((r) => ({ id: r.id, kinds: kindsKey(r.tracks), senders: r.senders.length, tracks: r.tracks.length }))
    : [];
  setChildrenIfChanged($('local-streams'), localModel, () =>
    localModel.length
      ? localModel.map((r) =>
          h('div', { class: 'card', dataset: { streamId: r.id, kinds: r.kinds } },
            h('div', { class: 'card-head' },
              h('code', { title: r.id }, short(r.id)),
              h('span', { class: 'muted-text' }, `${r.kinds.replace(',', ' + ') || 'tracks removed'} · ${r.senders} sender${r.senders === 1 ? '' : 's'}`))))
      : [h('p', { class: 'empty' }, 'Nothing sent with a stream.')],
  );
  $('local-streams').dataset.count = String(localModel.length);
}

const SHORT_REASON = {
  'has-track': 'has track', 'kind-mismatch': 'other kind', 'stopped': 'stopped', 'stopping': 'stopping', 'has-sent': 'has sent',
  'stopping-reused': 'stopping, reused', 'stopping-picked': 'stopping, throws',
};

function renderLedger() {
  const pc = session?.sender;
  const live = pc && pc.signalingState !== 'closed';
  const ts = live ? pc.getTransceivers() : [];
  const predictions = live && local.probes
    ? { audio: pc.predictAddTrack(local.probes.audio), video: pc.predictAddTrack(local.probes.video) }
    : null;
  const verdict = (kind, i) => {
    const p = predictions?.[kind];
    const c = p?.candidates[i];
    if (!c) return { key: 'unknown', text: '—', title: '' };
    if (c.reusable) return p.reuse === ts[i] ? { key: 'reuse', text: '✓ next', title: 'addTrack will reuse this one' } : { key: 'reusable', text: '✓', title: 'reusable' };
    return { key: c.code, text: SHORT_REASON[c.code] ?? c.code, title: c.reason };
  };
  const rows = ts.map((t, i) => ({
    i,
    mid: t.mid ?? '—',
    kind: t.receiver.track.kind,
    direction: t.direction,
    current: t.currentDirection ?? 'null',
    hasSent: pc.hasSent(t),
    audio: verdict('audio', i),
    video: verdict('video', i),
  }));
  const tbody = $('ledger').tBodies[0];
  setChildrenIfChanged(tbody, rows, () =>
    rows.length
      ? rows.map((r) =>
          h('tr', { dataset: { index: String(r.i), kind: r.kind, direction: r.direction, currentDirection: r.current, hasSent: String(r.hasSent), audio: r.audio.key, video: r.video.key } },
            h('td', {}, String(r.i)),
            h('td', {}, r.mid),
            h('td', {}, h('span', { class: `kind ${r.kind}` }, r.kind)),
            h('td', {}, r.direction),
            h('td', { class: r.current === 'null' ? 'muted-text' : '' }, r.current === 'null' ? '—' : r.current),
            h('td', { class: r.hasSent ? 'yes' : 'muted-text' }, r.hasSent ? 'yes' : 'no'),
            ...[r.audio, r.video].map((v) => h('td', { title: v.title }, h('span', { class: `verdict ${v.key}` }, v.text)))))
      : [h('tr', {}, h('td', { colSpan: 8, class: 'empty' }, 'No transceivers yet.'))],
  );
  $('ledger').dataset.count = String(rows.length);

  const summary = predictions
    ? ['audio', 'video'].map((kind) => {
        const p = predictions[kind];
        const reuse = p.reuse ? ts.indexOf(p.reuse) : -1;
        const blocked = p.candidates
          .map((c, i) => ({ ...c, i }))
          .filter((c) => !c.reusable && c.code !== 'kind-mismatch');
        return {
          kind,
          verdict: p.throws ? 'throws' : reuse >= 0 ? 'reuse' : 'new',
          reuse,
          text: p.throws ? `throws ${p.throws}` : reuse >= 0 ? `reuses transceiver #${reuse}` : 'creates a new transceiver',
          why: blocked.map((c) => `#${c.i} ${c.reason}`),
        };
      })
    : [];
  setChildrenIfChanged($('predictions'), summary, () =>
    summary.map((s) =>
      h('li', { dataset: { kind: s.kind, verdict: s.verdict, reuse: String(s.reuse) } },
        h('span', { class: `kind ${s.kind}` }, s.kind),
        h('span', {}, 'next addTrack ', h('strong', {}, s.text)),
        s.why.length ? h('small', {}, `not reusable: ${s.why.join('; ')}`) : null)),
  );
}

/** Remote audio levels from `receiver.getSynchronizationSources()` (no AudioContext needed). */
function renderLevels() {
  const rx = session?.receiver;
  if (!rx || rx.signalingState === 'closed') return;
  const receivers = rx.getReceivers();
  for (const [stream, tile] of tiles) {
    const track = stream.getAudioTracks()[0];
    const r = track && receivers.find((x) => x.track === track);
    const level = r?.getSynchronizationSources()[0]?.audioLevel ?? 0;
    tile.style.setProperty('--level', String(Math.min(1, Math.sqrt(level) * 1.4)));
  }
}

// ---------------------------------------------------------------------------------------------

function kinds(tracks) {
  return tracks.map((t) => t.kind).join(' + ') || 'no tracks';
}

function kindsKey(tracks) {
  return [...new Set(tracks.map((t) => t.kind))].sort().join(',');
}

/** Rebuilds `el`'s children only when the model changed (keeps hover/selection stable). */
function setChildrenIfChanged(el, model, build) {
  const key = JSON.stringify(model);
  if (el._model === key) return;
  el._model = key;
  el.replaceChildren(...build());
}
