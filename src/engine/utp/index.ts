/** uTP (BEP 29) with LEDBAT congestion control, as a UtpTransport (src/engine/peer/transport.ts). */
export { createUtpTransport, type UtpTransportOptions, type UtpTransportStats, type UtpTransportWithStats } from './transport.js';
export { DEFAULT_UTP_LIMITS, utpLimits, type UtpLimits } from './limits.js';
export { isUtpDatagram } from './packet.js';
