/** The real-peer harness: kamailio and baresip on loopback, started and stopped by the tests. */
export { Baresip, type BaresipEvent, type BaresipOptions } from './baresip';
export { hears, readWavSamples, toneLevel, writeToneWav } from './audio';
export { Kamailio, type KamailioOptions } from './kamailio';
export { answersSipOptions, freePort, makeTempDir, ManagedProcess, requireBinary, until } from './process';
