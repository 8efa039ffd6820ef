import { useShallow } from 'zustand/react/shallow';
import { useApp, usePlayground } from '../../app/context.js';
import type { SlotId } from '../../state/playground-slice.js';

/**
 * The playground's models of a bundle under review: those exported with their ONNX file (which
 * bundle.open extracted into the state folder) open in a slot; the others are listed with why not.
 */
export function BundledModelPicker({ id }: { id: SlotId }) {
  const playground = usePlayground();
  const models = useApp(useShallow((s) => s.review?.bundle.models ?? []));
  const current = useApp((s) => {
    const source = s.playground.slots[id]?.source;
    return source && 'path' in source ? source.path : null;
  });
  if (models.length === 0) return null;
  return (
    <div className="field bundled-models" data-testid={`bundled-models-${id}`}>
      <span className="field-label">Models in the bundle</span>
      <ul className="bundled-model-list">
        {models.map((m) => (
          <li key={`${m.name}-${m.version}`}>
            {m.extractedPath ? (
              <button
                type="button"
                className={current === m.extractedPath ? 'button primary' : 'button'}
                data-testid={`bundled-model-${id}-${m.name}-v${m.version}`}
                title={m.extractedPath}
                onClick={() => void playground.chooseModel(id, { path: m.extractedPath! }, `${m.name} v${m.version} (bundled)`)}
              >
                {m.name} v{m.version}
              </button>
            ) : (
              <span className="hint">
                {m.name} v{m.version}: exported without its ONNX file, so it cannot predict here
              </span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
