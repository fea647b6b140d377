#!/usr/bin/python3
"""A private DHT of libtorrent nodes on 127.0.0.1, for the DHT integration test.

Runs --nodes libtorrent sessions in one process, each on its own port, bootstrapped from node 0
with add_dht_node (a "router" is kept out of routing tables and a small DHT never connects up:
INTEROP.md). The last node seeds a small torrent that has NO tracker, so only the DHT knows it.

stdout, one JSON object per line:
  {"type":"ready","ports":[...],"seed_port":P,"info_hash":HEX}   once another node finds the seeder
  {"type":"peers","hash":HEX,"node":I,"peers":[[host,port],...]} answers to get_peers commands
stdin, one JSON object per line:
  {"cmd":"get_peers","hash":HEX,"node":I}
Diagnostics on stderr. Exits on stdin EOF, SIGTERM, or --timeout.
"""
import argparse
import json
import os
import queue
import sys
import tempfile
import threading
import time

import libtorrent as lt


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def make_session(port, host):
    return lt.session({
        "listen_interfaces": ("[%s]:%d" if ":" in host else "%s:%d") % (host, port),
        "enable_dht": True,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "dht_bootstrap_nodes": "",
        # Every node is 127.0.0.1, told apart by port (INTEROP.md).
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_prefer_verified_node_ids": False,
        "dht_ignore_dark_internet": False,
        "dht_upload_rate_limit": 10000000,
        "dht_block_ratelimit": 100000,
        "dht_max_peers_reply": 100,
        "dht_announce_interval": 5,
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "alert_mask": lt.alert.category_t.dht_notification | lt.alert.category_t.dht_operation_notification | lt.alert.category_t.error_notification | lt.alert.category_t.status_notification,
    })


def make_torrent(folder):
    path = os.path.join(folder, "dht-payload.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(64 * 1024))
    fs = lt.file_storage()
    lt.add_files(fs, path)
    ct = lt.create_torrent(fs, 16 * 1024)
    lt.set_piece_hashes(ct, folder)
    return lt.torrent_info(ct.generate())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--ports", required=True, help="comma-separated ports, one node each")
    p.add_argument("--timeout", type=float, default=120)
    p.add_argument("--host", default="127.0.0.1", help="address every node listens on (127.0.0.1 or ::1)")
    args = p.parse_args()
    ports = [int(x) for x in args.ports.split(",")]
    folder = tempfile.mkdtemp(prefix="lt-dht-")
    sessions = [make_session(port, args.host) for port in ports]
    for i, s in enumerate(sessions):
        if i > 0:
            s.add_dht_node((args.host, ports[0]))
    sessions[0].add_dht_node((args.host, ports[1]))

    info = make_torrent(folder)
    seed_port = ports[-1]
    handle = sessions[-1].add_torrent({"ti": info, "save_path": folder, "flags": lt.torrent_flags.seed_mode})
    # v1 infohash: libtorrent 2.0 makes hybrid torrents, and info_hash() would be the truncated v2
    # hash, which no v1 client can verify metadata against (BEP 9 checks SHA-1 of the info dict).
    info_hash = str(info.info_hashes().v1)

    commands = queue.Queue()

    def read_stdin():
        for line in sys.stdin:
            try:
                commands.put(json.loads(line))
            except ValueError:
                pass
        commands.put(None)

    threading.Thread(target=read_stdin, daemon=True).start()

    ready = False
    start = time.time()
    last_probe = 0.0
    while time.time() - start < args.timeout:
        now = time.time()
        if not ready and now - last_probe > 2:
            last_probe = now
            handle.force_dht_announce()
            sessions[0].dht_get_peers(lt.sha1_hash(bytes.fromhex(info_hash)))
        try:
            while True:
                cmd = commands.get_nowait()
                if cmd is None:
                    return 0
                if cmd.get("cmd") == "get_peers":
                    sessions[int(cmd.get("node", 0))].dht_get_peers(lt.sha1_hash(bytes.fromhex(cmd["hash"])))
        except queue.Empty:
            pass
        for i, s in enumerate(sessions):
            for a in s.pop_alerts():
                if isinstance(a, lt.dht_get_peers_reply_alert):
                    peers = [[ep[0], ep[1]] for ep in a.peers()]
                    h = str(a.info_hash)
                    if not ready and h == info_hash and any(pt == seed_port for _, pt in peers):
                        ready = True
                        emit({"type": "ready", "ports": ports, "seed_port": seed_port, "info_hash": info_hash, "save_path": folder})
                    emit({"type": "peers", "hash": h, "node": i, "peers": peers})
                elif a.category() & lt.alert.category_t.error_notification:
                    log("node %d: %s" % (i, a.message()))
        time.sleep(0.05)
    log("timeout")
    return 1


if __name__ == "__main__":
    sys.exit(main())
