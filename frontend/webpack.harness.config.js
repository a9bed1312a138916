// Bundles the browser test harness: the real editors with @grafana/ui, React and all, in one
// page Chromium can open without a Grafana server.
const path = require('path');
const base = require('./webpack.config.js');

module.exports = {
  entry: { harness: './tests/browser/harness.tsx' },
  output: { path: path.resolve(__dirname, '.harness'), filename: '[name].js', clean: true },
  resolve: base.resolve,
  module: {
    rules: [
      ...base.module.rules,
      // Monaco's and Grafana's styles, injected as Grafana's own bundle does.
      { test: /\.css$/, use: ['style-loader', 'css-loader'] },
      { test: /\.(svg|png|woff2?|ttf|eot)$/, type: 'asset/inline' },
    ],
  },
  devtool: false,
  performance: { hints: false },
};
