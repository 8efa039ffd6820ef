import { useActions, useApp, usePlayground } from '../../app/context.js';
import { baseName } from '../../playground/batch.js';
import { formatMs } from '../format.js';

/** Batch prediction of a CSV by the first slot's model: progress, cancel, and the result to download. */
export function BatchPanel() {
  const playground = usePlayground();
  const { setBatchPaths } = useActions();
  const input = useApp((s) => s.playground.batchInput);
  const out = useApp((s) => s.playground.batchOut);
  const batch = useApp((s) => s.playground.batch);
  const hasModel = useApp((s) => s.playground.slots.a?.signature.state === 'loaded');
  const busy = batch?.status === 'running' || batch?.status === 'cancelling';
  const url = batch?.status === 'succeeded' ? playground.downloadUrl(batch.job) : null;

  return (
    <div className="batch-panel" data-testid="batch-panel">
      <div className="field">
        <label className="field-label" htmlFor="pg-batch-input">
          CSV to predict (path on this computer, with a header row)
        </label>
        <input
          id="pg-batch-input"
          type="text"
          spellCheck={false}
          data-testid="batch-input"
          placeholder="/home/me/data/new-customers.csv"
          value={input}
          disabled={busy}
          onChange={(e) => playground.setBatchInput(e.target.value)}
        />
      </div>
      <div className="field">
        <label className="field-label" htmlFor="pg-batch-out">
          Write the predictions to
        </label>
        <input
          id="pg-batch-out"
          type="text"
          spellCheck={false}
          data-testid="batch-out"
          value={out}
          disabled={busy}
          onChange={(e) => setBatchPaths({ out: e.target.value })}
        />
      </div>
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          data-testid="batch-start"
          disabled={!hasModel || busy || !input.trim()}
          title={hasModel ? undefined : 'Choose a model first'}
          onClick={() => void playground.startBatch('a')}
        >
          Predict the file
        </button>
        {busy && (
          <button type="button" className="button" data-testid="batch-cancel" disabled={batch?.status === 'cancelling'} onClick={() => void playground.cancelBatch()}>
            {batch?.status === 'cancelling' ? 'Cancelling…' : 'Cancel'}
          </button>
        )}
      </div>
      {batch && (
        <div className="batch-status" data-testid="batch-status" data-status={batch.status}>
          {(busy || batch.status === 'succeeded') && (
            <div className="progress-row">
              <progress
                max={1}
                value={batch.progress}
                data-testid="batch-progress"
                aria-label="Batch prediction progress"
                data-rows={batch.rows}
              />
              <span className="hint" data-testid="batch-rows">
                {batch.totalRows > 0 ? `${batch.rows.toLocaleString('en-US')} / ${batch.totalRows.toLocaleString('en-US')} rows` : busy ? 'Reading the file…' : ''}
              </span>
            </div>
          )}
          {batch.status === 'succeeded' && (
            <div className="batch-done" data-testid="batch-done">
              <p>
                {batch.rows.toLocaleString('en-US')} rows predicted in {formatMs(batch.ms ?? 0)}.
              </p>
              {url ? (
                <a className="button primary" href={url} download={baseName(batch.out)} data-testid="batch-download">
                  Download {baseName(batch.out)}
                </a>
              ) : null}
              <p className="batch-path">
                Saved as <code data-testid="batch-out-path">{batch.out}</code>
              </p>
            </div>
          )}
          {batch.status === 'cancelled' && <p className="hint" data-testid="batch-cancelled">Cancelled; nothing was written.</p>}
          {batch.status === 'failed' && (
            <div className="inline-error" role="alert" data-testid="batch-error">
              <p>{batch.error}</p>
              {batch.details.length > 0 && (
                <ul>
                  {batch.details.map((d, i) => (
                    <li key={i}>{d}</li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}
