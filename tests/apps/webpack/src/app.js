import * as rtcPeer from 'rtc-peer';
import { loopbackCall } from './call.js';

loopbackCall(rtcPeer, 'webpack');
