import { formatMs } from '../format.js';

export const formatDuration = formatMs;

/** A wall-clock time with milliseconds (HH:MM:SS.mmm, local), enough to order a run's events. */
export function formatTime(epochMs: number): string {
  const d = new Date(epochMs);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * The stack trace of a failure: the recorded one, or else the error-level log line the engine
 * writes with it (the event stream carries the stack only as that line). A message the node
 * wrote for the user has none.
 */
export function splitError(
  error: { readonly message: string; readonly stack: string | null } | null,
  lines: readonly { readonly level: string; readonly message: string }[],
): { stack: string | null } {
  if (!error) return { stack: null };
  if (error.stack) return { stack: error.stack };
  const logged = lines.find((l) => l.level === 'error' && /\n\s+at /.test(l.message));
  return { stack: logged ? logged.message : null };
}
