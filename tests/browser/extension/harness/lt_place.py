#!/usr/bin/python3
"""Writes a torrent's content where libtorrent will look for it: each file at the path
libtorrent derives (after its own sanitizing) under SAVE. Content comes from a blob holding the
files back to back. Prints one JSON line per file: {"index", "path"}.

usage: lt_place.py TORRENT BLOB SAVE
"""
import json
import os
import sys

import libtorrent as lt


def main():
    torrent, blob, save = sys.argv[1:4]
    ti = lt.torrent_info(torrent)
    files = ti.files()
    with open(blob, "rb") as src:
        for i in range(files.num_files()):
            rel = files.file_path(i)
            path = os.path.join(save, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            src.seek(files.file_offset(i))
            with open(path, "wb") as out:
                out.write(src.read(files.file_size(i)))
            print(json.dumps({"index": i, "path": rel}), flush=True)


if __name__ == "__main__":
    main()
