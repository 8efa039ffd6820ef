import { NodeError, type NodeRunFn, type ServingRequest } from '../../src-main/engine/node-runner.js';

const STRATEGIES = ['replace', 'blue-green', 'canary', 'shadow'] as const;
type Strategy = (typeof STRATEGIES)[number];

/**
 * Asks the host for an endpoint and reports where it serves. The server lives in the main
 * process (a worker is not a place for one), so this node only validates and asks.
 */
export const runDeployServe: NodeRunFn = async (ctx, inputs, params) => {
  const named = typeof params.model === 'string' ? params.model.trim() : '';
  const onnx = inputs.onnx;
  if (named === '' && !onnx) throw new NodeError('model: name a model (NAME, NAME:3, NAME@stage) or connect the onnx output of a deploy.onnx node');
  if (named === '' && onnx && !onnx.path.endsWith('.onnx')) {
    throw new NodeError('onnx: the connected model is not an ONNX export; connect the onnx output of a deploy.onnx node');
  }
  const port = Number(params.port ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new NodeError(`port: ${String(params.port)} is not a port (0-65535)`);
  const strategy = String(params.strategy ?? 'replace');
  if (!isStrategy(strategy)) throw new NodeError(`strategy: "${strategy}" is not one of ${STRATEGIES.join(', ')}`);
  const percent = Number(params.percent ?? 10);
  if (!(percent >= 0 && percent <= 100)) throw new NodeError(`percent: ${String(params.percent)} is not a percentage (0-100)`);

  const request: ServingRequest = {
    model: named !== '' ? named : { onnxHash: onnx!.hash },
    port,
    strategy,
    ...(strategy === 'canary' ? { percent } : {}),
  };
  const reply = await ctx.requestServing(request);
  const what = named !== '' ? named : `the version registered with ONNX ${onnx!.hash.slice(0, 12)}`;
  if (!reply.served) {
    const command = named !== '' ? `plumb serve-model ${named}` : 'plumb serve-model NAME:VERSION (the version deploy.onnx registered, see its log)';
    ctx.log('warn', `no endpoint started for ${what}: ${reply.reason}. Serve it with: ${command}`);
    return {
      report: { kind: 'report', data: { kind: 'deploy.serve', served: false, model: what, reason: reply.reason, command } },
    };
  }
  ctx.log('info', `${reply.started ? 'serving' : 'updated'} ${reply.name} version ${reply.version} at ${reply.url} (${reply.routing})`);
  ctx.metric('served_version', reply.version);
  return {
    report: {
      kind: 'report',
      data: {
        kind: 'deploy.serve',
        served: true,
        name: reply.name,
        url: reply.url,
        version: reply.version,
        strategy,
        routing: reply.routing,
        started: reply.started,
      },
    },
  };
};

function isStrategy(s: string): s is Strategy {
  return (STRATEGIES as readonly string[]).includes(s);
}
