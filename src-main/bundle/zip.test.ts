import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUNDLE_LIMITS } from './bundle-limits.js';
import { readZipSafely, unsafeEntryName } from './zip-reader.js';
import { writeZip } from './zip-writer.js';

const entries = [
  { path: 'pipeline.plumb', data: new TextEncoder().encode('{"a": 1}\n'.repeat(100)) },
  { path: 'models/churn-v1.onnx', data: Uint8Array.from({ length: 5000 }, (_, i) => (i * 7919) % 251) },
];

describe('zip container', () => {
  it('writes the same bytes for the same entries, in any time zone', () => {
    const tz = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = writeZip(entries);
      process.env.TZ = 'Pacific/Kiritimati';
      const far = writeZip(entries);
      expect(Buffer.from(far).equals(Buffer.from(utc))).toBe(true);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
    expect(Buffer.from(writeZip(entries)).equals(Buffer.from(writeZip(entries)))).toBe(true);
  });

  it('reads back what it wrote, as any zip reader does', () => {
    const zip = writeZip(entries);
    const read = readZipSafely(zip, 'test.plumbz', DEFAULT_BUNDLE_LIMITS);
    const other = unzipSync(zip);
    for (const e of entries) {
      expect(Buffer.from(read.get(e.path)!).equals(Buffer.from(e.data))).toBe(true);
      expect(Buffer.from(other[e.path]).equals(Buffer.from(e.data))).toBe(true);
    }
  });

  it('tells why an entry name is unsafe', () => {
    expect(unsafeEntryName('run/summary.json')).toBeNull();
    expect(unsafeEntryName('models/churn-v12.onnx')).toBeNull();
    expect(unsafeEntryName('../x')).toMatch(/climbs out/);
    expect(unsafeEntryName('run/../../x')).toMatch(/climbs out/);
    expect(unsafeEntryName('/etc/passwd')).toMatch(/absolute/);
    expect(unsafeEntryName('C:/Windows/x')).toMatch(/drive letter/);
    expect(unsafeEntryName('models\\x-v1.json')).toMatch(/backslash/);
    expect(unsafeEntryName('run//summary.json')).toMatch(/climbs out|empty segment/);
    expect(unsafeEntryName('run/summary.json\u0000.txt')).toMatch(/control/);
    expect(unsafeEntryName('models/a b-v1.json')).toMatch(/not an entry/);
  });
});
