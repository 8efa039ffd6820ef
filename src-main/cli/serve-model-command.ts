import { parseArgs } from 'node:util';
import { ModelRefError } from '../registry/resolve.js';
import { RoutingError, ServingEndpoint, servingDir, type RoutingChange } from '../serving/index.js';
import { CliInputError, openLineage } from './query-commands.js';

/**
 * `plumb serve-model NAME[:VERSION|@STAGE]`: a registered model as a local HTTP endpoint
 * (src-main/serving) until SIGINT/SIGTERM, which drains requests in flight. Prints the URL and
 * the bearer token (stdout; one JSON line with --json), then routing changes on stderr, automatic
 * canary rollbacks included. Loaded only by that command: onnxruntime starts for it alone.
 */
export const SERVE_MODEL_USAGE =
  'usage: plumb serve-model NAME[:VERSION|@STAGE] [--port N] [--no-token] [--home DIR] [--json] [--log-max-bytes N]\n' +
  '       [--canary VERSION --canary-percent P [--canary-step P] [--canary-every-requests N] [--canary-every-seconds S]\n' +
  '        [--max-error-rate R] [--max-p95-ms MS]] | [--ab VERSION --ab-percent P] | [--shadow VERSION]';

const OPTIONS = {
  port: { type: 'string' },
  'no-token': { type: 'boolean' },
  home: { type: 'string' },
  json: { type: 'boolean' },
  'log-max-bytes': { type: 'string' },
  canary: { type: 'string' },
  'canary-percent': { type: 'string' },
  'canary-step': { type: 'string' },
  'canary-every-requests': { type: 'string' },
  'canary-every-seconds': { type: 'string' },
  'max-error-rate': { type: 'string' },
  'max-p95-ms': { type: 'string' },
  ab: { type: 'string' },
  'ab-percent': { type: 'string' },
  shadow: { type: 'string' },
} as const;

function number(flag: string, raw: string | undefined, check: (x: number) => boolean, what: string): number | undefined {
  if (raw === undefined) return undefined;
  const x = Number(raw);
  if (raw.trim() === '' || !check(x)) throw new CliInputError(`--${flag}: "${raw}" is not ${what}`);
  return x;
}
const int = (x: number): boolean => Number.isInteger(x) && x >= 0;
const pct = (x: number): boolean => Number.isFinite(x) && x >= 0 && x <= 100;
const positive = (x: number): boolean => Number.isFinite(x) && x > 0;

/** The routing the flags ask for at start, or null for one version taking all traffic. */
function initialRouting(v: ReturnType<typeof parse>['values']): RoutingChange | null {
  const chosen = (['canary', 'ab', 'shadow'] as const).filter((k) => v[k] !== undefined);
  if (chosen.length > 1) throw new CliInputError(`--${chosen[0]} and --${chosen[1]}: start one experiment at a time`);
  const version = (flag: string, raw: string | undefined): number => {
    const n = number(flag, raw, (x) => Number.isInteger(x) && x >= 1, 'a version number');
    if (n === undefined) throw new CliInputError(`--${flag}: missing VERSION`);
    return n;
  };
  if (v.canary !== undefined) {
    const percent = number('canary-percent', v['canary-percent'], pct, 'a percentage (0 to 100)');
    if (percent === undefined) throw new CliInputError('--canary needs --canary-percent P (the share of requests the candidate takes first)');
    const policy = {
      step: number('canary-step', v['canary-step'], positive, 'a positive number'),
      everyRequests: number('canary-every-requests', v['canary-every-requests'], (x) => int(x) && x > 0, 'a positive whole number'),
      everySeconds: number('canary-every-seconds', v['canary-every-seconds'], positive, 'a positive number of seconds'),
      maxErrorRate: number('max-error-rate', v['max-error-rate'], (x) => x >= 0 && x <= 1, 'a rate between 0 and 1'),
      maxP95Ms: number('max-p95-ms', v['max-p95-ms'], positive, 'a positive number of milliseconds'),
    };
    return { kind: 'canary', version: version('canary', v.canary), percent, policy, reason: 'serve-model --canary' };
  }
  for (const f of ['canary-percent', 'canary-step', 'canary-every-requests', 'canary-every-seconds', 'max-error-rate', 'max-p95-ms'] as const) {
    if (v[f] !== undefined) throw new CliInputError(`--${f} only goes with --canary VERSION`);
  }
  if (v.ab !== undefined) {
    const percent = number('ab-percent', v['ab-percent'], pct, 'a percentage (0 to 100)');
    if (percent === undefined) throw new CliInputError('--ab needs --ab-percent P (the share of keys that go to VERSION)');
    return { kind: 'ab', version: version('ab', v.ab), percent, reason: 'serve-model --ab' };
  }
  if (v['ab-percent'] !== undefined) throw new CliInputError('--ab-percent only goes with --ab VERSION');
  if (v.shadow !== undefined) return { kind: 'shadow', version: version('shadow', v.shadow), reason: 'serve-model --shadow' };
  return null;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliInputError((e as Error).message.split('\n')[0]);
  }
}

export async function serveModelCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(SERVE_MODEL_USAGE + '\n');
    return 0;
  }
  const { values, positionals } = parse(argv);
  if (positionals.length !== 1) throw new CliInputError(SERVE_MODEL_USAGE.split('\n')[0]);
  const port = number('port', values.port, (x) => int(x) && x <= 65535, 'a port number') ?? 0;
  const logMaxBytes = number('log-max-bytes', values['log-max-bytes'], (x) => int(x) && x >= 4096, 'a byte count of at least 4096');
  const routing = initialRouting(values);
  const { lineage, home } = openLineage(values.home);
  let endpoint: ServingEndpoint;
  try {
    endpoint = await ServingEndpoint.start({ lineage, home, model: positionals[0], port, ...(values['no-token'] ? { token: null } : {}), ...(logMaxBytes ? { logMaxBytes } : {}) });
  } catch (e) {
    lineage.close();
    if (e instanceof ModelRefError) throw new CliInputError(e.message);
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new CliInputError(`--port: ${port} is already in use`);
    throw e;
  }
  try {
    endpoint.onEvent((e) => {
      if (e.kind === 'routing') {
        const c = e.change;
        process.stderr.write(`routing: ${c.kind} ${c.from ?? '-'} -> ${c.to ?? '-'}${c.percent !== null ? ` (${c.percent}%)` : ''}${c.reason ? `: ${c.reason}` : ''}\n`);
      } else if (e.kind === 'warning') process.stderr.write(`warning: ${e.message}\n`);
    });
    if (routing) await endpoint.setRouting(routing);
    const state = endpoint.routing();
    if (values.json) {
      process.stdout.write(JSON.stringify({ url: endpoint.url, token: endpoint.token, name: endpoint.name, version: state.primary, routing: { strategy: state.strategy, candidate: state.candidate, percent: state.percent }, log: servingDir(home, endpoint.name) }) + '\n');
    } else {
      process.stdout.write(`serving ${endpoint.name} version ${state.primary} at ${endpoint.url}\n`);
      process.stdout.write(endpoint.token ? `token: ${endpoint.token}  (send "Authorization: Bearer <token>")\n` : 'no token: any program on this machine can call it\n');
      process.stdout.write(`  POST ${endpoint.url}/predict  {"rows": [...]} or text/csv;  GET /health /model /metrics;  POST /feedback\n`);
      process.stdout.write(`prediction log: ${servingDir(home, endpoint.name)}\npress Ctrl+C to stop\n`);
    }
    await new Promise<void>((stop) => {
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    process.stderr.write('serve-model: stopping (finishing requests in flight)...\n');
    const s = endpoint.stats();
    await endpoint.stop();
    process.stderr.write(`serve-model: stopped after ${s.requests} /predict request${s.requests === 1 ? '' : 's'} (${s.errors} failed, ${s.rejected} refused)\n`);
    return 0;
  } catch (e) {
    await endpoint.stop();
    if (e instanceof RoutingError || e instanceof ModelRefError) throw new CliInputError(e.message);
    throw e;
  } finally {
    lineage.close();
  }
}
