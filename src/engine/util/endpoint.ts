/**
 * `host:port`, with an IPv6 host in brackets (`[::1]:6881`, RFC 3986): how addresses are shown
 * to users and how peers are keyed, so `::1` port 6881 never reads as the address `::1:6881`.
 */
export function formatEndpoint(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
