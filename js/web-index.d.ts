export * from './rtc-peer.js';
