// The import directions of DESIGN.md section 1, as a lint error (as VS Code's code-layering
// rule does). Resolves each relative import against the importing file, then asks which layer
// the target is in.
import { builtinModules } from 'node:module';
import path from 'node:path';

const BUILTINS = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

/** Which layer a repo-relative path belongs to. */
export function layerOf(rel) {
  // Imports name the emitted `.js`; the file on disk is `.ts` (or the extension is left out).
  const p = rel.split(path.sep).join('/').replace(/\.js$/, '.ts').replace(/\/spec$/, '/spec.ts').replace(/^nodes\/index$/, 'nodes/index.ts');
  if (p.startsWith('src-shared/')) return 'shared';
  if (p.startsWith('src-renderer/')) return 'renderer';
  if (p.startsWith('src-main/engine/')) return 'engine';
  if (p.startsWith('src-main/')) return 'main';
  if (/^nodes\/[^/]+\/spec\.ts$/.test(p) || p === 'nodes/index.ts') return 'node-spec';
  if (p.startsWith('nodes/')) return 'node-run';
  return 'other';
}

/** Layers each layer may import (besides itself). */
const ALLOWED = {
  shared: ['shared'],
  'node-spec': ['shared', 'node-spec'],
  renderer: ['renderer', 'shared', 'node-spec'],
  engine: ['engine', 'shared', 'main'],
  main: ['main', 'engine', 'shared', 'node-spec', 'node-run'],
  'node-run': ['node-run', 'node-spec', 'shared', 'main', 'engine'],
  other: null,
};

/** Layers that must stay free of Node built-ins because they run in the browser too. */
const NO_NODE = new Set(['shared', 'node-spec', 'renderer']);

const WHY = {
  shared: 'src-shared is pure: it imports nothing of ours outside src-shared',
  'node-spec': 'a node spec is pure data: it imports only src-shared and other specs',
  renderer: 'src-renderer reaches the Node side only through the bridge, never by import',
  engine: 'the engine never imports nodes/ or the renderer: the composition root hands it the catalogue',
  main: 'src-main never imports src-renderer',
  'node-run': 'a node run function never imports the renderer',
};

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the import directions between src-shared, nodes, src-main and src-renderer' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      forbidden: '{{from}} may not import {{target}} ({{why}}).',
      builtin: '{{from}} may not import the Node built-in "{{target}}": it must run in a browser too.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = context.filename;
    const fromRel = path.relative(root, file);
    const from = layerOf(fromRel);
    // Tests run in Node and may use the real catalogue as a fixture; they ship in no layer.
    const isTest = /\.test(-helpers)?\.tsx?$/.test(file);
    const allowed = ALLOWED[from] && (isTest ? [...ALLOWED[from], 'node-spec'] : ALLOWED[from]);
    if (!allowed) return {};
    const check = (node, source) => {
      if (typeof source !== 'string') return;
      if (BUILTINS.has(source)) {
        if (NO_NODE.has(from) && !isTest) context.report({ node, messageId: 'builtin', data: { from: fromRel, target: source } });
        return;
      }
      if (!source.startsWith('.')) return;
      const targetRel = path.relative(root, path.resolve(path.dirname(file), source));
      const target = layerOf(targetRel);
      if (target === 'other' && targetRel.startsWith('..')) return;
      if (target !== 'other' && !allowed.includes(target)) {
        context.report({ node, messageId: 'forbidden', data: { from: fromRel, target: targetRel, why: WHY[from] } });
      }
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};

export default { rules: { layers: layersRule } };
