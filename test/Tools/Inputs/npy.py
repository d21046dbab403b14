#!/usr/bin/env python3
"""Crafts .npy files for the tools' input tests, without numpy.

  npy.py set FILE INDEX BYTE   set data byte INDEX (after the header) of FILE
  npy.py write FILE DICT [N]   write a v1.0 .npy whose header dict is the
                               text DICT, followed by N zero bytes of data
  npy.py raw FILE HEX          write the bytes given as hex digits
"""

import struct
import sys


def data_offset(blob):
    if blob[:6] != b"\x93NUMPY":
        sys.exit("not a .npy file")
    if blob[6] == 1:
        return 10 + struct.unpack("<H", blob[8:10])[0]
    return 12 + struct.unpack("<I", blob[8:12])[0]


def main(argv):
    if len(argv) >= 4 and argv[0] == "set":
        with open(argv[1], "rb") as f:
            blob = bytearray(f.read())
        at = data_offset(blob) + int(argv[2], 0)
        blob[at] = int(argv[3], 0)
        with open(argv[1], "wb") as f:
            f.write(blob)
    elif len(argv) in (3, 4) and argv[0] == "write":
        header = argv[2].encode("latin-1")
        header += b" " * ((64 - (10 + len(header) + 1) % 64) % 64) + b"\n"
        data = bytes(int(argv[3]) if len(argv) == 4 else 0)
        with open(argv[1], "wb") as f:
            f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)))
            f.write(header + data)
    elif len(argv) == 3 and argv[0] == "raw":
        with open(argv[1], "wb") as f:
            f.write(bytes.fromhex(argv[2]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
