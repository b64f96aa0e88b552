/**
 * Node.js flags the OCPP gateway runs with, wherever it is started as a process of its own (`npm start`
 * with the URLs set, `npm run start:gateway`, docker-compose, the benchmark; a test keeps them in step).
 *
 * `--max-semi-space-size=64`: V8's young generation at 64 MB per semi-space instead of 16. Every OCPP
 * message allocates tens of kilobytes that die within milliseconds; with the default size the young
 * generation filled eight times a second at 3,000 MeterValues/s and each scavenge had to copy what the
 * messages in flight still held. With 64 MB it fills a quarter as often: scavenge pauses fell from
 * 2.8–5.3 s to 1.2–1.4 s per 40 s, the gateway's CPU by 3–5 points and its RSS by 100–250 MiB
 * (docs/performance.md).
 */
export const GATEWAY_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=64'];
