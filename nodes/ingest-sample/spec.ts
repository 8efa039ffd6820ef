import type { ColumnSchema, NodeSpec } from '../../src-shared/nodes/spec.js';

/**
 * The data sets shipped in `samples/` (see samples/README.md), with the columns and types the CSV
 * reader gives them: known in advance, so the inspector offers their columns before any run. The
 * tests check these against what the reader actually produces.
 */
const cols = (type: string, names: string): ColumnSchema[] => names.split(' ').map((name) => ({ name, type }));

const CANCER_FEATURES = 'radius texture perimeter area smoothness compactness concavity concave_points symmetry fractal_dimension'.split(' ');

export const SAMPLE_DATASETS = {
  telco_churn: {
    title: 'Telco customer churn',
    file: 'telco_churn.csv',
    rows: 7043,
    what: 'customer churn (target `churn`), mixed numeric and categorical columns, 11 missing `total_charges`',
    columns: [
      ...cols('BOOLEAN', 'churn'),
      ...cols('BIGINT', 'female senior_citizen partner dependents tenure phone_service'),
      ...cols(
        'VARCHAR',
        'multiple_lines internet_service online_security online_backup device_protection tech_support streaming_tv streaming_movies contract',
      ),
      ...cols('BIGINT', 'paperless_billing'),
      ...cols('VARCHAR', 'payment_method'),
      ...cols('DOUBLE', 'monthly_charges total_charges'),
    ],
  },
  penguins: {
    title: 'Palmer penguins',
    file: 'penguins.csv',
    rows: 344,
    what: 'penguin measurements, species classification (target `species`), missing values',
    columns: [
      ...cols('VARCHAR', 'species island'),
      ...cols('DOUBLE', 'bill_length_mm bill_depth_mm'),
      ...cols('BIGINT', 'flipper_length_mm body_mass_g'),
      ...cols('VARCHAR', 'sex'),
      ...cols('BIGINT', 'year'),
    ],
  },
  titanic: {
    title: 'Titanic passengers',
    file: 'titanic.csv',
    rows: 1309,
    what: 'survival (target `survived`), mixed types, many missing values',
    columns: [
      ...cols('DOUBLE', 'pclass'),
      ...cols('BIGINT', 'survived'),
      ...cols('VARCHAR', 'name sex'),
      ...cols('DOUBLE', 'age sibsp parch'),
      ...cols('VARCHAR', 'ticket'),
      ...cols('DOUBLE', 'fare'),
      ...cols('VARCHAR', 'cabin embarked boat'),
      ...cols('DOUBLE', 'body'),
      ...cols('VARCHAR', 'home.dest'),
    ],
  },
  breast_cancer: {
    title: 'Breast cancer (Wisconsin diagnostic)',
    file: 'breast_cancer.csv',
    rows: 569,
    what: '30 numeric features, target `diagnosis` (malignant/benign)',
    columns: [
      ...cols('DOUBLE', CANCER_FEATURES.map((f) => `mean_${f}`).join(' ')),
      ...cols('DOUBLE', CANCER_FEATURES.map((f) => `${f}_error`).join(' ')),
      ...cols('DOUBLE', CANCER_FEATURES.map((f) => `worst_${f}`).join(' ')),
      ...cols('VARCHAR', 'diagnosis'),
    ],
  },
  diabetes: {
    title: 'Diabetes progression',
    file: 'diabetes.csv',
    rows: 442,
    what: 'regression, target `progression`, ten baseline variables in raw units',
    columns: cols('DOUBLE', 'age sex bmi bp s1 s2 s3 s4 s5 s6 progression'),
  },
} as const satisfies Record<string, { title: string; file: string; rows: number; what: string; columns: readonly ColumnSchema[] }>;

export type SampleDataset = keyof typeof SAMPLE_DATASETS;

const NAMES = Object.keys(SAMPLE_DATASETS) as SampleDataset[];

export const ingestSampleSpec: NodeSpec = {
  type: 'ingest.sample',
  version: 1,
  category: 'ingestion',
  title: 'Sample data set',
  summary: 'Reads one of the small real data sets shipped with Plumb.',
  docs: [
    'Reads a data set shipped with the app (the CSV files in `samples/`) with the same reader and',
    'defaults as **Read CSV**, so the table equals what Read CSV gives for that file. Its columns',
    'are known before it runs.',
    '',
    '- **dataset**: which one:',
    ...NAMES.map((n) => {
      const d = SAMPLE_DATASETS[n];
      return `  - \`${n}\`: ${d.title}, ${d.rows} rows x ${d.columns.length} columns; ${d.what}.`;
    }),
  ].join('\n'),
  inputs: [],
  outputs: [{ name: 'out', type: 'table', label: 'Rows' }],
  params: [
    {
      name: 'dataset',
      kind: 'enum',
      label: 'Data set',
      default: 'penguins',
      options: NAMES.map((n) => ({ value: n, label: SAMPLE_DATASETS[n].title })),
    },
  ],
  inferSchema: (_inputs, params) => {
    const name = String(params.dataset ?? 'penguins');
    if (!(name in SAMPLE_DATASETS)) {
      return { outputs: { out: undefined }, problems: [{ param: 'dataset', message: `unknown data set "${name}" (one of ${NAMES.join(', ')})` }] };
    }
    return { outputs: { out: { kind: 'table', columns: SAMPLE_DATASETS[name as SampleDataset].columns.map((c) => ({ ...c })) } } };
  },
};
