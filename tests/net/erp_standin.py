#!/usr/bin/python3
"""A stand-in ERP for the connector tests and the sync benchmark: a REST API over its own SQLite data, on
127.0.0.1 and a port the kernel picks, HTTP/1.1 with keep-alive. Python's standard library only.

Usage: erp_standin.py DB [--key KEY] [--header X-Api-Key] [--seed-customers N]
Prints the port on the first line of stdout once it listens; exits when its stdin closes.

The protocol (the one core/integration/connector.h speaks), for any entity name (customers, orders...):
  GET  /{entity}?updated_since=T&page=N&page_size=S   {"items": [...], "page": N, "has_more": bool}:
       rows changed at or after T (a UTC ISO date-time or Unix ms; absent/empty: all), oldest change first
  GET  /{entity}/{id}                                   the row, or 404
  PUT  /{entity}/{id}   body: fields to change          the row as stored (404 when absent)
  POST /{entity}        body: the new row's fields      201 and the row as stored, with its new id
  POST /{entity}/batch  body: {"items": [{"id": id (absent: a new row), "row": {fields}}...]}
       200 {"items": [{"status": 200 or 201, "row": ...} or {"status": 4xx, "error": "..."}...]}, in order
  GET  /_stats                                          the requests served so far, by kind (no key needed)
  POST /_fail?count=N&status=S                          the next N API requests answer S (default 500): a
       failing ERP for the tests (no key needed)
Cross-origin (CORS), for the browser console's fetch: every answer carries Access-Control-Allow-Origin: *
(the console sends no cookies), and OPTIONS answers the preflight, allowing GET, POST and PUT with
Content-Type, Accept, Authorization and the key header.
Every row carries "id" and "updated_at" (ISO with milliseconds, strictly increasing across writes).
With --key, a request without the header (X-Api-Key by default) holding the key answers 401.
A row whose "name" is "REFUSE" is refused by PUT/POST (or its batch item) with 422 (an ERP-side validation
error). --no-batch answers 404 to the batch route (an ERP without one).
--seed-customers N fills an empty customers table with N rows (C-1..C-N, one millisecond apart) at start, in
one transaction: the sync benchmark's data.
"""
import argparse
import json
import sqlite3
import sys
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

lock = threading.Lock()
args = None
db = None
last_ms = 0
stats = {"get": 0, "put": 0, "post": 0, "batch": 0, "batch_items": 0, "preflight": 0}
failing = {"count": 0, "status": 500}


def now_ms():
    global last_ms
    ms = max(int(time.time() * 1000), last_ms + 1)
    last_ms = ms
    return ms


def iso(ms):
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (ms % 1000)


def parse_since(text):
    if not text:
        return 0
    if text.isdigit():
        return int(text)
    t = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "T"))
    if t.tzinfo is None:
        t = t.replace(tzinfo=timezone.utc)
    return int(round(t.timestamp() * 1000))


def row_of(entity, data, ms):
    row = json.loads(data)
    row["updated_at"] = iso(ms)
    return row


def store(entity, rid, body):
    """Writes one row (rid None: a new one) under the lock: (status, the row as stored or {"error": ...})."""
    if body.get("name") == "REFUSE":
        return 422, {"error": "name REFUSE is refused"}
    body.pop("updated_at", None)
    if rid is None:
        n = db.execute("SELECT COUNT(*) FROM rows WHERE entity = ?", (entity,)).fetchone()[0]
        rid = "%s-%d" % (entity[:1].upper(), n + 1)
        while db.execute("SELECT 1 FROM rows WHERE entity = ? AND id = ?", (entity, rid)).fetchone():
            n += 1
            rid = "%s-%d" % (entity[:1].upper(), n + 1)
        row, status = {}, 201
    else:
        r = db.execute("SELECT data FROM rows WHERE entity = ? AND id = ?", (entity, rid)).fetchone()
        if not r:
            return 404, {"error": "not found"}
        row, status = json.loads(r[0]), 200
    row.update(body)
    row["id"] = rid
    ms = now_ms()
    db.execute("INSERT OR REPLACE INTO rows(entity, id, data, updated_ms) VALUES (?, ?, ?, ?)",
               (entity, rid, json.dumps(row), ms))
    db.commit()
    return status, row_of(entity, json.dumps(row), ms)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *a):
        pass

    def answer(self, status, body):
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)

    def do_OPTIONS(self):
        with lock:
            stats["preflight"] += 1
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, PUT")
        self.send_header("Access-Control-Allow-Headers", "Content-Type, Accept, Authorization, " + args.header)
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def route(self):
        with lock:
            if failing["count"] > 0:
                failing["count"] -= 1
                return failing["status"], {"error": "failing on purpose (POST /_fail)"}, None
        if args.key and self.headers.get(args.header) != args.key:
            return 401, {"error": "unauthorized"}, None
        url = urlsplit(self.path)
        parts = [unquote(p) for p in url.path.strip("/").split("/") if p]
        if not parts or len(parts) > 2:
            return 404, {"error": "no such route"}, None
        return None, parts, parse_qs(url.query)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            data = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            return None
        return data if isinstance(data, dict) else None

    def do_GET(self):
        if self.path == "/_stats":
            with lock:
                return self.answer(200, dict(stats))
        status, parts, query = self.route()
        if status:
            return self.answer(status, parts)
        entity = parts[0]
        with lock:
            stats["get"] += 1
            if len(parts) == 2:
                r = db.execute("SELECT data, updated_ms FROM rows WHERE entity = ? AND id = ?",
                               (entity, parts[1])).fetchone()
                return self.answer(200, row_of(entity, *r)) if r else self.answer(404, {"error": "not found"})
            try:
                since = parse_since(query.get("updated_since", [""])[0])
                page = max(1, int(query.get("page", ["1"])[0]))
                size = min(1000, max(1, int(query.get("page_size", ["100"])[0])))
            except ValueError:
                return self.answer(400, {"error": "bad updated_since, page or page_size"})
            rows = db.execute("SELECT data, updated_ms FROM rows WHERE entity = ? AND updated_ms >= ? "
                              "ORDER BY updated_ms, id LIMIT ? OFFSET ?",
                              (entity, since, size + 1, (page - 1) * size)).fetchall()
        items = [row_of(entity, d, ms) for d, ms in rows[:size]]
        self.answer(200, {"items": items, "page": page, "has_more": len(rows) > size})

    def write(self, create):
        status, parts, _ = self.route()
        if status:
            self.body()  # read it: the connection is kept alive
            return self.answer(status, parts)
        entity = parts[0]
        if create and len(parts) == 2 and parts[1] == "batch":
            return self.batch(entity)
        if (len(parts) == 2) == create:
            return self.answer(405, {"error": "POST /{entity} or PUT /{entity}/{id}"})
        body = self.body()
        if body is None:
            return self.answer(400, {"error": "the body is not a JSON object"})
        with lock:
            stats["post" if create else "put"] += 1
            status, answer = store(entity, None if create else parts[1], body)
        self.answer(status, answer)

    def batch(self, entity):
        body = self.body()  # read whatever is answered: the connection is kept alive
        if args.no_batch:
            return self.answer(404, {"error": "no such route"})
        if body is None or not isinstance(body.get("items"), list):
            return self.answer(400, {"error": "the body is not {\"items\": [...]}"})
        out = []
        with lock:
            stats["batch"] += 1
            for item in body["items"]:
                stats["batch_items"] += 1
                if not isinstance(item, dict) or not isinstance(item.get("row", {}), dict):
                    out.append({"status": 400, "error": "an item is {\"id\": ..., \"row\": {...}}"})
                    continue
                status, answer = store(entity, item.get("id"), dict(item.get("row", {})))
                out.append({"status": status, "row": answer} if status < 300 else
                           {"status": status, "error": answer["error"]})
        self.answer(200, {"items": out})

    def do_PUT(self):
        self.write(False)

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path == "/_fail":
            self.body()
            query = parse_qs(url.query)
            with lock:
                failing["count"] = int(query.get("count", ["1"])[0])
                failing["status"] = int(query.get("status", ["500"])[0])
            return self.answer(200, dict(failing))
        self.write(True)


def main():
    global args, db, last_ms
    p = argparse.ArgumentParser()
    p.add_argument("db")
    p.add_argument("--key", default="")
    p.add_argument("--header", default="X-Api-Key")
    p.add_argument("--seed-customers", type=int, default=0)
    p.add_argument("--no-batch", action="store_true")
    args = p.parse_args()
    db = sqlite3.connect(args.db, check_same_thread=False)
    db.execute("CREATE TABLE IF NOT EXISTS rows (entity TEXT NOT NULL, id TEXT NOT NULL, data TEXT NOT NULL, "
               "updated_ms INTEGER NOT NULL, PRIMARY KEY (entity, id))")
    db.execute("CREATE INDEX IF NOT EXISTS rows_changed ON rows(entity, updated_ms, id)")
    if args.seed_customers and not db.execute("SELECT 1 FROM rows WHERE entity = 'customers'").fetchone():
        start = int(time.time() * 1000) - args.seed_customers
        db.executemany("INSERT INTO rows(entity, id, data, updated_ms) VALUES ('customers', ?, ?, ?)",
                       (("C-%d" % i, json.dumps({"id": "C-%d" % i, "name": "Customer %d" % i,
                                                 "phone": "+86 10 %08d" % i}), start + i)
                        for i in range(1, args.seed_customers + 1)))
        db.commit()
    last_ms = db.execute("SELECT COALESCE(MAX(updated_ms), 0) FROM rows").fetchone()[0]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()  # until the test closes our stdin
    server.shutdown()


if __name__ == "__main__":
    main()
