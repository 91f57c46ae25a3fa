// The bench's view of the package's wasm instance. pkg/web is one bundled file that exports only
// the product, so the bench page takes the instance as it is made: imported before the package,
// this module wraps `WebAssembly.instantiateStreaming` (the glue's path for a .wasm served as
// application/wasm) and hands the glue the same instance's exports in a plain object, which the
// glue reads on every call. A row can then time a core entry point by swapping it for a timed one
// and back (coreTime in bench.js); the memory rows read `memory` and the externref table.
let exports = null;
const instantiateStreaming = WebAssembly.instantiateStreaming;
WebAssembly.instantiateStreaming = async function (...args) {
  const { module, instance } = await instantiateStreaming.apply(this, args);
  if (exports !== null) return { module, instance };
  exports = { ...instance.exports };
  return { module, instance: { exports } };
};

/** The package's wasm exports (writable; see above). */
export function wasmExports() {
  if (exports === null) throw new Error('bench/wasm-exports.js: the package was instantiated before this module, or not by instantiateStreaming');
  return exports;
}
