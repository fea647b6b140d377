/**
 * Answers other nodes' queries (BEP 5): ping, find_node, get_peers (peers we were told about, or
 * the closest nodes we know, with a token), announce_peer (token checked, peer stored). Queries
 * over the per-address rate are dropped unanswered.
 */
import type { Endpoint } from '../../platform/interfaces/index.js';
import { endpointKey, isIPv6Host, type NodeInfo } from './compact.js';
import { encodeError, encodeResponse, ERROR_METHOD_UNKNOWN, ERROR_PROTOCOL, type KrpcQuery, type ResponseBody } from './krpc.js';
import type { DhtLimits } from './limits.js';
import type { PeerStore } from './peer-store.js';
import type { QueryRateLimiter } from './rate-limit.js';
import type { RoutingTable } from './routing-table.js';
import type { TokenIssuer } from './tokens.js';

export interface QueryServerOptions {
  ownId: Uint8Array;
  limits: DhtLimits;
  table: RoutingTable;
  tokens: TokenIssuer;
  peers: PeerStore;
  rateLimiter: QueryRateLimiter;
  send(data: Uint8Array, to: Endpoint): void;
}

export class QueryServer {
  received = 0;
  dropped = 0;

  constructor(private readonly options: QueryServerOptions) {}

  /** Answers `query`; false when it was dropped by the rate limit. */
  serve(query: KrpcQuery, from: Endpoint): boolean {
    const o = this.options;
    this.received++;
    if (!o.rateLimiter.allow(endpointKey(from))) {
      this.dropped++;
      return false;
    }
    switch (query.method) {
      case 'ping':
        o.send(encodeResponse(query.t, o.ownId, {}, from), from);
        break;
      case 'find_node':
        o.send(encodeResponse(query.t, o.ownId, this.nodesFor(query, query.target!, from), from), from);
        break;
      case 'get_peers': {
        const infoHash = query.infoHash!;
        const body = this.nodesFor(query, infoHash, from);
        body.token = o.tokens.issue(from.host, infoHash);
        const values = o.peers.get(infoHash);
        if (values.length > 0) body.values = values;
        o.send(encodeResponse(query.t, o.ownId, body, from), from);
        break;
      }
      case 'announce_peer': {
        if (!o.tokens.validate(query.token!, from.host, query.infoHash!)) {
          o.send(encodeError(query.t, ERROR_PROTOCOL, 'invalid token'), from);
          break;
        }
        // BEP 5: implied_port means "use the UDP source port" (a peer behind NAT, or uTP).
        const port = query.impliedPort ? from.port : query.port!;
        o.peers.add(query.infoHash!, { host: from.host, port });
        o.send(encodeResponse(query.t, o.ownId, {}, from), from);
        break;
      }
      default:
        o.send(encodeError(query.t, ERROR_METHOD_UNKNOWN, 'method unknown'), from);
    }
    return true;
  }

  /** The K closest nodes to `target`, in the families the querier wants (BEP 32 `want`). */
  private nodesFor(query: KrpcQuery, target: Uint8Array, from: Endpoint): ResponseBody {
    const closest: NodeInfo[] = this.options.table.closest(target, this.options.limits.bucketSize * 2);
    const v4 = closest.filter((n) => !isIPv6Host(n.endpoint.host)).slice(0, this.options.limits.bucketSize);
    const v6 = closest.filter((n) => isIPv6Host(n.endpoint.host)).slice(0, this.options.limits.bucketSize);
    const wantV6 = query.want ? query.want.n6 : isIPv6Host(from.host);
    const wantV4 = query.want ? query.want.n4 : !isIPv6Host(from.host);
    const body: ResponseBody = {};
    if (wantV4) body.nodes = v4;
    if (wantV6) body.nodes6 = v6;
    return body;
  }
}
