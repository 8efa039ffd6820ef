import { describe, expect, it } from 'vitest';
import { splitError } from './last-run-format.js';

describe("a failed node's stack", () => {
  const stackLine = { level: 'error', message: 'TypeError: x is undefined\n    at run (nodes/x/run.ts:3:9)' };

  it('is the recorded one when the store has it', () => {
    expect(splitError({ message: 'x is undefined', stack: 'TypeError: recorded' }, [stackLine])).toEqual({ stack: 'TypeError: recorded' });
  });

  it("is otherwise the error log line the engine streams with the failure", () => {
    expect(splitError({ message: 'x is undefined', stack: null }, [{ level: 'info', message: 'read 3 rows' }, stackLine])).toEqual({ stack: stackLine.message });
  });

  it('is absent for a message written for the user, and without an error', () => {
    expect(splitError({ message: 'no such file', stack: null }, [{ level: 'error', message: 'no such file' }])).toEqual({ stack: null });
    expect(splitError(null, [stackLine])).toEqual({ stack: null });
  });
});
