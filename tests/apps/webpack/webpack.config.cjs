// webpack 5 with async WebAssembly, the way a user of the package would set it up.
const path = require('node:path');

module.exports = {
  mode: 'production',
  context: __dirname,
  entry: './src/index.js',
  output: { path: path.resolve(__dirname, 'dist'), filename: 'main.js', publicPath: 'auto', clean: true },
  experiments: { asyncWebAssembly: true },
  performance: { hints: false },
  devtool: false,
};
