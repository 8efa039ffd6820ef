import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import plumb from './eslint-rules/layers.js';

const root = import.meta.dirname;

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'test-results/', 'playwright-report/', 'test-fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { plumb },
    rules: {
      'plumb/layers': ['error', { root }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
    },
  },
  {
    files: ['src-shared/**', 'nodes/**', 'src-renderer/**', 'src-main/**'],
    rules: {
      // Randomness must come from a seeded generator (scikit-learn's random_state), never a global one.
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use a seeded generator.' }],
    },
  },
);
