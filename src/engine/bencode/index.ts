export type { BValue, BDict, BEncodable } from './types.js';
export { DEFAULT_BENCODE_LIMITS, resolveBencodeLimits, type BencodeLimits } from './limits.js';
export { decode, decodePrefix, decodeWithSpans, findRawValue, type DecodeResult, type ValueSpan } from './decode.js';
export { encode } from './encode.js';
export { binaryKey, keyText, keyBytes, keyFromBytes } from './keys.js';
export {
  dictGet,
  isInt,
  isBytes,
  isList,
  isDict,
  typeName,
  asInt,
  asBytes,
  asString,
  asStrictString,
  asList,
  asDict,
  optInt,
  optBytes,
  optString,
  optList,
  optDict,
} from './fields.js';
