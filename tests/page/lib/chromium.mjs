// Debian's Chromium driven by playwright-core (`npx playwright install` cannot work here), with
// the flags that keep it quiet on a closed network and fake camera/microphone devices.
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export const QUIET_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const FAKE_MEDIA_FLAGS = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Launches headless Chromium; `fakeMedia: false` leaves out the fake-device flags. */
export function launchChromium({ fakeMedia = true, args = [], ...options } = {}) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET_FLAGS, ...(fakeMedia ? FAKE_MEDIA_FLAGS : []), ...args],
    ...options,
  });
}

/**
 * Records a page's console errors and uncaught exceptions into `problems` (an array of strings,
 * prefixed with `label`), so a test can assert it stays empty.
 */
export function watchPage(page, problems = [], label = 'page') {
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      problems.push(`${label}: console.error: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
    }
  });
  page.on('pageerror', (err) => problems.push(`${label}: uncaught: ${err.stack || err.message}`));
  page.on('crash', () => problems.push(`${label}: page crashed`));
  return problems;
}
