/** Peer wire message ids (BEP 3, BEP 5 port, BEP 6 fast extension, BEP 10 extended). */
export const MessageId = Object.freeze({
  choke: 0,
  unchoke: 1,
  interested: 2,
  notInterested: 3,
  have: 4,
  bitfield: 5,
  request: 6,
  piece: 7,
  cancel: 8,
  port: 9,
  suggest: 13,
  haveAll: 14,
  haveNone: 15,
  reject: 16,
  allowedFast: 17,
  extended: 20,
});

/**
 * One decoded message. `bits`, `block` and `payload` may be views into a chunk given to
 * `WireParser.push`, valid only while the handler runs: copy what you keep.
 */
export type WireMessage =
  | { readonly type: 'keep-alive' }
  | { readonly type: 'choke' }
  | { readonly type: 'unchoke' }
  | { readonly type: 'interested' }
  | { readonly type: 'not-interested' }
  | { readonly type: 'have'; readonly index: number }
  | { readonly type: 'bitfield'; readonly bits: Uint8Array }
  | { readonly type: 'request'; readonly index: number; readonly begin: number; readonly length: number }
  | { readonly type: 'piece'; readonly index: number; readonly begin: number; readonly block: Uint8Array }
  | { readonly type: 'cancel'; readonly index: number; readonly begin: number; readonly length: number }
  | { readonly type: 'port'; readonly port: number }
  | { readonly type: 'suggest'; readonly index: number }
  | { readonly type: 'have-all' }
  | { readonly type: 'have-none' }
  | { readonly type: 'reject'; readonly index: number; readonly begin: number; readonly length: number }
  | { readonly type: 'allowed-fast'; readonly index: number }
  | { readonly type: 'extended'; readonly id: number; readonly payload: Uint8Array };

export type WireMessageType = WireMessage['type'];
