#!/usr/bin/python3
"""A libtorrent seeder that insists on RC4 message stream encryption, for the MSE tests.

Makes its own data (--size bytes of a fixed pattern) and torrent in --dir, seeds it on
127.0.0.1:--port with out/in_enc_policy = forced and allowed_enc_level = rc4, optionally dials
--peer HOST:PORT. Prints one JSON line {"type":"ready","port":N,"infohash":"<40 hex>"} once
seeding, then alert lines on stderr. Exits on SIGTERM or after --timeout seconds.
"""
import argparse
import json
import os
import signal
import sys
import time

import libtorrent as lt


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--size", type=int, default=5 * 16384 + 100)
    p.add_argument("--peer", default="")
    p.add_argument("--timeout", type=float, default=60)
    p.add_argument("--enc-level", choices=["rc4", "both"], default="rc4",
                   help="allowed_enc_level; 'both' is what lt_peer.py --encryption forced leaves")
    args = p.parse_args()
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))

    data_path = os.path.join(args.dir, "mse-data.bin")
    with open(data_path, "wb") as f:
        f.write(bytes((i * 7 + 3) % 251 for i in range(args.size)))
    fs = lt.file_storage()
    lt.add_files(fs, data_path)
    ct = lt.create_torrent(fs, 16384, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(ct, args.dir)
    info = lt.torrent_info(lt.bencode(ct.generate()))

    ses = lt.session({
        "listen_interfaces": "127.0.0.1:%d" % args.port,
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_outgoing_utp": False, "enable_incoming_utp": False,
        "allow_multiple_connections_per_ip": True,
        "out_enc_policy": lt.enc_policy.forced,
        "in_enc_policy": lt.enc_policy.forced,
        "allowed_enc_level": lt.enc_level.rc4 if args.enc_level == "rc4" else lt.enc_level.both,
        "alert_mask": lt.alert.category_t.error_notification | lt.alert.category_t.peer_notification
        | lt.alert.category_t.connect_notification | lt.alert.category_t.status_notification,
    })
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = args.dir
    handle = ses.add_torrent(params)

    started = time.time()
    ready = False
    while not stop["now"] and time.time() - started < args.timeout:
        for a in ses.pop_alerts():
            sys.stderr.write("ALERT %s: %s\n" % (type(a).__name__, a.message()))
            sys.stderr.flush()
        if not ready and handle.status().is_seeding:
            ready = True
            sys.stdout.write(json.dumps({"type": "ready", "port": ses.listen_port(),
                                         "infohash": str(info.info_hash()),
                                         "pieces": info.num_pieces()}) + "\n")
            sys.stdout.flush()
            if args.peer:
                host, _, port = args.peer.rpartition(":")
                handle.connect_peer((host, int(port)))
        ses.wait_for_alert(100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
