// The wasm benchmarks' stand-in for web/page_store.js under Node.js: each commit's groups of pages,
// copied out of the wasm heap by web/page_vfs.cpp as the console copies them, are kept by group number,
// as the console keeps them for its IndexedDB write (bench/persist measures that write in a browser).
// Plain ES5: Emscripten 3.1.6's minifier mangles destructuring.
Module.crmPages = {
  groups: new Map(),
  commit: function(seq, pageSize, pageCount, groups) {
    for (var i = 0; i < groups.length; ++i) this.groups.set(groups[i][0], groups[i][1]);
  },
  mayWrite: function() { return 1; },
};
