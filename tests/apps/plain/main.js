// No bundler: the `rtc-peer/web` entry (pkg/web/index.js) by a relative path into node_modules.
// It fetches and instantiates the wasm beside it before its exports are available.
import * as rtcPeer from './node_modules/rtc-peer/pkg/web/index.js';
import { loopbackCall } from './call.js';

loopbackCall(rtcPeer, 'plain');
