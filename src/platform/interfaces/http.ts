/** HTTP(S) GET for trackers, .torrent URLs and web seeds. */

export interface HttpRequest {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Refuse (reject) responses whose body exceeds this many bytes. */
  maxBytes?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

export interface HttpClient {
  get(request: HttpRequest): Promise<HttpResponse>;
}
