// Minifies the no-bundler build (pkg/web) in place: a page that imports `rtc-peer/web` downloads
// these files exactly as they are, so they ship as small as terser makes them, each with a source
// map (sources included) beside it for the devtools. Class and function names are kept, so stack
// traces and `PeerConnection.name` read as in the source. The bundler build (pkg/) stays as
// written: the app's bundler minifies it with the app. Run by scripts/build-pkg.sh.
import { minify } from 'terser';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const dir = process.argv[2] ?? 'pkg/web';
const jsUnder = (d) => readdirSync(d, { withFileTypes: true })
  .flatMap((e) => (e.isDirectory() ? jsUnder(join(d, e.name)) : e.name.endsWith('.js') ? [join(d, e.name)] : []));

for (const file of jsUnder(dir)) {
  const name = basename(file);
  const out = await minify({ [name]: readFileSync(file, 'utf8') }, {
    module: true,
    compress: { passes: 2 },
    mangle: true,
    keep_classnames: true,
    keep_fnames: true,
    sourceMap: { filename: name, url: `${name}.map`, includeSources: true },
  });
  writeFileSync(file, out.code);
  writeFileSync(`${file}.map`, out.map);
}
