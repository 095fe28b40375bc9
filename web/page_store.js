// The workspace's pages in IndexedDB (linked with --pre-js; the C++ half is web/page_vfs.cpp).
//
// IndexedDB database "crm-workspace", version 1:
//   object store "pages": key = group number g (0-based), value = the bytes of pages
//                         g*15+1 .. g*15+15 (Uint8Array; the last group may hold fewer);
//                         key = [n] (an array: sorted after every number), value = page n alone,
//                         newer than page n in its group
//   object store "meta":  key "db" = {format: 3, pageSize, pageCount, group: 15, seq, time}
//                         (format 2 stored groups only, format 1 groups of 16: both read; format 1
//                         is rewritten whole by the next commit)
// Groups of pages, not single pages, hold the database: reading 850 records of 60 KB is ~35 times
// faster than 12,800 of 4 KB in Chromium. But a commit stores only the pages it changed, each alone
// ([n]): an edit touching 8 pages in 8 groups writes 32 KB, not 480 KB. A group with FOLD_AT pages
// stored alone is written whole again, with its lone pages deleted in the same transaction, and
// while more than MAX_ALONE pages are stored alone a commit also folds the groups holding the most,
// so the startup read stays a read of groups.
// Each SQLite commit's pages and the meta record go in ONE readwrite transaction (pages beyond
// pageCount deleted in it too): IndexedDB applies a transaction whole or not at all, and applies
// transactions on the same stores in the order they were created, so the stored pages are always
// the database as of some commit. A commit handed over while another is being written waits and
// is merged with any later ones (the newest bytes of a page win): one transaction in flight, at
// most one pending. A failed transaction (quota) wrote nothing; its pages are kept and retried
// with the next commit.
//
// Startup reads meta and every page in ONE readonly transaction (a consistent snapshot) straight
// into the VFS's arena, in slices, so the page never holds a second whole copy. A workspace saved
// by an earlier release (IDBFS: IndexedDB database "/data", the whole file as one record) is read
// once through IDBFS, written here as one commit, and then the old database is deleted.
//
// `?storage=idbfs` in the address runs the earlier release's whole-file IDBFS persistence
// (kept for the migration test and the benchmark's before/after comparison).
'use strict';
Module['crmPages'] = (function () {
  // 3: groups and pages stored alone; 2: groups only; 1: groups of 16 pages (read, and rewritten in
  // groups of GROUP by the first commit)
  var FORMAT = 3;
  var DB_NAME = 'crm-workspace';
  var LEGACY_DB = '/data';
  var LEGACY_FILE = '/data/crm.db';
  // Pages per record (web/page_vfs.cpp: kGroupPages): 15 pages of 4 KB are 60 KB, under the 64 KB above
  // which Chromium wraps an IndexedDB value into a blob file of its own (a file written and synced per
  // record: one 64 KB put took 1 to 2,000 ms, median 10, where 64 KB less 100 bytes took 2 ms).
  var GROUP = 15;
  var FORMAT1_GROUP = 16;
  var SLICE = 64;   // records read per request at startup
  var FOLD_AT = 8;  // a group with this many pages stored alone (32 KB) is written whole instead (60 KB)
  var MAX_ALONE = 1024;  // pages stored alone in all (4 MB), above which a commit folds groups back
  var OPEN_TRIES = 5;

  var self = {
    mode: /(^|[?&])storage=idbfs(&|$)/.test(location.search) ? 'idbfs' : 'pages',
    source: '',       // where the workspace came from: "pages", "idbfs" (migrated) or "new"
    db: null,
    busy: false,      // a write transaction is in flight
    pending: null,    // {meta, baseSeq, pages: Map(group -> bytes)} waiting to be written
    savedSeq: 0,      // the newest commit known stored
    lastSeq: 0,       // the newest commit handed over
    migrating: false, // the first write completes a migration from IDBFS
    lastWriteMs: 0,   // how long the last write transaction took
    lastWriteKb: 0,   // what it put, in KB
    alone: new Map(), // group -> Set of its page numbers stored alone (as far as this tab knows)
    aloneCount: 0,    // the pages in `alone`
    storedPages: 0,   // the page count of the stored commit (the layout its groups have)
    wholeNext: false, // the next write stores every group it holds whole (a layout change, a migration)
    maxAlone: MAX_ALONE,  // (a test lowers it)
    folds: 0,         // groups folded back whole because of maxAlone
    enabled: true,
    prefetchUsed: false,  // the last read took the records read while the wasm compiled (Prefetch)
    lostByBrowser: '',    // the browser's own word when it found its store corrupt and discarded it
  };

  function message(e) {
    if (!e) return 'unknown error';
    return String(e.message || e.name || e);
  }
  function isQuota(e) {
    var name = (e && e.name) || '';
    return name === 'QuotaExceededError' || /quota/i.test(message(e));
  }
  // unsavedBytes: what a failed write left waiting in memory (the pending pages), 0 when stored.
  function report(seq, code, text, unsavedBytes) {
    unsavedBytes = unsavedBytes || 0;
    try {
      window.dispatchEvent(new CustomEvent('crm-stored', { detail: { seq: seq, code: code, message: text,
        unsavedBytes: unsavedBytes } }));
    } catch (e) {}
    Module.ccall('crm_web_on_pages_stored', null, ['number', 'number', 'string', 'number'],
      [seq, code, text, unsavedBytes]);
  }
  // The changed pages a batch holds, in bytes (a group folded back changes nothing).
  function pendingBytes() {
    var n = 0;
    if (self.pending) {
      var size = self.pending.meta.pageSize;
      self.pending.pages.forEach(function (rec) { n += rec.changed.size * size; });
    }
    return n;
  }
  // Puts group g's record {bytes, changed: Set of page numbers, whole} into a batch's map, over an
  // older one: the newest bytes win, the changed pages add up.
  function putGroup(map, g, rec) {
    var old = map.get(g);
    if (old) {
      old.changed.forEach(function (p) { rec.changed.add(p); });
      rec.whole = rec.whole || old.whole;
    }
    map.set(g, rec);
  }
  // Rebuilds the count of pages stored alone.
  function countAlone() {
    var n = 0;
    self.alone.forEach(function (set) { n += set.size; });
    self.aloneCount = n;
  }

  // [SECTION] Opening: done(code, message): 0 ok, 1 IndexedDB unusable, 3 newer store, 4 damaged store,
  // 5 a new workspace because the browser discarded its corrupt store (upgrade, below)
  self.open = function (done, attempt) {
    attempt = attempt || 0;
    if (early) {
      // The prefetch (below) opened the store while the wasm compiled: use its connection.
      if (!early.settled) { early.waiters.push(function () { self.open(done, attempt); }); return; }
      var db = early.db;
      prefetched = early.meta ? early : null;
      early = null;
      if (db) { opened(db, done); return; }
    }
    var req;
    try {
      if (!window.indexedDB) throw new Error('indexedDB is not defined');
      req = indexedDB.open(DB_NAME, 1);
    } catch (e) {
      setTimeout(function () { done(1, message(e)); }, 0);
      return;
    }
    req.onupgradeneeded = function (e) { upgrade(req, e); };
    req.onblocked = function () { done(1, 'the browser storage is blocked by another tab'); };
    req.onerror = function (e) {
      if (e && e.preventDefault) e.preventDefault();
      // Right after a browser was killed its backing store can refuse an opening or two while the
      // dead process's files are let go: try again a few times before running in memory.
      if (attempt + 1 < OPEN_TRIES) {
        console.warn('[console] opening IndexedDB failed (' + message(req.error) + '); trying again');
        setTimeout(function () { self.open(done, attempt + 1); }, 250 * (attempt + 1));
        return;
      }
      done(1, message(req.error));
    };
    req.onsuccess = function () { opened(req.result, done); };
  };

  function createStores(db) {
    if (!db.objectStoreNames.contains('pages')) db.createObjectStore('pages');
    if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
  }

  // Chromium, finding its copy of an origin's IndexedDB corrupt at opening, deletes it and opens an
  // empty database, saying so only on this opening's upgrade event (`dataLoss`: "total", with its
  // reason in `dataLossMessage`). The workspace then starts anew, and the console must say why
  // (code 5 below) rather than show the demo company as if nothing had been stored.
  function upgrade(req, e) {
    if (e && e.dataLoss && e.dataLoss !== 'none')
      self.lostByBrowser = e.dataLossMessage || ('data loss: ' + e.dataLoss);
    createStores(req.result);
  }

  function opened(db, done) {
    db.onversionchange = function () { db.close(); };
    self.db = db;
    // The workspace is read and opened (a new one created, a migration written) holding the
    // writer lease: two tabs opening at once do not both create it.
    if (coordinated()) wantLease(function () { read(db, done); });
    else read(db, done);
  }

  // [SECTION] Prefetch: while the wasm compiles (about half a second on a warm load), the store is
  // opened and, when small, its records read, so that the opening at main() finds them in hand
  // (bench/persist/first_frame.bench.js: the read took 130-170 ms after main()). The records count
  // only if they are still the stored commit when the store is read under the lease: the meta read
  // there must name the same commit (every write puts its meta in the same transaction as its
  // pages), else the store is read again. A store above PREFETCH_MAX_BYTES is only opened: its pages
  // go straight into the VFS's arena, never held twice in memory.
  var PREFETCH_MAX_BYTES = 16 * 1024 * 1024;
  var early = null;       // {db, meta, groups: {keys, values}, alone: {keys, values}, settled, waiters}
  var prefetched = null;  // the settled prefetch the next read may use (once)

  function prefetch() {
    if (self.mode !== 'pages') return;
    var req;
    try {
      if (!window.indexedDB) return;
      req = indexedDB.open(DB_NAME, 1);
    } catch (e) {
      return;  // the opening at main() says why
    }
    var state = early = { db: null, meta: null, groups: null, alone: null, settled: false, waiters: [] };
    var settle = function () {
      if (state.settled) return;
      state.settled = true;
      var waiting = state.waiters;
      state.waiters = [];
      waiting.forEach(function (f) { f(); });
    };
    req.onupgradeneeded = function (e) { upgrade(req, e); };
    req.onblocked = settle;
    req.onerror = function (e) {
      if (e && e.preventDefault) e.preventDefault();
      settle();  // no connection: the opening at main() tries again and reports
    };
    req.onsuccess = function () {
      state.db = req.result;
      var tx;
      try {
        tx = state.db.transaction(['pages', 'meta'], 'readonly');
      } catch (e) {
        settle();
        return;
      }
      var pages = tx.objectStore('pages'), getMeta = tx.objectStore('meta').get('db');
      var groups = null, alone = null;
      getMeta.onsuccess = function () {
        var meta = getMeta.result;
        if (!meta || !(meta.pageSize * meta.pageCount <= PREFETCH_MAX_BYTES) || !(meta.group >= 1)) return;
        var range = IDBKeyRange.bound(0, Math.max(0, Math.ceil(meta.pageCount / meta.group) - 1));
        var lone = IDBKeyRange.lowerBound([0]);
        groups = { keys: pages.getAllKeys(range), values: pages.getAll(range) };
        alone = { keys: pages.getAllKeys(lone), values: pages.getAll(lone) };
        state.meta = meta;
      };
      tx.oncomplete = function () {
        if (state.meta) {
          state.groups = { keys: groups.keys.result, values: groups.values.result };
          state.alone = { keys: alone.keys.result, values: alone.values.result };
        }
        settle();
      };
      tx.onerror = tx.onabort = function (e) {
        if (e && e.preventDefault) e.preventDefault();
        state.meta = null;  // read again at main()
        settle();
      };
    };
  }

  /** Whether two metas name the same stored commit in the same layout. */
  function sameCommit(a, b) {
    return a.format === b.format && (a.seq || 0) === (b.seq || 0) && a.pageSize === b.pageSize &&
      a.pageCount === b.pageCount && a.group === b.group;
  }

  function read(db, done) {
    var tx, pages, meta, ahead = prefetched;
    prefetched = null;
    try {
      tx = db.transaction(['pages', 'meta'], 'readonly');
    } catch (e) {
      done(1, message(e));
      return;
    }
    var failed = false;
    var fail = function (code, text) {
      if (failed) return;
      failed = true;
      try { tx.abort(); } catch (e) {}
      done(code, text);
    };
    pages = tx.objectStore('pages');
    var getMeta = tx.objectStore('meta').get('db');
    getMeta.onsuccess = function () {
      meta = getMeta.result;
      if (!meta) {
        // Nothing stored in this format: move an earlier release's store over, or start anew.
        tx.oncomplete = function () { openLegacy(done); };
        return;
      }
      if (typeof meta.format !== 'number' || meta.format > FORMAT) {
        fail(3, 'the workspace stored in this browser was written by a newer version of this app (format ' +
          meta.format + ')');
        return;
      }
      var size = meta.pageSize, count = meta.pageCount, group = meta.group;
      var known = group === GROUP || (meta.format === 1 && group === FORMAT1_GROUP);
      if (!(size >= 512 && size <= 65536 && (size & (size - 1)) === 0 && count >= 1) || !known) {
        fail(4, 'the stored workspace has an invalid page layout (' + size + ' x ' + count + ', groups of ' +
          meta.group + ')');
        return;
      }
      var arena = Module._crm_vfs_load_begin(size, count, meta.seq || 0);
      if (!arena) { fail(4, 'not enough memory to open the stored workspace (' + count + ' pages)'); return; }
      var groups = Math.ceil(count / group), next = 0, t0 = performance.now();
      // Copies groups lo..hi into the arena; false when it failed (and said why).
      var copyGroups = function (k, v, lo, hi) {
        if (k.length !== hi - lo + 1) {
          fail(4, 'the stored workspace is missing pages (groups ' + lo + ' to ' + hi + ')');
          return false;
        }
        for (var i = 0; i < v.length; ++i) {
          var bytes = v[i], g = k[i];
          var want = Math.min(group, count - g * group) * size;
          if (!bytes || bytes.byteLength !== want) {
            fail(4, 'the stored pages of group ' + g + ' have the wrong size');
            return false;
          }
          HEAPU8.set(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), arena + g * group * size);
        }
        return true;
      };
      // Then the pages stored alone, over their groups' bytes (array keys sort after every group
      // number), once every group is copied.
      var alone = new Map();
      var copyAlone = function (k, v) {
        for (var i = 0; i < v.length; ++i) {
          var n = k[i][0], bytes = v[i];
          if (!(n >= 1 && n <= count) || !bytes || bytes.byteLength !== size) {
            fail(4, 'the stored page ' + n + ' is out of place or has the wrong size');
            return;
          }
          HEAPU8.set(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), arena + (n - 1) * size);
          var g = Math.floor((n - 1) / GROUP);
          if (!alone.has(g)) alone.set(g, new Set());
          alone.get(g).add(n);
        }
      };
      var slice = function () {
        if (next >= groups) { readAlone(); return; }
        var lo = next, hi = Math.min(groups - 1, next + SLICE - 1);
        next = hi + 1;
        var range = IDBKeyRange.bound(lo, hi);
        var keys = pages.getAllKeys(range), values = pages.getAll(range);
        values.onsuccess = function () {
          if (copyGroups(keys.result, values.result, lo, hi)) slice();
        };
      };
      var readAlone = function () {
        var range = IDBKeyRange.lowerBound([0]);
        var keys = pages.getAllKeys(range), values = pages.getAll(range);
        values.onsuccess = function () { copyAlone(keys.result, values.result); };
      };
      self.prefetchUsed = !!ahead && sameCommit(ahead.meta, meta);
      if (self.prefetchUsed) {
        // Read while the wasm compiled, and still the stored commit: no more requests.
        if (copyGroups(ahead.groups.keys, ahead.groups.values, 0, groups - 1))
          copyAlone(ahead.alone.keys, ahead.alone.values);
      } else {
        slice();
      }
      tx.oncomplete = function () {
        if (failed) return;
        if (!Module._crm_vfs_header_page_size() || Module._crm_vfs_header_page_size() !== size) {
          done(4, 'the stored pages do not form a valid database');
          return;
        }
        self.savedSeq = self.lastSeq = meta.seq || 0;
        self.source = 'pages';
        self.alone = alone;
        countAlone();
        self.storedPages = count;
        // Stored in groups of another size: the next commit writes every group again, in one
        // transaction with its meta, so the store holds one layout or the other, never a mix.
        if (group !== GROUP) {
          self.wholeNext = true;
          Module._crm_vfs_mark_all_dirty();
        }
        self.readMs = performance.now() - t0;
        done(0, '');
      };
    };
    tx.onerror = function () { fail(1, message(tx.error)); };
    tx.onabort = function () { if (!failed) fail(1, message(tx.error)); };
  }

  // An earlier release's IDBFS store: read once through IDBFS (the same code that wrote it).
  function openLegacy(done) {
    var fresh = function () {
      Module._crm_vfs_load_begin(4096, 0, 0);
      self.source = 'new';
      self.storedPages = 0;  // every group the first commit holds is new: written whole
      if (self.lostByBrowser) done(5, 'the browser discarded its stored copy as corrupt (' + self.lostByBrowser + ')');
      else done(0, '');
    };
    var req;
    try {
      req = indexedDB.open(LEGACY_DB);
    } catch (e) {
      fresh();
      return;
    }
    var absent = false;
    req.onupgradeneeded = function () {
      absent = true;  // no such database: do not create it
      req.transaction.abort();
    };
    req.onerror = function (e) {
      if (e && e.preventDefault) e.preventDefault();
      fresh();
    };
    req.onsuccess = function () {
      var db = req.result, has = db.objectStoreNames.contains('FILE_DATA');
      db.close();
      if (absent || !has) { fresh(); return; }
      try { FS.mkdir(LEGACY_DB); } catch (e) {}
      try {
        FS.mount(IDBFS, {}, LEGACY_DB);
      } catch (e) {
        done(1, message(e));
        return;
      }
      FS.syncfs(true, function (err) {
        if (err) { done(1, 'reading the earlier store failed: ' + message(err)); return; }
        var node = null;
        try { node = FS.lookupPath(LEGACY_FILE).node; } catch (e) {}
        var used = node ? (node.usedBytes || 0) : 0;
        if (!node || used < 100) {
          closeLegacy();
          fresh();
          return;
        }
        var bytes = node.contents.subarray(0, used);
        var size = (bytes[16] << 8) | bytes[17];
        if (size === 1) size = 65536;
        if (!(size >= 512 && (size & (size - 1)) === 0) || used % size !== 0) {
          closeLegacy();
          done(4, 'the workspace saved by the earlier version is not a valid database');
          return;
        }
        var arena = Module._crm_vfs_load_begin(size, used / size, 0);
        if (!arena) { closeLegacy(); done(4, 'not enough memory to open the stored workspace'); return; }
        HEAPU8.set(bytes, arena);
        closeLegacy();
        Module._crm_vfs_mark_all_dirty();
        self.wholeNext = true;
        self.storedPages = 0;
        self.migrating = true;
        self.source = 'idbfs';
        done(0, '');
      });
    };
  }

  // Drops the IDBFS copy from memory (the IndexedDB database stays until the migration is stored).
  function closeLegacy() {
    try { FS.unmount(LEGACY_DB); } catch (e) {}
    if (typeof IDBFS !== 'undefined' && IDBFS.dbs && IDBFS.dbs[LEGACY_DB]) {
      try { IDBFS.dbs[LEGACY_DB].close(); } catch (e) {}
      delete IDBFS.dbs[LEGACY_DB];
    }
  }

  function finishMigration() {
    self.migrating = false;
    try {
      var del = indexedDB.deleteDatabase(LEGACY_DB);
      del.onsuccess = function () { console.log('[console] the earlier IDBFS store was moved over and removed'); };
    } catch (e) {}
  }

  // [SECTION] Writing

  /** One commit's pages from the VFS: groups of [group number, the group's bytes, the page numbers the
   *  commit changed in it] (write() stores the changed pages alone, or the group whole). */
  self.commit = function (seq, pageSize, pageCount, groups) {
    self.lastSeq = seq;
    lastCommitAt = performance.now();
    var meta = { format: FORMAT, pageSize: pageSize, pageCount: pageCount, group: GROUP, seq: seq, time: Date.now() };
    if (!self.pending) self.pending = { pages: new Map(), meta: meta, baseSeq: seq - 1 };
    self.pending.meta = meta;
    for (var i = 0; i < groups.length; ++i)
      putGroup(self.pending.pages, groups[i][0], { bytes: groups[i][1], changed: new Set(groups[i][2]), whole: false });
    if (self.aloneCount > self.maxAlone) foldGroups(self.pending, pageSize, pageCount);
    // The write starts now (IndexedDB works on it in the background), not a frame later.
    if (!self.busy) writeNext();
  };

  // Too many pages stored alone: the groups holding the most are stored whole with this commit, their
  // bytes read from the VFS now (the database as of this commit), until half the bound is left.
  function foldGroups(batch, pageSize, pageCount) {
    var left = self.aloneCount;
    batch.pages.forEach(function (rec, g) { if (rec.whole && self.alone.has(g)) left -= self.alone.get(g).size; });
    var most = [];
    self.alone.forEach(function (set, g) {
      var rec = batch.pages.get(g);
      if (!(rec && rec.whole) && g * GROUP < pageCount) most.push([set.size, g]);
    });
    most.sort(function (a, b) { return b[0] - a[0]; });
    for (var i = 0; i < most.length && left > self.maxAlone / 2; ++i) {
      var g = most[i][1], n = Math.min(GROUP, pageCount - g * GROUP);
      var rec = { bytes: new Uint8Array(n * pageSize), changed: new Set(), whole: true };
      for (var k = 0; k < n; ++k) {
        var ptr = Module._crm_vfs_page(g * GROUP + k + 1);
        if (ptr) rec.bytes.set(HEAPU8.subarray(ptr, ptr + pageSize), k * pageSize);
      }
      putGroup(batch.pages, g, rec);
      left -= most[i][0];
      self.folds++;
    }
  }

  function writeNext() {
    if (self.busy || !self.pending || !self.enabled) return;
    var batch = self.pending;
    self.pending = null;
    self.busy = true;
    // One writer at a time across tabs: the lease (below) is held for every commit; a browser
    // without BroadcastChannel still takes the Web Lock per write, and without Web Locks
    // IndexedDB still orders the writes.
    if (self.lease === 'held') {
      write(batch, function () {});
    } else if (navigator.locks && navigator.locks.request) {
      navigator.locks.request('crm-workspace-write', function () {
        return new Promise(function (release) { write(batch, release); });
      }).catch(function (e) { console.error('[console] the write lock failed: ' + message(e)); });
    } else {
      write(batch, function () {});
    }
  }

  function write(batch, release) {
    var seq = batch.meta.seq, t0 = performance.now();
    var settled = false, conflict = false, plan = null;
    var fail = function (e) {
      if (settled) return;
      settled = true;
      self.busy = false;
      release();
      if (conflict) { lostToOtherTab(seq); return; }
      // Nothing of this batch was written: keep its pages under any newer ones for the next try.
      if (self.pending) {
        self.pending.pages.forEach(function (rec, g) { putGroup(batch.pages, g, rec); });
        batch.meta = self.pending.meta;
      }
      self.pending = batch;
      var text = message(e), bytes = pendingBytes(), commits = self.lastSeq - self.savedSeq;
      // Say what is at stake: the commits made since the last stored one, kept in memory only.
      console.error('[console] saving to IndexedDB failed: ' + text + '; ' + commits + ' change' +
        (commits === 1 ? '' : 's') + ' (commits ' + (self.savedSeq + 1) + '-' + self.lastSeq + ', ' +
        Math.ceil(bytes / 1024) + ' KB of pages) not saved, kept in memory until a write succeeds');
      report(seq, isQuota(e) ? 2 : 1, text, bytes);
    };
    var tx;
    try {
      tx = self.db.transaction(['pages', 'meta'], 'readwrite', { durability: 'strict' });
      var pages = tx.objectStore('pages'), metas = tx.objectStore('meta');
      var count = Math.ceil(batch.meta.pageCount / GROUP);  // records
      // The batch applies to the commit it was made on: if another tab stored a commit since, it
      // must not be written over that one.
      var current = metas.get('db');
      current.onsuccess = function () {
        var stored = current.result ? current.result.seq : 0;
        if (stored !== batch.baseSeq && !self.migrating) {
          conflict = true;
          try { tx.abort(); } catch (e) {}
          return;
        }
        try {
          plan = storePages(batch, pages, count);
          // Groups and lone pages beyond the page count (IDBKeyRange.lowerBound(count) would take the
          // lone pages too: arrays sort after numbers).
          pages.delete(IDBKeyRange.bound(count, Infinity));
          pages.delete(IDBKeyRange.lowerBound([batch.meta.pageCount + 1]));
          metas.put(batch.meta, 'db');
        } catch (e) {
          try { tx.abort(); } catch (e2) {}
          fail(e);
        }
      };
    } catch (e) {
      if (tx) { try { tx.abort(); } catch (e2) {} }
      setTimeout(function () { fail(e); }, 0);  // not while SQLite is inside the commit
      return;
    }
    tx.oncomplete = function () {
      if (settled) return;
      settled = true;
      self.busy = false;
      release();
      self.lastWriteMs = performance.now() - t0;
      self.lastWriteKb = plan.bytes / 1024;
      self.savedSeq = seq;
      // What is stored alone now.
      plan.alone.forEach(function (set, g) { if (set) self.alone.set(g, set); else self.alone.delete(g); });
      var groups = Math.ceil(batch.meta.pageCount / GROUP);
      self.alone.forEach(function (set, g) {
        if (g >= groups - 1) set.forEach(function (n) { if (n > batch.meta.pageCount) set.delete(n); });
        if (!set.size) self.alone.delete(g);
      });
      countAlone();
      self.storedPages = batch.meta.pageCount;
      self.wholeNext = false;
      if (self.migrating) finishMigration();
      announce(batch);
      report(seq, 0, '');
      writeNext();
      maybeRelease();
    };
    tx.onerror = function (e) { if (e && e.preventDefault) e.preventDefault(); };
    tx.onabort = function () { fail(tx.error || new Error('the write was aborted')); };
  }

  // Puts a batch's groups into the write transaction: each group's changed pages alone, or the group
  // whole (then its lone pages are deleted) when it is new or changes length, holds FOLD_AT pages
  // stored alone with these, was folded back, or the layout is being rewritten. Answers the plan:
  // what `alone` becomes per group (null: none), and the bytes put.
  function storePages(batch, pages, count) {
    var size = batch.meta.pageSize, shared = Math.min(self.storedPages, batch.meta.pageCount);
    var out = { alone: new Map(), bytes: 0 };
    batch.pages.forEach(function (rec, g) {
      if (g >= count) return;
      var union = new Set(self.alone.get(g) || []);
      rec.changed.forEach(function (n) { union.add(n); });
      // The group's length differs from the stored one's (or it is not stored yet).
      var reshaped = batch.meta.pageCount !== self.storedPages && (g + 1) * GROUP > shared;
      if (rec.whole || self.wholeNext || reshaped || union.size >= FOLD_AT) {
        pages.put(rec.bytes, g);
        pages.delete(IDBKeyRange.bound([g * GROUP + 1], [g * GROUP + GROUP]));
        out.alone.set(g, null);
        out.bytes += rec.bytes.byteLength;
      } else {
        rec.changed.forEach(function (n) {
          var at = ((n - 1) % GROUP) * size;
          pages.put(rec.bytes.slice(at, at + size), [n]);
        });
        out.alone.set(g, union);
        out.bytes += rec.changed.size * size;
      }
    });
    return out;
  }

  // [SECTION] Other tabs on the same workspace
  // A stored commit is announced on a BroadcastChannel with its pages; a tab whose state is the
  // commit's base applies them and reopens its workspace (the console then shows the change). A
  // tab that is behind, or whose own commit lost the race for the same base (the seq check in
  // write()), reads the whole store again.
  var channel = null;
  try { channel = new BroadcastChannel('crm-workspace'); } catch (e) {}

  function announce(batch) {
    if (!channel) return;
    var list = [];
    var count = Math.ceil(batch.meta.pageCount / GROUP);
    batch.pages.forEach(function (rec, g) { if (g < count) list.push([g, rec.bytes]); });
    try {
      channel.postMessage({ type: 'commit', seq: batch.meta.seq, baseSeq: batch.baseSeq, meta: batch.meta, pages: list,
        at: performance.timeOrigin + performance.now() });
    } catch (e) {}
  }

  function lostToOtherTab(seq) {
    self.pending = null;
    self.lostCommits++;
    var text = 'another tab saved a change at the same moment; the latest change made here was not kept ' +
      'and the workspace was reloaded';
    console.error('[console] ' + text);
    reload(function () { report(seq, 3, text); });
  }

  function reload(then) {
    if (!self.db) return;
    read(self.db, function (code, text) {
      if (code) console.error('[console] reloading the workspace failed: ' + text);
      else Module.ccall('crm_web_on_store_changed', null, [], []);
      if (then) then();
    });
  }

  if (channel) channel.onmessage = function (e) {
    var m = e.data;
    if (m && m.type === 'want') { maybeRelease(true); return; }
    if (!m || m.type !== 'commit' || self.mode !== 'pages' || !self.enabled || !self.db) return;
    if (m.seq <= self.lastSeq && !self.busy && !self.pending) return;  // already have it
    if (self.busy || self.pending) return;  // our own write settles it (stored, or lost and reloaded)
    if (m.baseSeq !== self.lastSeq) { reload(); return; }
    var size = m.meta.pageSize, group = m.meta.group;
    for (var i = 0; i < m.pages.length; ++i) {
      var g = m.pages[i][0], bytes = m.pages[i][1];
      for (var at = 0; at < bytes.length; at += size) {
        var ptr = Module._crm_vfs_page_for_apply(g * group + at / size + 1, size);
        if (!ptr) { reload(); return; }
        HEAPU8.set(bytes.subarray(at, at + size), ptr);
      }
    }
    Module._crm_vfs_apply_end(m.seq, m.meta.pageCount);
    self.lastSeq = self.savedSeq = m.seq;
    // The other tab stored these pages alone or whole: which, this tab learns when it reads the store
    // again (a whole write deletes its group's lone pages whatever this tab believes).
    self.storedPages = m.meta.pageCount;
    Module.ccall('crm_web_on_store_changed', null, [], []);
    // From the other tab's write completing to this tab's workspace reopened over it.
    self.lastApplied = { seq: m.seq, lagMs: performance.timeOrigin + performance.now() - m.at };
  };

  // [SECTION] The writer lease
  // Two tabs never commit on the same base: a tab commits only while it holds the Web Lock
  // `crm-workspace-write` (the lease), and takes it only once it shows the stored workspace's
  // newest commit. The VFS asks mayWrite() when SQLite starts a write transaction; without the
  // lease that write is refused at once (SQLITE_BUSY: storage.busy, nothing changed, nothing to
  // lose) and the lease is asked for, so the next try succeeds. The tab the user works in asks for
  // it on their first pointer move or key, before any click. A holder gives the lease up when
  // another tab waits for it and it has nothing in flight and made no commit for QUIET_MS (a run
  // of commits, such as an import, keeps it until done).
  var LOCK = 'crm-workspace-write';
  var QUIET_MS = 250;
  var CATCH_UP_MS = 500;  // how long a new holder waits for the announcement of a commit it lacks
  self.lease = 'none';    // 'none', 'wanted' or 'held'
  self.lostCommits = 0;   // commits dropped because another tab stored one on the same base
  var WANT_AGAIN_MS = 500; // a waiting tab repeats its "want" message this often
  var releaseLease = null, leaseWaiters = [], lastCommitAt = 0, releaseTimer = 0, othersWant = false;

  function coordinated() {
    return self.mode === 'pages' && !!channel && !!(navigator.locks && navigator.locks.request);
  }

  /** Asks for the lease (at once a no-op when held or asked); `then` runs once it is held. */
  function wantLease(then) {
    if (self.lease === 'held') { if (then) then(); return; }
    if (then) leaseWaiters.push(then);
    if (self.lease === 'wanted') return;
    self.lease = 'wanted';
    navigator.locks.request(LOCK, function () {
      return new Promise(function (release) {
        catchUp(function () {
          self.lease = 'held';
          othersWant = false;
          releaseLease = release;
          var waiting = leaseWaiters;
          leaseWaiters = [];
          waiting.forEach(function (f) { f(); });
          try { Module.ccall('crm_web_wake', null, [], []); } catch (e) {}
          maybeRelease();  // a tab may have asked while this one waited
        });
      });
    }).catch(function (e) {
      self.lease = 'none';
      console.error('[console] the write lock failed: ' + message(e));
    });
    // Tell the holder (its lock query may not list this request yet), and again while waiting.
    var ask = function () {
      if (self.lease !== 'wanted') return;
      try { channel.postMessage({ type: 'want' }); } catch (e) {}
      setTimeout(ask, WANT_AGAIN_MS);
    };
    ask();
  }

  // A new holder first shows the store's newest commit: the other tab's announcement usually
  // arrives within milliseconds (the channel applies it); failing that, the store is read again.
  function catchUp(then) {
    if (!self.db || !self.source) { then(); return; }  // at startup: nothing read yet
    var t0 = performance.now();
    var check = function () {
      var tx;
      try { tx = self.db.transaction(['meta'], 'readonly'); } catch (e) { then(); return; }
      var get = tx.objectStore('meta').get('db');
      get.onsuccess = function () {
        var stored = get.result ? get.result.seq : 0;
        if (stored <= self.lastSeq) then();
        else if (performance.now() - t0 < CATCH_UP_MS) setTimeout(check, 20);
        else reload(then);
      };
      get.onerror = function () { then(); };
    };
    check();
  }

  // Gives the lease up when another tab waits for it and this one is quiet.
  function maybeRelease(asked) {
    if (asked) othersWant = true;
    if (self.lease !== 'held' || !releaseLease) return;
    navigator.locks.query().then(function (state) {
      var waited = othersWant || (state.pending || []).some(function (l) { return l.name === LOCK; });
      if (!waited || self.lease !== 'held') return;
      var quietFor = performance.now() - lastCommitAt;
      if (self.busy || self.pending || Module._crm_vfs_in_write() || quietFor < QUIET_MS) {
        clearTimeout(releaseTimer);
        releaseTimer = setTimeout(maybeRelease, Math.max(20, QUIET_MS - quietFor));
        return;
      }
      var release = releaseLease;
      releaseLease = null;
      othersWant = false;
      self.lease = 'none';
      release();
    });
  }

  /** Asked by the VFS when SQLite starts a write transaction: 1 when this tab may commit. */
  self.mayWrite = function () {
    if (!coordinated() || !self.enabled || self.lease === 'held') return 1;
    wantLease();
    return 0;
  };

  // The tab the user works in takes the lease before their first click or key lands.
  ['pointermove', 'pointerdown', 'keydown', 'wheel', 'focus'].forEach(function (type) {
    window.addEventListener(type, function () {
      if (self.db && coordinated() && self.lease === 'none') wantLease();
    }, { capture: true, passive: true });
  });

  /** Asks the browser to keep the workspace (navigator.storage.persist()); the answer goes to
   *  crm_web_on_persist_answer(1 granted, 0 not). */
  self.askPersist = function () {
    var answer = function (granted) {
      self.persistent = !!granted;
      Module.ccall('crm_web_on_persist_answer', null, ['number'], [granted ? 1 : 0]);
    };
    try {
      if (!navigator.storage || !navigator.storage.persist) { answer(false); return; }
      navigator.storage.persisted().then(function (already) {
        if (already) return true;
        return navigator.storage.persist();
      }).then(answer, function () { answer(false); });
    } catch (e) {
      answer(false);
    }
  };

  /** Retries what a failed write left pending. */
  self.retry = function () { if (!self.busy && self.pending) writeNext(); };

  prefetch();
  return self;
})();
