#!/usr/bin/env python3
"""Runs the un-raised program of raise.mlir on the inputs ggemm-cpu-run drew.

  unraised.py main SOURCE DIR   print SOURCE (its private @moe: the linalg
                                program before ggemm-raise) and a @main that
                                calls @moe on the inputs DIR/{a,sfa,b,sfb}<g>.npy
                                (as ggemm-cpu-run --save writes them) and
                                prints each f16 result's bits (printMemrefI16)
  unraised.py compare OUT DIR   compare the bits printed in OUT with
                                DIR/c<g>.npy, the raised program's outputs

No numpy: the .npy files are uint8 or float16, version 1.0, C order.
"""

import ast
import re
import struct
import sys


def read_npy(path):
    with open(path, "rb") as f:
        blob = f.read()
    if blob[:6] != b"\x93NUMPY":
        sys.exit(path + ": not a .npy file")
    length = struct.unpack("<H", blob[8:10])[0]
    header = ast.literal_eval(blob[10:10 + length].decode("latin1"))
    if header["fortran_order"]:
        sys.exit(path + ": Fortran order")
    return header["descr"], tuple(header["shape"]), blob[10 + length:]


def groups(directory):
    count = 0
    while True:
        try:
            open("%s/a%d.npy" % (directory, count)).close()
        except OSError:
            return count
        count += 1


def unpack_codes(data, rows, packed_cols):
    """One e2m1 code per byte: the even element in the low nibble."""
    out = bytearray()
    for byte in data[: rows * packed_cols]:
        out += bytes((byte & 15, byte >> 4))
    return bytes(out)


def constant(name, data, shape):
    dims = "x".join(str(d) for d in shape)
    return '  %%%s = arith.constant dense<"0x%s"> : tensor<%sxi8>\n' % (
        name, data.hex().upper(), dims)


def main_program(source, directory):
    # The source without its comments (RUN and CHECK lines).
    text = "".join(line for line in open(source)
                   if not line.lstrip().startswith("//"))
    body = ""
    args, types = [], []
    results = []
    for g in range(groups(directory)):
        _, (m, kp), a = read_npy("%s/a%d.npy" % (directory, g))
        _, (n, _), b = read_npy("%s/b%d.npy" % (directory, g))
        _, (_, ks), sa = read_npy("%s/sfa%d.npy" % (directory, g))
        _, _, sb = read_npy("%s/sfb%d.npy" % (directory, g))
        k = 2 * kp
        for name, data, rows, cols, codes in (
                ("a", a, m, k, True), ("sa", sa, m, ks, False),
                ("b", b, n, k, True), ("sb", sb, n, ks, False)):
            bytes_ = unpack_codes(data, rows, kp) if codes else data[: rows * cols]
            body += constant("%s%d_i8" % (name, g), bytes_, (rows, cols))
            if codes:
                body += ("  %%%s%d_i4 = arith.trunci %%%s%d_i8 : tensor<%dx%dxi8> to tensor<%dx%dxi4>\n"
                         % (name, g, name, g, rows, cols, rows, cols))
                body += ("  %%%s%d = arith.bitcast %%%s%d_i4 : tensor<%dx%dxi4> to tensor<%dx%dxf4E2M1FN>\n"
                         % (name, g, name, g, rows, cols, rows, cols))
                types.append("tensor<%dx%dxf4E2M1FN>" % (rows, cols))
            else:
                body += ("  %%%s%d = arith.bitcast %%%s%d_i8 : tensor<%dx%dxi8> to tensor<%dx%dxf8E4M3FN>\n"
                         % (name, g, name, g, rows, cols, rows, cols))
                types.append("tensor<%dx%dxf8E4M3FN>" % (rows, cols))
            args.append("%%%s%d" % (name, g))
        body += "  %%c%d = arith.constant dense<0.0> : tensor<%dx%dxf16>\n" % (g, m, n)
        args.append("%%c%d" % g)
        types.append("tensor<%dx%dxf16>" % (m, n))
        results.append((m, n))
    result_types = ", ".join("tensor<%dx%dxf16>" % r for r in results)
    body += "  %%r:%d = func.call @moe(%s) : (%s) -> (%s)\n" % (
        len(results), ", ".join(args), ", ".join(types), result_types)
    for g, (m, n) in enumerate(results):
        body += ("  %%bits%d = arith.bitcast %%r#%d : tensor<%dx%dxf16> to tensor<%dx%dxi16>\n"
                 % (g, g, m, n, m, n))
        body += ("  %%buf%d = bufferization.to_buffer %%bits%d : tensor<%dx%dxi16> to memref<%dx%dxi16>\n"
                 % (g, g, m, n, m, n))
        body += ("  %%u%d = memref.cast %%buf%d : memref<%dx%dxi16> to memref<*xi16>\n"
                 % (g, g, m, n))
        body += "  func.call @printMemrefI16(%%u%d) : (memref<*xi16>) -> ()\n" % g
    print(text)
    print("func.func private @printMemrefI16(memref<*xi16>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {\n" + body + "  return\n}")


def compare(output, directory):
    blocks = open(output).read().split("Unranked Memref")[1:]
    for g in range(groups(directory)):
        _, shape, data = read_npy("%s/c%d.npy" % (directory, g))
        raised = struct.unpack("<%dH" % (len(data) // 2), data)
        printed = [int(v) & 0xFFFF
                   for v in re.findall(r"-?\d+", blocks[g].split("data =", 1)[1])]
        equal = sum(x == y for x, y in zip(printed, raised))
        print("group %d: %d x %d, %d of %d f16 outputs bit-identical"
              % (g, shape[0], shape[1], equal, len(raised)))
        if len(printed) != len(raised) or equal != len(raised):
            print("MISMATCH")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "main":
        main_program(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
