/**
 * The rules of the house about imports (README "Dependency direction"), checked by `npm run check:deps` in .ci/run.
 * Layers, bottom up: model; store; provisioning, auditor; report; schedule, trace, edge, lab; dashboard; cluster (what
 * processes and replicas share); app (the composition root); cli. A layer imports only layers below it. vendors/*
 * imports src/model only; only the composition root (src/app/) imports the vendor list. The vendor-id check (no vendor id in src/) is scripts/check-vendor-ids.mjs.
 */
const layer = (name, mayNotImport) => ({
  name: `layer-${name}`,
  comment: `src/${name} depends downward only`,
  severity: 'error',
  from: { path: `^src/${name}/` },
  to: { path: `^src/(${mayNotImport.join('|')})/` },
});

module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'no import cycles anywhere',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('model', ['store', 'provisioning', 'auditor', 'report', 'schedule', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('store', ['provisioning', 'auditor', 'report', 'schedule', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('provisioning', ['auditor', 'report', 'schedule', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('auditor', ['provisioning', 'report', 'schedule', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('report', ['provisioning', 'schedule', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('schedule', ['provisioning', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('trace', ['provisioning', 'schedule', 'edge', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    layer('edge', ['provisioning', 'auditor', 'report', 'schedule', 'trace', 'lab', 'dashboard', 'app', 'cli', 'cluster']),
    // the lab emulates the phones the server and the auditor are tested against: it shares no code with either
    layer('lab', ['provisioning', 'auditor', 'report', 'schedule', 'trace', 'edge', 'dashboard', 'app', 'cli', 'cluster']),
    layer('dashboard', ['lab', 'edge', 'trace', 'app', 'cli', 'cluster']),
    layer('cluster', ['auditor', 'report', 'schedule', 'trace', 'edge', 'lab', 'dashboard', 'app', 'cli']),
    layer('app', ['cli']),
    {
      name: 'vendors-import-model-only',
      comment: 'a vendor folder imports src/model (and vendors/_shared), nothing else of the project',
      severity: 'error',
      from: { path: '^vendors/' },
      to: { path: '^src/', pathNot: '^src/model/' },
    },
    {
      name: 'vendor-folders-apart',
      comment: 'one vendor folder never imports another (shared code lives in vendors/_shared)',
      severity: 'error',
      from: { path: '^vendors/([^/_][^/]*)/' },
      to: { path: '^vendors/[^/_][^/]*/', pathNot: '^vendors/$1/' },
    },
    {
      name: 'shared-vendor-code-is-vendor-neutral',
      comment: 'vendors/_shared serves every adapter and names none',
      severity: 'error',
      from: { path: '^vendors/_shared/' },
      to: { path: '^vendors/(?!_shared/)' },
    },
    {
      name: 'core-never-imports-a-vendor',
      comment: 'src/ reaches adapters only through the list the composition root (src/app/vendors.ts) passes in',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/app/' },
      to: { path: '^vendors/' },
    },
    {
      name: 'only-the-composition-root-lists-vendors',
      comment: 'vendors/index.ts is imported by the composition root, tests and benchmarks only',
      severity: 'error',
      from: { pathNot: '^(src/app/|test/|bench/)' },
      to: { path: '^vendors/index\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.mjs', '.cjs'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
