// One small launch/page layer over two drivers, so each page test is written once and run in both
// browsers (see ../../../../shared/TOOLCHAIN.md, "Firefox pages"):
//   - 'chromium': Debian's Chromium through playwright-core (the flags of ./chromium.mjs);
//   - 'firefox':  Debian's Firefox ESR through puppeteer-core over WebDriver BiDi (playwright-core
//                 cannot drive stock Firefox), with the fake-media / autoplay / host-candidate prefs.
//
// `launch(name, options)` resolves to a Browser:
//   { name, version, newContext({ viewport }), newPage({ viewport }), close(), raw }
// a Context: { newPage(), close() }, and a Page:
//   { browser (name), raw, goto(url), evaluate(fn, arg), waitForFunction(fn, arg, { timeout }),
//     waitForSelector(selector, { timeout }), click(selector), evalOn(selector, fn, arg),
//     evalAll(selector, fn, arg), addInitScript(source), exposeFunction(name, fn),
//     onConsole(cb(type, text, location)), onPageError(cb(error)), screenshot({ path, fullPage }),
//     close(), isClosed() }
// `evaluate` and friends take ONE serialisable argument (playwright's convention; puppeteer's
// variadic form is adapted). `watch(page, problems, label)` records console errors and uncaught
// exceptions into `problems`, as ./chromium.mjs's watchPage does for playwright pages.
import { QUIET_FLAGS, FAKE_MEDIA_FLAGS, CHROMIUM } from './chromium.mjs';

export const BROWSERS = (process.env.PAGE_BROWSERS || 'chromium,firefox').split(',').map((s) => s.trim()).filter(Boolean);
export const FIREFOX = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr';

/** Prefs that make Firefox usable headless on this closed network (TOOLCHAIN.md). */
export const FIREFOX_PREFS = {
  'media.navigator.streams.fake': true,
  'media.navigator.permission.disabled': true,
  'media.autoplay.default': 0,
  'media.autoplay.blocking_policy': 0,
  'media.autoplay.block-webaudio': false,
  'media.peerconnection.ice.obfuscate_host_addresses': false,
  // quiet on a closed network
  'app.update.enabled': false,
  'browser.shell.checkDefaultBrowser': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'extensions.update.enabled': false,
  'browser.safebrowsing.malware.enabled': false,
  'browser.safebrowsing.phishing.enabled': false,
};

/**
 * Launches `name` ('chromium' | 'firefox'). Options: `args` (extra Chromium flags), `prefs`
 * (extra Firefox prefs), `fakeMedia` (default true).
 */
export async function launch(name, { args = [], prefs = {}, fakeMedia = true } = {}) {
  if (name === 'chromium') return launchChromiumBrowser({ args, fakeMedia });
  if (name === 'firefox') return launchFirefoxBrowser({ prefs, fakeMedia });
  throw new Error(`unknown browser ${name} (chromium or firefox)`);
}

// ----- Chromium (playwright-core) ---------------------------------------------------------------

async function launchChromiumBrowser({ args, fakeMedia }) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [...QUIET_FLAGS, ...(fakeMedia ? FAKE_MEDIA_FLAGS : []), '--autoplay-policy=no-user-gesture-required', ...args],
  });
  const newContext = async ({ viewport } = {}) => {
    const context = await browser.newContext(viewport ? { viewport } : {});
    return { raw: context, newPage: async () => playwrightPage(await context.newPage()), close: () => context.close() };
  };
  return {
    name: 'chromium',
    version: browser.version(),
    raw: browser,
    newContext,
    // A page in a context of its own, closed with it (playwright's browser.newPage does the same).
    newPage: async ({ viewport } = {}) => playwrightPage(await browser.newPage(viewport ? { viewport } : {})),
    close: () => browser.close(),
  };
}

function playwrightPage(page) {
  return {
    browser: 'chromium',
    raw: page,
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitForFunction: (fn, arg, { timeout = 30_000 } = {}) => page.waitForFunction(fn, arg, { timeout }),
    waitForSelector: (selector, { timeout = 30_000 } = {}) => page.waitForSelector(selector, { timeout }),
    click: (selector) => page.click(selector),
    evalOn: (selector, fn, arg) => page.$eval(selector, fn, arg),
    evalAll: (selector, fn, arg) => page.$$eval(selector, fn, arg),
    addInitScript: (source) => page.addInitScript(source),
    exposeFunction: (name, fn) => page.exposeFunction(name, fn),
    onConsole: (cb) => page.on('console', (m) => cb(m.type(), m.text(), m.location())),
    onPageError: (cb) => page.on('pageerror', (e) => cb(e)),
    onCrash: (cb) => page.on('crash', () => cb()),
    screenshot: ({ path, fullPage = false }) => page.screenshot({ path, fullPage }),
    close: () => page.close(),
    isClosed: () => page.isClosed(),
  };
}

// ----- Firefox (puppeteer-core over WebDriver BiDi) ---------------------------------------------

async function launchFirefoxBrowser({ prefs, fakeMedia }) {
  const { default: puppeteer } = await import('puppeteer-core');
  const basePrefs = { ...FIREFOX_PREFS };
  if (!fakeMedia) {
    delete basePrefs['media.navigator.streams.fake'];
    delete basePrefs['media.navigator.permission.disabled'];
  }
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    protocolTimeout: 120_000,
    extraPrefsFirefox: { ...basePrefs, ...prefs },
  });
  const version = (await browser.version()).replace(/^firefox\//i, 'Firefox ');
  const pageOf = async (context, viewport) => {
    const page = await context.newPage();
    if (viewport) await page.setViewport(viewport);
    return puppeteerPage(page);
  };
  return {
    name: 'firefox',
    version,
    raw: browser,
    newContext: async ({ viewport } = {}) => {
      const context = await browser.createBrowserContext();
      return { raw: context, newPage: () => pageOf(context, viewport), close: () => context.close() };
    },
    newPage: async ({ viewport } = {}) => pageOf(browser, viewport),
    close: () => browser.close(),
  };
}

function puppeteerPage(page) {
  return {
    browser: 'firefox',
    raw: page,
    goto: (url) => page.goto(url),
    evaluate: (fn, arg) => page.evaluate(fn, arg),
    waitForFunction: (fn, arg, { timeout = 30_000 } = {}) => page.waitForFunction(fn, { timeout, polling: 50 }, arg),
    waitForSelector: (selector, { timeout = 30_000 } = {}) => page.waitForSelector(selector, { timeout }),
    click: (selector) => page.click(selector),
    evalOn: (selector, fn, arg) => page.$eval(selector, fn, arg),
    evalAll: (selector, fn, arg) => page.$$eval(selector, fn, arg),
    addInitScript: (source) => page.evaluateOnNewDocument(source),
    exposeFunction: (name, fn) => page.exposeFunction(name, fn),
    onConsole: (cb) => page.on('console', (m) => cb(m.type() === 'warn' ? 'warning' : m.type(), m.text(), m.location())),
    onPageError: (cb) => page.on('pageerror', (e) => cb(e)),
    onCrash: () => {},
    screenshot: ({ path, fullPage = false }) => page.screenshot({ path, fullPage }),
    close: () => page.close(),
    isClosed: () => page.isClosed(),
  };
}

// ----- shared -----------------------------------------------------------------------------------

/** Records a page's console errors and uncaught exceptions into `problems` (strings prefixed with `label`). */
export function watch(page, problems = [], label = 'page') {
  page.onConsole((type, text, loc) => {
    if (type === 'error') problems.push(`${label}: console.error: ${text}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.onPageError((err) => problems.push(`${label}: uncaught: ${err?.stack || err?.message || err}`));
  page.onCrash(() => problems.push(`${label}: page crashed`));
  return problems;
}
