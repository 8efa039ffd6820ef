import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { predictionLogPattern, type ServingAccuracyData, type ServingEndpointInfo, type ServingHistoryEntry, type ServingRouteChange } from '../../../src-shared/api/serving-contract.js';
import { useActions, useApp, useServing } from '../../app/context.js';
import type { DriftCheck, LiveSeries } from '../../state/serving-slice.js';
import { sortDriftColumns } from '../charts/drift-table.js';
import { EChart } from '../charts/EChart.js';
import { errorOption, latencyOption, rateOption, recentRate } from './serving-charts.js';
import '../charts/charts.css';
import './serving.css';

/**
 * The serving panel: the app's prediction endpoints, their traffic split and routing controls,
 * live request / latency / error charts, the routing history and the prediction log. Reads the
 * store, acts through the serving controller.
 */
export function ServingPanel() {
  const serving = useServing();
  const { endpoints, error, loading, startModel } = useApp(
    useShallow((s) => ({ endpoints: s.serving.endpoints, error: s.serving.error, loading: s.serving.loading, startModel: s.serving.startModel })),
  );
  const { setServingStartModel } = useActions();
  const [noToken, setNoToken] = useState(false);
  const [starting, setStarting] = useState(false);
  useEffect(() => void serving.refresh(), [serving]);

  const start = async () => {
    if (startModel.trim() === '') return;
    setStarting(true);
    await serving.startEndpoint(startModel.trim(), noToken ? { noToken } : {});
    setStarting(false);
  };

  return (
    <div className="serving-panel" data-testid="serving-panel">
      <form
        className="serving-start"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label>
          Model
          <input
            data-testid="serving-model"
            value={startModel}
            placeholder="churn, churn:3, churn@production"
            onChange={(e) => setServingStartModel(e.target.value)}
          />
        </label>
        <label className="inline">
          <input type="checkbox" checked={noToken} onChange={(e) => setNoToken(e.target.checked)} /> no token
        </label>
        <button type="submit" data-testid="serving-start" disabled={starting || startModel.trim() === ''}>
          {starting ? 'Starting…' : 'Serve'}
        </button>
      </form>
      {error && (
        <p className="serving-error" role="alert" data-testid="serving-error">
          {error}
        </p>
      )}
      {endpoints.length === 0 && !loading && (
        <p className="hint">No endpoint is running. Serve a registered model here, or run a pipeline with a “Serve model” node.</p>
      )}
      {endpoints.map((e) => (
        <EndpointCard key={e.name} endpoint={e} />
      ))}
    </div>
  );
}

function EndpointCard({ endpoint }: { endpoint: ServingEndpointInfo }) {
  const serving = useServing();
  const live = useApp((s) => s.serving.live[endpoint.name]);
  const revealed = useApp((s) => s.serving.revealed[endpoint.name] === true);
  const drift = useApp((s) => s.serving.drift[endpoint.name]);
  const accuracy = useApp((s) => s.serving.accuracy[endpoint.name]);
  const { toggleServingToken, pushToast } = useActions();
  const copy = (text: string, what: string) =>
    void navigator.clipboard.writeText(text).then(
      () => pushToast('info', `${what} copied`),
      () => pushToast('error', `could not copy the ${what.toLowerCase()}: the browser refused the clipboard`),
    );
  const { routing } = endpoint;
  return (
    <section className="serving-endpoint" data-testid={`serving-endpoint-${endpoint.name}`} aria-label={`Endpoint ${endpoint.name}`}>
      <header>
        <h3>{endpoint.name}</h3>
        <span className="hint">{endpoint.model}</span>
        <button type="button" onClick={() => void serving.stop(endpoint.name)} data-testid="serving-stop">
          Stop
        </button>
      </header>
      <dl className="serving-facts">
        <dt>URL</dt>
        <dd>
          <code data-testid="serving-url">{endpoint.url}</code>
          <button type="button" onClick={() => copy(endpoint.url, 'URL')} data-testid="serving-copy-url">
            Copy
          </button>
        </dd>
        <dt>Token</dt>
        <dd>
          {endpoint.token === null ? (
            <span>none (anyone on this machine can call it)</span>
          ) : (
            <>
              <code data-testid="serving-token">{revealed ? endpoint.token : '••••••••'}</code>
              <button type="button" onClick={() => toggleServingToken(endpoint.name)} data-testid="serving-reveal-token">
                {revealed ? 'Hide' : 'Reveal'}
              </button>
              <button type="button" onClick={() => copy(endpoint.token ?? '', 'Token')} data-testid="serving-copy-token">
                Copy
              </button>
            </>
          )}
        </dd>
        <dt>Traffic</dt>
        <dd data-testid="serving-split">
          {routing.strategy}:{' '}
          {Object.entries(routing.split)
            .map(([v, p]) => `v${v} ${p}%`)
            .join(', ')}
          {routing.strategy === 'shadow' && routing.candidate !== null && `; v${routing.candidate} in the shadow`}
        </dd>
        <dt>Requests</dt>
        <dd>
          <span data-testid="serving-requests">{live?.totals.requests ?? 0}</span> ({recentRate(live).toFixed(1)}/s over 10 s), errors{' '}
          <span data-testid="serving-errors">{live?.totals.errors ?? 0}</span>
        </dd>
      </dl>
      <RoutingControls endpoint={endpoint} />
      {live && live.at.length > 0 && <LiveCharts name={endpoint.name} live={live} />}
      <History entries={live?.history ?? []} />
      <div className="serving-log">
        <h4>Drift of logged traffic</h4>
        {endpoint.logPath ? (
          <>
            <p>
              Every request is logged (inputs, outputs, version, latency) as NDJSON: <code data-testid="serving-log-path">{endpoint.logPath}</code>
            </p>
            <p className="hint">
              Read the whole log (every segment, <code>predictions-*.jsonl</code>) with an ingest.json node and connect it to monitor.drift as the current table, with the training rows as
              reference; or check it here against the training data of v{routing.primary}.
            </p>
            <div className="serving-controls">
              <button type="button" data-testid="serving-add-ingest" onClick={() => addIngest(predictionLogPattern(endpoint.logPath ?? ''))}>
                Add ingest node for this log
              </button>
              <button type="button" data-testid="serving-check-drift" onClick={() => void serving.checkDrift(endpoint.name)} disabled={drift?.state === 'loading'}>
                {drift?.state === 'loading' ? 'Checking…' : 'Check drift'}
              </button>
            </div>
            {drift && <TrafficDrift check={drift} />}
          </>
        ) : (
          <p className="hint">The prediction log starts with the first request.</p>
        )}
      </div>
      <LiveAccuracy data={accuracy} onRefresh={() => void serving.loadAccuracy(endpoint.name)} />
    </section>
  );

  function addIngest(path: string) {
    const id = serving.addLogIngestNode(path);
    if (id) pushToast('info', `added ingest node "${id}" reading the prediction log`);
    else pushToast('error', 'could not add an ingest.json node (is it in the catalogue?)');
  }
}

function RoutingControls({ endpoint }: { endpoint: ServingEndpointInfo }) {
  const serving = useServing();
  const { routing } = endpoint;
  const others = endpoint.versions.filter((v) => v !== routing.primary);
  const [version, setVersion] = useState<number | null>(others[0] ?? null);
  const [percent, setPercent] = useState(10);
  const chosen = version !== null && others.includes(version) ? version : (others[0] ?? null);
  const route = (change: ServingRouteChange) => void serving.route(endpoint.name, change);
  if (routing.candidate !== null) {
    return (
      <div className="serving-controls" data-testid="serving-controls">
        <span>
          {routing.strategy} of v{routing.candidate}
          {routing.strategy !== 'shadow' && ` at ${routing.percent}%`}
        </span>
        {routing.strategy === 'canary' && (
          <button type="button" onClick={() => route({ action: 'canary-step' })} data-testid="serving-step">
            Raise by {routing.canary?.step ?? 10}%
          </button>
        )}
        <button type="button" onClick={() => route({ action: 'promote' })} data-testid="serving-promote">
          Promote v{routing.candidate}
        </button>
        <button type="button" onClick={() => route({ action: 'rollback' })} data-testid="serving-rollback">
          {routing.strategy === 'canary' ? 'Roll back' : 'End'}
        </button>
      </div>
    );
  }
  if (chosen === null) return <p className="hint">Only version {routing.primary} is registered: register another to roll it out here.</p>;
  return (
    <div className="serving-controls" data-testid="serving-controls">
      <label>
        Version
        <select value={chosen} onChange={(e) => setVersion(Number(e.target.value))} data-testid="serving-version">
          {others.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
      </label>
      <label>
        Percent
        <input type="number" min={0} max={100} value={percent} onChange={(e) => setPercent(Math.max(0, Math.min(100, Number(e.target.value) || 0)))} data-testid="serving-percent" />
      </label>
      <button type="button" onClick={() => route({ action: 'switch', version: chosen })} data-testid="serving-switch" title="Blue-green: all new requests at once">
        Switch
      </button>
      <button type="button" onClick={() => route({ action: 'canary', version: chosen, percent })} data-testid="serving-canary">
        Canary
      </button>
      <button type="button" onClick={() => route({ action: 'ab', version: chosen, percent })} data-testid="serving-ab">
        A/B
      </button>
      <button type="button" onClick={() => route({ action: 'shadow', version: chosen })} data-testid="serving-shadow">
        Shadow
      </button>
    </div>
  );
}

function LiveCharts({ name, live }: { name: string; live: LiveSeries }) {
  return (
    <div className="serving-charts">
      <EChart option={rateOption(live)} testId="serving-chart-rate" label={`Requests per second of ${name}`} fileName={`${name}-requests`} height={150} />
      <EChart option={latencyOption(live)} testId="serving-chart-latency" label={`Latency of ${name}`} fileName={`${name}-latency`} height={150} />
      <EChart option={errorOption(live)} testId="serving-chart-errors" label={`Errors per second of ${name}`} fileName={`${name}-errors`} height={120} />
    </div>
  );
}

function History({ entries }: { entries: readonly ServingHistoryEntry[] }) {
  if (entries.length === 0) return null;
  return (
    <div className="serving-history">
      <h4>Routing history</h4>
      <ol data-testid="serving-history">
        {[...entries].reverse().map((h, i) => (
          <li key={`${h.at}-${i}`} className={h.automatic ? 'automatic' : undefined}>
            <time dateTime={new Date(h.at).toISOString()}>{new Date(h.at).toLocaleTimeString()}</time> {h.kind}
            {h.from !== null && h.to !== null && ` v${h.from} → v${h.to}`}
            {h.percent !== null && h.kind !== 'switch' && ` (${h.percent}%)`}
            {h.automatic && ' (automatic)'}
            {h.reason && <span className="hint"> — {h.reason}</span>}
          </li>
        ))}
      </ol>
    </div>
  );
}

const num = (v: number | null | undefined): string => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Number(v.toPrecision(4)).toString());

/** The last drift check of the logged traffic: the dataset verdict, then each column, most drifted first. */
function TrafficDrift({ check }: { check: DriftCheck }) {
  if (check.state === 'loading') return <p className="hint">Comparing the logged traffic with the training data…</p>;
  if (check.state === 'error') {
    return (
      <p className="serving-error" role="alert" data-testid="serving-drift-error">
        {check.message}
      </p>
    );
  }
  const { data } = check;
  const { report } = data;
  const columns = sortDriftColumns(report.columns, 'score', 'asc');
  return (
    <div className="serving-drift" data-testid="serving-drift">
      <p className={report.datasetDrift ? 'serving-drift-summary drifted' : 'serving-drift-summary'} data-testid="serving-drift-summary">
        <strong>{report.datasetDrift ? 'Dataset drift' : 'No dataset drift'}</strong>: {report.driftedColumns} of {report.columns.length} columns drifted (share {num(report.share)}, drift at{' '}
        {num(report.driftShare)}). The newest {data.loggedRows} logged rows ({data.logFiles} log file{data.logFiles === 1 ? '' : 's'}) against the {report.rows.reference} training rows of v
        {data.version}, checked {new Date(data.at).toLocaleTimeString()}.
      </p>
      {report.skipped.length > 0 && <p className="hint">Skipped: {report.skipped.map((s) => `${s.name} (${s.reason})`).join('; ')}</p>}
      <div className="drift-table-wrap">
        <table className="drift-table" data-testid="serving-drift-table">
          <thead>
            <tr>
              <th scope="col">column</th>
              <th scope="col">drifted</th>
              <th scope="col">test</th>
              <th scope="col" title="p-value (ks, chisquare, z: drifted below the threshold) or distance (drifted at or above it)">
                score
              </th>
              <th scope="col">threshold</th>
            </tr>
          </thead>
          <tbody>
            {columns.map((c) => (
              <tr key={c.name} data-testid="serving-drift-row" data-column={c.name} data-drifted={c.drifted ? 'yes' : 'no'}>
                <th scope="row">{c.name}</th>
                <td>{c.drifted ? <span className="verdict drifted">yes</span> : <span className="verdict ok">no</span>}</td>
                <td>{c.method}</td>
                <td className="num">{num(c.score)}</td>
                <td className="num">{num(c.threshold)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** Live accuracy per version, from labels sent to POST /feedback. */
function LiveAccuracy({ data, onRefresh }: { data: ServingAccuracyData | undefined; onRefresh: () => void }) {
  const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
  return (
    <div className="serving-accuracy">
      <h4>
        Live accuracy{' '}
        <button type="button" onClick={onRefresh} data-testid="serving-refresh-accuracy">
          Refresh
        </button>
      </h4>
      {!data || data.versions.length === 0 ? (
        <p className="hint">No label yet: send them to POST /feedback ({'{"id", "row", "label"}'}, the id of the prediction's answer).</p>
      ) : (
        <table className="drift-table" data-testid="serving-accuracy">
          <thead>
            <tr>
              <th scope="col">version</th>
              <th scope="col">labelled rows</th>
              <th scope="col">accuracy</th>
              <th scope="col">MAE</th>
              <th scope="col">as shadow</th>
            </tr>
          </thead>
          <tbody>
            {data.versions.map((v) => (
              <tr key={v.version} data-testid="serving-accuracy-row" data-version={v.version}>
                <th scope="row">v{v.version}</th>
                <td className="num">{v.labelled}</td>
                <td className="num">{pct(v.accuracy)}</td>
                <td className="num">{num(v.mae)}</td>
                <td className="num">{v.shadowLabelled > 0 ? `${pct(v.shadowAccuracy)} of ${v.shadowLabelled}` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
