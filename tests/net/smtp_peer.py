#!/usr/bin/python3
"""A real SMTP server for the delivery tests (Debian's aiosmtpd), on 127.0.0.1 and a port the kernel picks.

Usage: smtp_peer.py LOG [--refuse-first N] [--user U --password P] [--tls-cert CERT --tls-key KEY]
Prints the port on the first line of stdout once it accepts connections; appends each accepted message to
LOG as one JSON line (mail_from, rcpt_tos, data); answers "451 try again later" to the first N messages;
with --user, requires AUTH PLAIN/LOGIN with that user and password (over plain TCP: a test peer only);
with --tls-cert, offers STARTTLS with that certificate (stdlib ssl) and refuses mail before the upgrade.
Exits when its stdin closes, so a test that dies leaves no server behind.
"""
import argparse
import asyncio
import json
import os
import socket
import ssl
import sys
import threading

from aiosmtpd.smtp import SMTP, AuthResult


class Handler:
    def __init__(self, log, refuse):
        self.log = log
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        with open(self.log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                                "data": envelope.content.decode("utf-8", "replace")}) + "\n")
        return "250 2.0.0 OK"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("log")
    p.add_argument("--refuse-first", type=int, default=0)
    p.add_argument("--user")
    p.add_argument("--password")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    a = p.parse_args()
    handler = Handler(a.log, a.refuse_first)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login.decode() == a.user and auth_data.password.decode() == a.password
        return AuthResult(success=ok)

    kwargs = {}
    if a.user:
        kwargs = dict(authenticator=authenticator, auth_required=True, auth_require_tls=False)
    if a.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.tls_cert, a.tls_key)
        kwargs.update(tls_context=context, require_starttls=True)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    loop.run_until_complete(loop.create_server(lambda: SMTP(handler, hostname="localhost", **kwargs), sock=sock))
    print(sock.getsockname()[1], flush=True)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    loop.run_forever()


if __name__ == "__main__":
    main()
