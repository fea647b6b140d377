#!/usr/bin/python3
"""A libtorrent seeder that is known only through a private DHT on 127.0.0.1.

Joins the DHT of tests/integration/dht/lt_dht.py through --bootstrap (add_dht_node, with the
loopback settings INTEROP.md lists), seeds --torrent from --save with an optional upload limit,
and announces itself to the DHT every few seconds. No tracker, no LSD, no UPnP.

stdout, one JSON object per line:
  {"type":"seeding","port":P}
  {"type":"progress","uploaded":N,"peers":N,"uploadRate":R}   every second
Diagnostics on stderr. Exits on SIGTERM or --timeout.
"""
import argparse
import json
import signal
import sys
import time

import libtorrent as lt


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--torrent", required=True)
    p.add_argument("--save", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bootstrap", required=True, help="HOST:PORT of a node of the private DHT")
    p.add_argument("--upload-limit", type=int, default=0)
    p.add_argument("--timeout", type=float, default=300)
    args = p.parse_args()
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))

    ses = lt.session({
        "listen_interfaces": "127.0.0.1:%d" % args.port,
        "enable_dht": True,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "dht_bootstrap_nodes": "",
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_prefer_verified_node_ids": False,
        "dht_ignore_dark_internet": False,
        "dht_upload_rate_limit": 10000000,
        "dht_block_ratelimit": 100000,
        "dht_announce_interval": 5,
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "user_agent": "lt_dht_seed/" + lt.__version__,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })
    host, _, port = args.bootstrap.rpartition(":")
    ses.add_dht_node((host, int(port)))
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(args.torrent)
    params.save_path = args.save
    params.flags |= lt.torrent_flags.seed_mode
    handle = ses.add_torrent(params)
    if args.upload_limit:
        handle.set_upload_limit(args.upload_limit)
    emit({"type": "seeding", "port": ses.listen_port()})

    started = time.time()
    last_announce = 0.0
    last_progress = 0.0
    while not stop["now"] and time.time() - started < args.timeout:
        for a in ses.pop_alerts():
            sys.stderr.write("ALERT %s: %s\n" % (type(a).__name__, a.message()))
        now = time.time()
        if now - last_announce > 3:
            last_announce = now
            handle.force_dht_announce()
        if now - last_progress >= 1:
            last_progress = now
            st = handle.status()
            emit({"type": "progress", "uploaded": st.total_payload_upload, "peers": st.num_peers, "uploadRate": st.upload_payload_rate})
        ses.wait_for_alert(100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
