#!/usr/bin/python3
"""A libtorrent peer for interop tests: seeds or leeches one torrent on 127.0.0.1.

Prints one JSON object per line on stdout:
  {"type":"listening","port":N}
  {"type":"seeding"}                      (seed mode: data checked, ready to serve)
  {"type":"progress","progress":0.42,...} (every --interval seconds)
  {"type":"done","seconds":S}             (leech mode: every piece verified), then a bare DONE line
Diagnostics (alerts) go to stderr. Exits 0 when done (leech) or on SIGTERM (seed); 1 on error
or timeout. Only loopback: no DHT, UPnP or NAT-PMP, LSD only when asked; TCP only (uTP off, see
INTEROP.md).
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


def log(text):
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["seed", "leech"], required=True)
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--torrent")
    src.add_argument("--magnet")
    p.add_argument("--save", required=True, help="save path (the folder that holds <name>)")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--tracker", action="append", default=[])
    p.add_argument("--peer", action="append", default=[], help="HOST:PORT to connect to")
    p.add_argument("--upload-limit", type=int, default=0, help="bytes/s for this torrent, 0 = none")
    p.add_argument("--download-limit", type=int, default=0)
    p.add_argument("--timeout", type=float, default=0, help="seconds; 0 = none")
    p.add_argument("--interval", type=float, default=1.0)
    p.add_argument("--keep-seeding", action="store_true", help="leech: keep running after done")
    p.add_argument("--seed-mode", action="store_true", help="seed: trust the data, skip the full check")
    p.add_argument("--utp", action="store_true", help="allow uTP (off by default)")
    p.add_argument("--no-tcp", action="store_true", help="uTP only: no TCP in or out (implies --utp)")
    p.add_argument("--encryption", choices=["enabled", "forced", "disabled"], default="enabled")
    p.add_argument("--listen", default="127.0.0.1", help="address to listen on (127.0.0.1 or ::1)")
    p.add_argument("--unchoke-slots", type=int, default=-1, help="unchoke_slots_limit; 0 = never unchoke")
    p.add_argument("--allowed-fast", type=int, default=-1, help="allowed_fast_set_size (BEP 6)")
    p.add_argument("--max-request-queue", type=int, default=-1, help="max_allowed_in_request_queue: requests beyond it are rejected")
    p.add_argument("--lsd", action="store_true", help="local service discovery (BEP 14), on the listen address")
    p.add_argument("--peer-log", action="store_true", help="log every peer message on stderr (peer_log alerts)")
    p.add_argument("--no-seed-outgoing", action="store_true", help="as a seed, never dial peers (only accept incoming)")
    return p.parse_args()


def make_session(args):
    pe = {"enabled": lt.enc_policy.enabled, "forced": lt.enc_policy.forced, "disabled": lt.enc_policy.disabled}[args.encryption]
    settings = {
        "listen_interfaces": ("[%s]:%d" if ":" in args.listen else "%s:%d") % (args.listen, args.port),
        "enable_dht": False,
        "enable_lsd": args.lsd,
        "enable_upnp": False,
        "enable_natpmp": False,
        # Every peer here is 127.0.0.1: without this libtorrent merges them into one (INTEROP.md).
        "allow_multiple_connections_per_ip": True,
        "enable_outgoing_utp": args.utp or args.no_tcp,
        "enable_incoming_utp": args.utp or args.no_tcp,
        "enable_outgoing_tcp": not args.no_tcp,
        "enable_incoming_tcp": not args.no_tcp,
        "announce_to_all_trackers": True,
        "announce_to_all_tiers": True,
        "out_enc_policy": pe,
        "in_enc_policy": pe,
        "min_reconnect_time": 1,
        "user_agent": "lt_peer/" + lt.__version__,
        "alert_mask": (
            lt.alert.category_t.error_notification
            | lt.alert.category_t.status_notification
            | lt.alert.category_t.tracker_notification
            | lt.alert.category_t.connect_notification
            | lt.alert.category_t.peer_notification
            | (lt.alert.category_t.peer_log_notification if args.peer_log else 0)
        ),
    }
    if args.unchoke_slots >= 0:
        settings["choking_algorithm"] = 0  # fixed_slots_choker: exactly unchoke_slots_limit slots
        settings["unchoke_slots_limit"] = args.unchoke_slots
        # Optimistic slots are at least one whatever the limit; the first round runs on the
        # first tick after start, later ones once an interval: put them an hour apart.
        settings["optimistic_unchoke_interval"] = 3600
    if args.allowed_fast >= 0:
        settings["allowed_fast_set_size"] = args.allowed_fast
    if args.max_request_queue >= 0:
        settings["max_allowed_in_request_queue"] = args.max_request_queue
    if args.no_seed_outgoing:
        settings["seeding_outgoing_connections"] = False
    ses = lt.session(settings)
    if args.unchoke_slots >= 0:
        # Peers on the local network (all of ours: 127.0.0.1) ignore unchoke slots by default.
        local = ses.get_peer_class(lt.session.local_peer_class_id)
        local["ignore_unchoke_slots"] = False
        ses.set_peer_class(lt.session.local_peer_class_id, local)
    return ses


def add(ses, args):
    if args.magnet:
        params = lt.parse_magnet_uri(args.magnet)
    else:
        params = lt.add_torrent_params()
        params.ti = lt.torrent_info(args.torrent)
    params.save_path = args.save
    if args.seed_mode:
        params.flags |= lt.torrent_flags.seed_mode
    handle = ses.add_torrent(params)
    # Trackers given in add_torrent_params were not announced to for a loaded .torrent; adding
    # them to the handle afterwards works (INTEROP.md).
    for i, url in enumerate(args.tracker):
        handle.add_tracker({"url": url, "tier": i})
    if args.upload_limit:
        handle.set_upload_limit(args.upload_limit)
    if args.download_limit:
        handle.set_download_limit(args.download_limit)
    return handle


def connect_peers(handle, peers):
    for peer in peers:
        host, _, port = peer.rpartition(":")
        host = host.strip("[]")  # "[::1]:6881"
        try:
            handle.connect_peer((host, int(port)))
        except Exception as e:  # noqa: BLE001 - logged, the tracker may still bring peers
            log("connect_peer %s failed: %s" % (peer, e))


def main():
    args = parse_args()
    stop = {"now": False}
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__("now", True))
    signal.signal(signal.SIGINT, lambda *_: stop.__setitem__("now", True))

    started = time.time()
    ses = make_session(args)
    handle = add(ses, args)
    emit({"type": "listening", "port": ses.listen_port()})
    connect_peers(handle, args.peer)

    announced_seeding = False
    done = False
    last_progress = 0.0
    last_reconnect = time.time()
    while not stop["now"]:
        for a in ses.pop_alerts():
            log("ALERT %s: %s" % (type(a).__name__, a.message()))
        st = handle.status()
        now = time.time()
        if args.peer and st.num_peers == 0 and now - last_reconnect > 3:
            # A peer that was not up yet when we first dialled: try again.
            connect_peers(handle, args.peer)
            last_reconnect = now
        if st.errc.value() != 0:
            log("torrent error: %s" % st.errc.message())
            emit({"type": "error", "message": st.errc.message()})
            return 1
        if now - last_progress >= args.interval:
            last_progress = now
            emit({
                "type": "progress",
                "state": str(st.state),
                "progress": round(st.progress, 4),
                "pieces": st.num_pieces,
                "totalDone": st.total_done,
                "downloadRate": st.download_payload_rate,
                "uploadRate": st.upload_payload_rate,
                "uploaded": st.total_payload_upload,
                "peers": st.num_peers,
                "hasMetadata": st.has_metadata,
            })
        if args.mode == "seed" and not announced_seeding and st.is_seeding:
            announced_seeding = True
            emit({"type": "seeding", "pieces": st.num_pieces, "seconds": round(now - started, 3)})
        if args.mode == "leech" and not done and st.has_metadata and (st.is_seeding or st.is_finished):
            done = True
            emit({"type": "done", "seconds": round(now - started, 3), "totalDone": st.total_done})
            sys.stdout.write("DONE\n")
            sys.stdout.flush()
            if not args.keep_seeding:
                return 0
        if args.mode == "seed" and not announced_seeding and st.state == lt.torrent_status.downloading and st.has_metadata:
            # A seeder whose check found missing data would silently turn into a leecher.
            log("seed: data incomplete after check (%d pieces)" % st.num_pieces)
            emit({"type": "error", "message": "data incomplete: %d pieces" % st.num_pieces})
            return 1
        if args.timeout and now - started > args.timeout:
            emit({"type": "timeout", "progress": round(st.progress, 4)})
            log("timeout after %.1f s at %.1f%%" % (args.timeout, st.progress * 100))
            return 1
        ses.wait_for_alert(100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
