#!/usr/bin/env python3
"""Helpers of raise-batched.mlir and raise-batched-unraised.test.

  raise-batched.py main SRC F DIR print SRC (the linalg program before
                                  ggemm-raise) and a @main that calls its
                                  function F on the inputs DIR/{a,sfa,b,sfb}<g>.npy
                                  (as ggemm-cpu-run --save writes them, one
                                  file per group), stacked into G x M x K
                                  tensors, and prints the f16 result's bits
                                  (printMemrefI16)
  raise-batched.py compare OUT DIR
                                  compare the bits printed in OUT with
                                  DIR/c<g>.npy, the raised program's outputs

No numpy: the .npy files are uint8 or float16, version 1.0, C order.
"""

import re
import struct
import os
import sys

# The .npy reader and group count of the 2-D test's helper.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "Inputs"))
import unraised  # noqa: E402


def fail(message):
    sys.exit("raise-batched.py: " + message)


def read_npy(path):
    """(shape, data) of a .npy file (unraised.py's reader, without dtype)."""
    _, shape, data = unraised.read_npy(path)
    return shape, data


groups = unraised.groups


def unpack_codes(data):
    """One e2m1 code per byte: the even element in the low nibble."""
    out = bytearray()
    for byte in data:
        out += bytes((byte & 15, byte >> 4))
    return bytes(out)


def dims(shape):
    return "x".join(str(d) for d in shape)


def main_program(source, function, directory):
    text = "".join(line for line in open(source)
                   if not line.lstrip().startswith("//"))
    count = groups(directory)
    if count == 0:
        fail("no inputs in " + directory)
    body, args, types = "", [], []
    shapes = {}
    for name, codes in (("a", True), ("sfa", False), ("b", True),
                        ("sfb", False)):
        data, shape = b"", None
        for g in range(count):
            (rows, cols), bytes_ = read_npy("%s/%s%d.npy" % (directory, name, g))
            if codes:
                bytes_, cols = unpack_codes(bytes_[: rows * cols]), 2 * cols
            if shape not in (None, (rows, cols)):
                fail("the groups of %s differ in shape" % name)
            shape = (rows, cols)
            data += bytes_[: rows * cols]
        full = (count,) + shape
        shapes[name] = full
        element = "f4E2M1FN" if codes else "f8E4M3FN"
        body += '  %%%s_i8 = arith.constant dense<"0x%s"> : tensor<%sxi8>\n' % (
            name, data.hex().upper(), dims(full))
        if codes:
            body += ("  %%%s_i4 = arith.trunci %%%s_i8 : tensor<%sxi8> to tensor<%sxi4>\n"
                     % (name, name, dims(full), dims(full)))
            body += ("  %%%s = arith.bitcast %%%s_i4 : tensor<%sxi4> to tensor<%sx%s>\n"
                     % (name, name, dims(full), dims(full), element))
        else:
            body += ("  %%%s = arith.bitcast %%%s_i8 : tensor<%sxi8> to tensor<%sx%s>\n"
                     % (name, name, dims(full), dims(full), element))
        args.append("%" + name)
        types.append("tensor<%sx%s>" % (dims(full), element))
    result = (count, shapes["a"][1], shapes["b"][1])
    body += "  %%c = arith.constant dense<0.0> : tensor<%sxf16>\n" % dims(result)
    args.append("%c")
    types.append("tensor<%sxf16>" % dims(result))
    body += "  %%r = func.call @%s(%s) : (%s) -> tensor<%sxf16>\n" % (
        function, ", ".join(args), ", ".join(types), dims(result))
    body += ("  %%bits = arith.bitcast %%r : tensor<%sxf16> to tensor<%sxi16>\n"
             % (dims(result), dims(result)))
    body += ("  %%buf = bufferization.to_buffer %%bits : tensor<%sxi16> to memref<%sxi16>\n"
             % (dims(result), dims(result)))
    body += "  %%u = memref.cast %%buf : memref<%sxi16> to memref<*xi16>\n" % dims(result)
    body += "  func.call @printMemrefI16(%u) : (memref<*xi16>) -> ()\n"
    print(text)
    print("func.func private @printMemrefI16(memref<*xi16>) attributes {llvm.emit_c_interface}")
    print("func.func @main() {\n" + body + "  return\n}")


def compare(output, directory):
    blocks = open(output).read().split("Unranked Memref")[1:]
    if len(blocks) != 1:
        fail("expected one printed memref in " + output)
    printed = [int(v) & 0xFFFF
               for v in re.findall(r"-?\d+", blocks[0].split("data =", 1)[1])]
    raised, shape = [], None
    count = groups(directory)
    for g in range(count):
        shape, data = read_npy("%s/c%d.npy" % (directory, g))
        raised += struct.unpack("<%dH" % (len(data) // 2), data)
    equal = sum(x == y for x, y in zip(printed, raised))
    print("%d x %d x %d: %d of %d f16 outputs bit-identical"
          % (count, shape[0], shape[1], equal, len(raised)))
    if len(printed) != len(raised) or equal != len(raised):
        print("MISMATCH")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "main":
        main_program(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "compare":
        compare(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
