// The browser departures that the storm (tests/page/storm.test.mjs) tallies apart, reproduced on
// NATIVE connections only (tests/page/lib/departures.html loads no library code), so a departure
// rule is a measured fact about the browser, not an excuse for this library. Both browsers run
// every sequence: Chromium is asserted to fail exactly where and how its rule says, Firefox to
// complete the same sequence (the sequence is valid: it is the perfect-negotiation pattern).
// When a Chromium release fixes one, its case here fails: drop the rule in storm.test.mjs and
// the README paragraph with it.
//
// Chromium 156, in one family (the polite side's rolled-back offer leaves its header-extension
// bindings behind; JSEP says a rollback discards them):
//  - `chromium-bundle-header-extension-collision`: first negotiation is a glare of different kinds;
//    applying the winner and answering work, the polite side's next offer fails
//    setLocalDescription, InvalidAccessError "A BUNDLE group contains a codec collision for header
//    extension id=…". The library's negotiator works around this one (README; tests/negotiation.rs
//    `glare_of_different_kinds_then_the_polite_side_offers_its_own`).
//  - `chromium-rollback-keeps-mid-header-extensions`: a data channel negotiated first, then a glare
//    of different kinds, both new sections at mid 1: the polite side cannot apply the winning offer,
//    setRemoteDescription fails, InvalidAccessError "RTP extension ID reassignment not supported
//    (collision on active MID 1, …)". The connection cannot negotiate that section again.
// Run: node --test tests/page/departures.test.mjs (PAGE_BROWSERS=chromium for one browser).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BROWSERS, launch, watch } from './lib/browsers.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { ROOT } from './lib/webpack-build.mjs';

const PAGE = 'tests/page/lib/departures.html';

const CASES = [
  { rule: 'chromium-bundle-header-extension-collision', seq: { dataChannelFirst: false, aKind: 'audio', bKind: 'video', rollback: 'implicit' },
    chromium: { failsAt: 'B offers its own section', name: 'InvalidAccessError', message: /A BUNDLE group contains a codec collision for header extension id=\d+/ } },
  { rule: 'chromium-bundle-header-extension-collision', seq: { dataChannelFirst: false, aKind: 'video', bKind: 'audio', rollback: 'explicit' },
    chromium: { failsAt: 'B offers its own section', name: 'InvalidAccessError', message: /A BUNDLE group contains a codec collision for header extension id=\d+/ } },
  { rule: 'chromium-rollback-keeps-mid-header-extensions', seq: { dataChannelFirst: true, aKind: 'audio', bKind: 'video', rollback: 'implicit' },
    chromium: { failsAt: "B applies A's offer", name: 'InvalidAccessError', message: /RTP extension ID reassignment not supported \(collision on active MID 1, id=\d+/ } },
  { rule: 'chromium-rollback-keeps-mid-header-extensions', seq: { dataChannelFirst: true, aKind: 'video', bKind: 'audio', rollback: 'explicit' },
    chromium: { failsAt: "B applies A's offer", name: 'InvalidAccessError', message: /RTP extension ID reassignment not supported \(collision on active MID 1, id=\d+/ } },
  // The control: the same glare with the same kind on both sides completes in both browsers.
  { rule: null, seq: { dataChannelFirst: true, aKind: 'audio', bKind: 'audio', rollback: 'implicit' }, chromium: null },
];
const STEPS = ["B applies A's offer", 'B answers', 'B offers its own section'];
const label = (s) => `${s.dataChannelFirst ? 'data channel, then ' : ''}glare A ${s.aKind} / B ${s.bKind}, ${s.rollback} rollback`;

for (const name of BROWSERS) {
  test(name, { timeout: 120_000 }, async (t) => {
    const server = await serveStatic(ROOT);
    const browser = await launch(name, { fakeMedia: false });
    const problems = [];
    try {
      const page = await browser.newPage();
      watch(page, problems, name);
      await page.goto(server.url + PAGE);
      await page.waitForFunction(() => document.body.dataset.ready === 'true');
      t.diagnostic(`${name} ${browser.version}`);
      for (const c of CASES) {
        await t.test(`${label(c.seq)}: ${name === 'chromium' && c.chromium ? `fails as ${c.rule}` : 'completes'} [${name}]`, async () => {
          const steps = await page.evaluate((s) => window.glare(s), c.seq);
          t.diagnostic(`${label(c.seq)}: ${JSON.stringify(steps)}`);
          assert.ok(steps.offers.a > 0 && steps.offers.b > 0, 'both offers carry header extensions (the glare really offered media)');
          const expected = name === 'chromium' ? c.chromium : null;
          if (expected) {
            // The departure: every step before it ok, that step rejected with the rule's error.
            for (const s of STEPS.slice(0, STEPS.indexOf(expected.failsAt))) assert.equal(steps[s], 'ok', `${s} (before the departure)`);
            const e = steps[expected.failsAt];
            assert.equal(e?.name, expected.name, `${expected.failsAt} rejects (${c.rule})`);
            assert.match(e.message, expected.message, `${expected.failsAt}: the message of ${c.rule}`);
          } else {
            for (const s of STEPS) assert.equal(steps[s], 'ok', s);
            assert.deepEqual({ a: steps.final.a, b: steps.final.b }, { a: 'stable', b: 'stable' });
            assert.deepEqual(steps.final.aReceives, [c.seq.bKind], "A receives B's section");
          }
        });
      }
      assert.deepEqual(problems, [], 'no page error');
    } finally {
      await browser.close();
      await server.close();
    }
  });
}
