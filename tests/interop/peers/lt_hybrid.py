#!/usr/bin/python3
"""libtorrent 2.0 on hybrid (BEP 52 + v1) torrents, for tests/interop/hybrid.test.ts. One JSON
line on stdout per command:
  hashes TORRENT                 {"v1": hex40, "v2": hex64, "hasV1": bool, "hasV2": bool}
  create DIR PIECE_LENGTH OUT    lt.create_torrent of DIR (no v1_only/v2_only flag) -> OUT; hashes
  recheck TORRENT SAVE           add, force_recheck, wait: {"complete": bool, "pieces": n, "error": str}
  magnet TORRENT                 {"magnet": lt.make_magnet_uri of it}
  parse-magnet URI               {"v1": hex40, "v2": hex64} as libtorrent reads the magnet
  tamper TORRENT OUT FILE        OUT = TORRENT with FILE's (a file of at most one piece) pieces
                                 root replaced: v1 part untouched, so only a v2 check can fail
"""
import json, os, sys, time
import libtorrent as lt


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def hashes(ti):
    h = ti.info_hashes()
    return {"v1": str(h.v1), "v2": str(h.v2), "hasV1": h.has_v1(), "hasV2": h.has_v2()}


def create(folder, piece_length, out):
    fs = lt.file_storage()
    lt.add_files(fs, folder)
    ct = lt.create_torrent(fs, piece_length)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(folder)))
    with open(out, "wb") as f:
        f.write(lt.bencode(ct.generate()))
    emit(hashes(lt.torrent_info(out)))


def recheck(torrent, save):
    settings = {"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                "enable_upnp": False, "enable_natpmp": False, "alert_mask": lt.alert.category_t.all_categories}
    ses = lt.session(settings)
    params = lt.add_torrent_params()
    params.ti = lt.torrent_info(torrent)
    params.save_path = save
    params.flags &= ~lt.torrent_flags.auto_managed
    params.flags |= lt.torrent_flags.paused
    handle = ses.add_torrent(params)
    handle.force_recheck()
    handle.resume()
    deadline = time.time() + 60
    errors = []
    checked = False
    while time.time() < deadline:
        for a in ses.pop_alerts():
            if isinstance(a, lt.torrent_checked_alert):
                checked = True
            elif isinstance(a, (lt.hash_failed_alert, lt.torrent_error_alert, lt.file_error_alert)):
                errors.append(a.message())
        st = handle.status()
        if st.errc.value() != 0:
            emit({"complete": False, "pieces": st.num_pieces, "error": st.errc.message(), "alerts": errors[:5]})
            return
        if checked and st.state not in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
            emit({"complete": st.is_seeding, "pieces": st.num_pieces, "total": params.ti.num_pieces(), "error": "", "alerts": errors[:5]})
            return
        ses.wait_for_alert(100)
    emit({"complete": False, "pieces": -1, "error": "timeout"})


def tamper(torrent, out, name):
    top = lt.bdecode(open(torrent, "rb").read())
    node = top[b"info"][b"file tree"]
    for part in name.split("/"):
        node = node[part.encode()]
    leaf = node[b""]
    root = bytearray(leaf[b"pieces root"])
    root[0] ^= 0xFF
    leaf[b"pieces root"] = bytes(root)
    with open(out, "wb") as f:
        f.write(lt.bencode(top))
    emit(hashes(lt.torrent_info(out)))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "hashes":
        emit(hashes(lt.torrent_info(args[0])))
    elif cmd == "create":
        create(args[0], int(args[1]), args[2])
    elif cmd == "recheck":
        recheck(args[0], args[1])
    elif cmd == "magnet":
        emit({"magnet": lt.make_magnet_uri(lt.torrent_info(args[0]))})
    elif cmd == "parse-magnet":
        h = lt.parse_magnet_uri(args[0]).info_hashes
        emit({"v1": str(h.v1), "v2": str(h.v2)})
    elif cmd == "tamper":
        tamper(args[0], args[1], args[2])
    else:
        raise SystemExit("unknown command " + cmd)


if __name__ == "__main__":
    main()
