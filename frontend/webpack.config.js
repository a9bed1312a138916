// Builds dist/module.js the way Grafana loads plugins: an AMD module whose shared packages
// (React, @grafana/*, emotion, rxjs, ...) come from Grafana itself at run time.
const path = require('path');

const SHARED = [
  'react',
  'react-dom',
  'react-redux',
  'redux',
  'rxjs',
  'react-router',
  'react-router-dom',
  'lodash',
  'moment',
  'jquery',
  'd3',
  'angular',
  'slate',
  'prismjs',
  'emotion',
  '@emotion/css',
  '@emotion/react',
  '@grafana/data',
  '@grafana/ui',
  '@grafana/runtime',
];

/** TypeScript and modern dependencies compiled by SWC. */
const swcRule = {
  test: /\.[jt]sx?$/,
  exclude: /node_modules/,
  use: {
    loader: 'swc-loader',
    options: {
      jsc: {
        parser: { syntax: 'typescript', tsx: true },
        transform: { react: { runtime: 'classic' } },
        target: 'es2020',
      },
    },
  },
};

/** The shared catalogue (data/aws-cloudwatch-catalogue.json): the frontend reads only its regions,
 * so the bundle carries those and not the backend's namespaces, metrics and keys. */
const catalogueRule = {
  test: /aws-cloudwatch-catalogue\.json$/,
  type: 'json',
  parser: { parse: (text) => ({ regions: JSON.parse(text).regions }) },
};

module.exports = {
  entry: { module: './src/module.ts' },
  output: {
    path: path.resolve(__dirname, process.env.STRATUS_DIST || '../dist'),
    filename: '[name].js',
    library: { type: 'amd' },
    publicPath: 'public/plugins/stratus-cloudwatch-datasource/',
    uniqueName: 'stratus-cloudwatch-datasource',
  },
  externals: [
    ...SHARED,
    // Grafana exposes its own modules under grafana/...
    ({ request }, callback) => (request && request.startsWith('grafana/') ? callback(undefined, request.slice(8)) : callback()),
  ],
  resolve: { extensions: ['.ts', '.tsx', '.js', '.jsx', '.mjs'] },
  module: { rules: [swcRule, catalogueRule, { test: /\.m?js$/, resolve: { fullySpecified: false } }] },
  devtool: 'source-map',
  performance: { hints: false },
};
