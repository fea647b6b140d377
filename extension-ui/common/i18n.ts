/// <reference types="chrome" />
/**
 * Texts from _locales (chrome.i18n). Keys of the popup, options and interception pages carry the
 * prefixes popup_, options_, intercept_. A key missing from messages.json shows as the key itself,
 * which tests/unit/extension-ui checks never happens for the keys in use.
 */
export function t(key: string, ...substitutions: string[]): string {
  const text = typeof chrome !== 'undefined' && chrome.i18n ? chrome.i18n.getMessage(key, substitutions) : '';
  return text || key;
}
