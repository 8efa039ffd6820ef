import { formatProbability, probabilitySum, type PredictionView } from '../../playground/prediction.js';
import type { LatencyStats, Loadable, ModelSlot, SlotId } from '../../state/playground-slice.js';
import { formatValue } from '../format.js';
import { ProbabilityChart } from './ProbabilityChart.js';

const ms = (v: number): string => (v < 10 ? `${v.toFixed(2)} ms` : `${v.toFixed(1)} ms`);

/** One slot's answer: the prediction (label and chart, value, or raw outputs) and its latency. */
export function ResultCard({ id, slot }: { id: SlotId; slot: ModelSlot }) {
  return (
    <section className="result-card" data-testid={`result-${id}`} aria-label={`Result of ${slot.title}`}>
      <h4 className="result-title" title={slot.title}>
        {slot.title}
      </h4>
      {slot.prediction === null ? <p className="hint">No prediction yet.</p> : <PredictionBody id={id} prediction={slot.prediction} />}
      {slot.latency && <LatencyBody id={id} latency={slot.latency} />}
    </section>
  );
}

function ErrorBox({ message, details, testId }: { message: string; details: readonly string[]; testId: string }) {
  return (
    <div className="inline-error" role="alert" data-testid={testId}>
      <p>{message}</p>
      {details.length > 0 && (
        <ul>
          {details.map((d, i) => (
            <li key={i}>{d}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

function PredictionBody({ id, prediction }: { id: SlotId; prediction: Loadable<PredictionView> }) {
  if (prediction.state === 'loading') return <p className="hint">Predicting…</p>;
  if (prediction.state === 'error') return <ErrorBox message={prediction.message} details={prediction.details} testId={`prediction-error-${id}`} />;
  const p = prediction.data;
  const timing = (
    <p className="result-timing" data-testid={`prediction-time-${id}`}>
      onnxruntime {ms(p.runMs)} · call {ms(p.totalMs)}
    </p>
  );
  if (p.kind === 'class') {
    const sum = probabilitySum(p.probabilities);
    return (
      <div data-testid={`prediction-${id}`}>
        <p className="result-label">
          <span className="hint">label</span> <strong data-testid={`prediction-label-${id}`}>{p.label || '(none)'}</strong>
        </p>
        {p.refused && (
          <p className="field-error" role="alert" data-testid={`prediction-refused-${id}`}>
            The model refused this row: a missing value it cannot impute, or a category it has not seen.
          </p>
        )}
        {p.probabilities.length > 0 && (
          <>
            <ProbabilityChart probabilities={p.probabilities} predicted={p.label} testId={`probability-chart-${id}`} />
            <table className="data-table probability-table" data-testid={`probabilities-${id}`}>
              <tbody>
                {p.probabilities.map((c) => (
                  <tr key={c.label} data-testid="probability-row" data-label={c.label} data-p={String(c.p)}>
                    <td>{c.label}</td>
                    <td className="num">{formatProbability(c.p)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <td>sum</td>
                  <td className="num">{sum.toFixed(4)}</td>
                </tr>
              </tfoot>
            </table>
          </>
        )}
        {timing}
      </div>
    );
  }
  if (p.kind === 'value') {
    return (
      <div data-testid={`prediction-${id}`}>
        <p className="result-label">
          <span className="hint">{p.target ?? 'value'}</span>{' '}
          <strong data-testid={`prediction-value-${id}`} title={p.value === null ? undefined : String(p.value)}>
            {p.value === null ? 'no value' : formatValue(p.value)}
          </strong>
        </p>
        {p.refused && (
          <p className="field-error" role="alert" data-testid={`prediction-refused-${id}`}>
            The model refused this row: a missing value it cannot impute, or a category it has not seen.
          </p>
        )}
        {timing}
      </div>
    );
  }
  return (
    <div data-testid={`prediction-${id}`}>
      {p.outputs.map((o) => (
        <div key={o.name} className="tensor-output" data-testid={`output-${id}-${o.name}`}>
          <div className="tensor-output-head">
            <code>{o.name}</code> <span className="hint">{o.type} [{o.dims.join(', ')}]</span>
          </div>
          <pre className="tensor-output-values" data-testid={`output-values-${id}-${o.name}`}>
            {o.text}
            {o.truncated ? ' …' : ''}
          </pre>
        </div>
      ))}
      {timing}
    </div>
  );
}

function LatencyBody({ id, latency }: { id: SlotId; latency: Loadable<LatencyStats> }) {
  if (latency.state === 'loading') return <p className="hint">Measuring latency…</p>;
  if (latency.state === 'error') return <ErrorBox message={latency.message} details={latency.details} testId={`latency-error-${id}`} />;
  const l = latency.data;
  return (
    <table className="data-table latency-table" data-testid={`latency-${id}`}>
      <caption>Latency over {l.runs} runs</caption>
      <tbody>
        {(['p50', 'p95', 'p99', 'mean', 'min', 'max'] as const).map((k) => (
          <tr key={k} data-testid={`latency-${k}-${id}`}>
            <td>{k}</td>
            <td className="num">{ms(l[k])}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
