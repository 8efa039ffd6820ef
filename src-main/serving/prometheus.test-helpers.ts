/**
 * A strict parser of the Prometheus text exposition format (0.0.4), for tests: every line is a
 * comment (# HELP / # TYPE / other), blank, or `name{label="value",...} number [timestamp]`;
 * anything else throws with its line number. Checks that a family is TYPEd once, before its
 * samples, that histogram buckets are cumulative and end with le="+Inf" equal to _count.
 */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly types: ReadonlyMap<string, string>;
  readonly samples: readonly Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

export function parsePrometheus(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const seenSamples = new Set<string>();
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  text.slice(0, -1).split('\n').forEach((line, i) => {
    const at = `line ${i + 1}`;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (!m) return; // a plain comment
      if (!NAME.test(m[2])) throw new Error(`${at}: bad metric name ${m[2]}`);
      if (m[1] === 'TYPE') {
        if (!TYPES.has(m[3] ?? '')) throw new Error(`${at}: unknown type ${m[3]}`);
        if (types.has(m[2])) throw new Error(`${at}: ${m[2]} TYPEd twice`);
        if (seenSamples.has(m[2])) throw new Error(`${at}: TYPE of ${m[2]} after its samples`);
        types.set(m[2], m[3] ?? '');
      }
      return;
    }
    let pos = 0;
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nameMatch) throw new Error(`${at}: no metric name in ${JSON.stringify(line)}`);
    const name = nameMatch[0];
    pos = name.length;
    const labels: Record<string, string> = {};
    if (line[pos] === '{') {
      pos++;
      while (line[pos] !== '}') {
        const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
        if (!lm) throw new Error(`${at}: bad label at column ${pos + 1}`);
        pos += lm[0].length;
        let value = '';
        for (;;) {
          const c = line[pos++];
          if (c === undefined) throw new Error(`${at}: unterminated label value`);
          if (c === '"') break;
          if (c === '\\') {
            const n = line[pos++];
            if (n === 'n') value += '\n';
            else if (n === '\\' || n === '"') value += n;
            else throw new Error(`${at}: bad escape \\${n}`);
          } else value += c;
        }
        if (lm[1] in labels) throw new Error(`${at}: label ${lm[1]} twice`);
        labels[lm[1]] = value;
        if (line[pos] === ',') pos++;
        else if (line[pos] !== '}') throw new Error(`${at}: expected , or } at column ${pos + 1}`);
      }
      pos++;
    }
    const rest = line.slice(pos);
    const vm = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
    if (!vm) throw new Error(`${at}: bad value part ${JSON.stringify(rest)}`);
    const raw = vm[1];
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : raw === 'NaN' ? NaN : Number(raw);
    if (raw !== 'NaN' && Number.isNaN(value)) throw new Error(`${at}: bad number ${raw}`);
    const family = familyOf(name, types);
    if (!types.has(family)) throw new Error(`${at}: sample ${name} has no TYPE line before it`);
    seenSamples.add(family);
    samples.push({ name, labels, value });
  });
  checkHistograms(types, samples);
  return { types, samples };
}

function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length);
      if (types.get(base) === 'histogram' || types.get(base) === 'summary') return base;
    }
  }
  return name;
}

function checkHistograms(types: ReadonlyMap<string, string>, samples: readonly Sample[]): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      if (le === undefined) throw new Error(`${family}_bucket without le`);
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      let last = 0;
      let lastLe = -Infinity;
      for (const b of buckets) {
        const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
        if (!(le > lastLe)) throw new Error(`${family} ${key}: buckets not in increasing le order`);
        if (b.value < last) throw new Error(`${family} ${key}: buckets not cumulative`);
        last = b.value;
        lastLe = le;
      }
      if (lastLe !== Infinity) throw new Error(`${family} ${key}: no le="+Inf" bucket`);
      const count = samples.find((s) => s.name === `${family}_count` && JSON.stringify(s.labels) === key);
      if (!count || count.value !== last) throw new Error(`${family} ${key}: _count ${count?.value} differs from the +Inf bucket ${last}`);
    }
  }
}

/** The value of the one sample with this name and these labels (others may exist), or undefined. */
export function sampleValue(e: Exposition, name: string, labels: Readonly<Record<string, string>>): number | undefined {
  return e.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

export function sumOf(e: Exposition, name: string, labels: Readonly<Record<string, string>> = {}): number {
  return e.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((a, s) => a + s.value, 0);
}
