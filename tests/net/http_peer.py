#!/usr/bin/python3
"""A small HTTP server for the delivery tests and the outbox benchmark, on 127.0.0.1 and a port the kernel
picks, HTTP/1.1 with keep-alive.

Usage: http_peer.py LOG [--script 500,hang,200] [--quiet]
Prints the port on the first line of stdout once it listens. Answers the requests in turn with the script's
statuses ("hang": never answers, until the peer stops), then 200. Appends each request to LOG as one JSON
line (method, path, headers, body) unless LOG is "-". Answers CORS preflights (OPTIONS) without counting them, and allows any origin. Exits when its stdin closes.
"""
import argparse
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
args = None
script = []


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go as separate writes: no 40 ms delayed-ACK stalls

    def log_message(self, *a):
        pass

    def cors(self):
        # The browser test's page is another origin: allow it, and the preflight of its headers.
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "POST, PUT, PATCH")
        self.send_header("Access-Control-Allow-Headers", "*")

    def do_OPTIONS(self):
        self.send_response(204)
        self.cors()
        self.send_header("Content-Length", "0")
        self.end_headers()

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        with lock:
            answer = script.pop(0) if script else "200"
            if args.log != "-":
                with open(args.log, "a", encoding="utf-8") as f:
                    f.write(json.dumps({"method": self.command, "path": self.path,
                                        "headers": dict(self.headers.items()), "body": body,
                                        "answer": answer}) + "\n")
        if answer == "hang":
            time.sleep(3600)
            return
        out = b'{"ok": true}'
        self.send_response(int(answer))
        self.send_header("Content-Type", "application/json")
        self.cors()
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_POST = do_PUT = do_PATCH = do_GET = handle_any


def main():
    global args, script
    p = argparse.ArgumentParser()
    p.add_argument("log")
    p.add_argument("--script", default="")
    args = p.parse_args()
    script = [s for s in args.script.split(",") if s]
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
