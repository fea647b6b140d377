/**
 * Run callbacks in a new task soon, not in a microtask, so that tasks already queued (messages
 * from the relay) run first. Never setTimeout: Chrome clamps nested timers and, in pages hidden
 * for minutes (an offscreen document is never visible), aligns chained ones to a minute.
 * - Browsers: a message to ourselves on a MessageChannel (neither clamped nor throttled); one
 *   message runs every callback queued since the last.
 * - Node (tests run RelayNetwork there): setImmediate, after pending I/O callbacks, and a
 *   MessagePort would keep the process alive.
 */
export type NextTask = (fn: () => void) => void;

export function createNextTask(): NextTask {
  const setImmediateFn = (globalThis as { setImmediate?: (callback: () => void) => unknown }).setImmediate;
  if (typeof setImmediateFn === 'function') return (fn) => void setImmediateFn(fn);
  if (typeof MessageChannel !== 'function') return (fn) => queueMicrotask(fn);
  const channel = new MessageChannel();
  let queued: Array<() => void> = [];
  channel.port1.onmessage = () => {
    const run = queued;
    queued = [];
    for (const fn of run) fn();
  };
  return (fn) => {
    queued.push(fn);
    if (queued.length === 1) channel.port2.postMessage(null);
  };
}
