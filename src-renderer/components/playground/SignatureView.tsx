import type { OnnxSignature, OnnxValueInfo } from '../../../src-shared/api/contract.js';
import { formatBytes } from '../format.js';

const shapeText = (info: OnnxValueInfo): string =>
  info.shape === null ? 'any shape' : `[${info.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;

/** Everything the model file says about itself: inputs, outputs, types, shapes, opsets, producer, metadata. */
export function SignatureView({ signature, slot }: { signature: OnnxSignature; slot: string }) {
  const metadata = Object.entries(signature.metadata);
  return (
    <div className="signature" data-testid={`signature-${slot}`}>
      <dl className="signature-facts">
        <dt>Producer</dt>
        <dd data-testid={`signature-producer-${slot}`}>
          {signature.producer.name || 'unknown'} {signature.producer.version}
        </dd>
        <dt>Opsets</dt>
        <dd data-testid={`signature-opsets-${slot}`}>
          {signature.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ') || 'none stated'}
        </dd>
        <dt>IR version</dt>
        <dd>{signature.irVersion}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(signature.bytes)}</dd>
        {signature.plumb && (
          <>
            <dt>Task</dt>
            <dd>
              {signature.plumb.task ?? 'unknown'}
              {signature.plumb.estimator ? ` · ${signature.plumb.estimator}` : ''}
              {signature.plumb.target ? ` · predicts ${signature.plumb.target}` : ''}
            </dd>
          </>
        )}
        {signature.docString && (
          <>
            <dt>About</dt>
            <dd>{signature.docString}</dd>
          </>
        )}
      </dl>
      <ValueTable title="Inputs" values={signature.inputs} testId={`signature-inputs-${slot}`} />
      <ValueTable title="Outputs" values={signature.outputs} testId={`signature-outputs-${slot}`} />
      {metadata.length > 0 && (
        <details className="signature-metadata">
          <summary>Metadata ({metadata.length})</summary>
          <dl data-testid={`signature-metadata-${slot}`}>
            {metadata.map(([k, v]) => (
              <div key={k} className="metadata-entry">
                <dt>{k}</dt>
                <dd title={v}>{v.length > 300 ? `${v.slice(0, 300)}…` : v}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
      {signature.warnings.map((w, i) => (
        <p key={i} className="field-error" role="status">
          {w}
        </p>
      ))}
    </div>
  );
}

function ValueTable({ title, values, testId }: { title: string; values: readonly OnnxValueInfo[]; testId: string }) {
  return (
    <table className="data-table signature-table" data-testid={testId}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>name</th>
          <th>type</th>
          <th>shape</th>
        </tr>
      </thead>
      <tbody>
        {values.map((v) => (
          <tr key={v.name} title={v.docString}>
            <td>
              <code>{v.name}</code>
              {v.optional && <span className="hint"> (optional)</span>}
            </td>
            <td>{v.kind === 'tensor' ? (v.elementType ?? '?') : `${v.kind}${v.elementType ? ` of ${v.elementType}` : ''}`}</td>
            <td>{shapeText(v)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
