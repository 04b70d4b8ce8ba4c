#!/usr/bin/env python3
"""Writes the gzip / raw DEFLATE test fixtures and manifest.json (run from this folder: python3 make_fixtures.py).

Every valid file is produced by Python's own gzip/zlib modules (zlib 1.2+/1.3), so the decoder is checked
against an independent encoder. Payload truth is stored as size + SHA-256 in manifest.json (and the small
payloads verbatim). Broken files live in corrupt/, each with the error the decoder must report.
Output is byte-reproducible (mtime 0, seeded random payloads).
"""
import gzip
import hashlib
import json
import os
import random
import struct
import zlib


def text_payload():
    rng = random.Random(1)
    words = ["alpha", "beta", "gamma", "delta", "credit", "image", "label", "tensor", "swift", "gzip"]
    lines = []
    for row in range(4000):
        lines.append(f"row {row:05d}, value {rng.random():.4f}, label {rng.choice(words)} {rng.choice(words)}\n")
    return "".join(lines).encode()


def repetitive_payload():
    parts = [b"abc" * 50000, b"\x00" * 100000, b"Lepton " * 30000]
    block = b"".join(parts)
    out = bytearray()
    while len(out) < 1 << 20:
        out += block
    return bytes(out[: 1 << 20])


PAYLOADS = {
    "text": text_payload(),
    "random": random.Random(2).randbytes(1 << 20),
    "repetitive": repetitive_payload(),
    "flags": b"Hello, gzip header flags!\n" * 10,
    "part1": b"first member\n" * 100,
    "part2": b"second member, different text\n" * 50,
    "empty": b"",
}
PAYLOADS["multi"] = PAYLOADS["part1"] + PAYLOADS["part2"]

files = []  # (file name, payload name)
errors = []  # (file name, error case name, details)


def write(name, data):
    os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
    with open(name, "wb") as f:
        f.write(data)


def gz(data, level=6):
    return gzip.compress(data, compresslevel=level, mtime=0)


def deflate_raw(data, level=6, strategy=zlib.Z_DEFAULT_STRATEGY):
    c = zlib.compressobj(level, zlib.DEFLATED, -15, 8, strategy)
    return c.compress(data) + c.flush()


def gzip_wrap(raw, payload, flags=0, header_extra=b""):
    header = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 0) + b"\x00\x03" + header_extra
    return header + raw + struct.pack("<II", zlib.crc32(payload), len(payload) & 0xFFFFFFFF)


# ---- valid files -------------------------------------------------------------------------------------------
for level in (0, 1, 6, 9):
    write(f"text_level{level}.gz", gz(PAYLOADS["text"], level))
    files.append((f"text_level{level}.gz", "text"))

with open("text_fname.gz", "wb") as raw_file:
    with gzip.GzipFile(filename="text.txt", mode="wb", fileobj=raw_file, mtime=0) as g:
        g.write(PAYLOADS["text"])
files.append(("text_fname.gz", "text"))

for name, strategy in [("fixed", zlib.Z_FIXED), ("huffman_only", zlib.Z_HUFFMAN_ONLY), ("rle", zlib.Z_RLE)]:
    write(f"text_{name}.gz", gzip_wrap(deflate_raw(PAYLOADS["text"], 6, strategy), PAYLOADS["text"]))
    files.append((f"text_{name}.gz", "text"))

# FTEXT | FHCRC | FEXTRA | FNAME | FCOMMENT, header built by hand (Python's gzip writes only FNAME).
flags = 0x01 | 0x02 | 0x04 | 0x08 | 0x10
extra_field = b"LP" + struct.pack("<H", 4) + b"data"
header = b"\x1f\x8b\x08" + bytes([flags]) + struct.pack("<I", 0) + b"\x00\x03"
header += struct.pack("<H", len(extra_field)) + extra_field + b"hello.txt\x00" + b"a comment\x00"
header += struct.pack("<H", zlib.crc32(header) & 0xFFFF)
all_flags = header + deflate_raw(PAYLOADS["flags"]) + struct.pack("<II", zlib.crc32(PAYLOADS["flags"]), len(PAYLOADS["flags"]))
write("all_flags.gz", all_flags)
files.append(("all_flags.gz", "flags"))

write("multi_member.gz", gz(PAYLOADS["part1"]) + gz(PAYLOADS["part2"], 9))
files.append(("multi_member.gz", "multi"))
write("multi_member_padded.gz", gz(PAYLOADS["part1"]) + b"\x00" * 7 + gz(PAYLOADS["part2"], 9) + b"\x00" * 512)
files.append(("multi_member_padded.gz", "multi"))
write("empty.gz", gz(b""))
files.append(("empty.gz", "empty"))
write("random_1mb.gz", gz(PAYLOADS["random"], 6))
files.append(("random_1mb.gz", "random"))
for level in (1, 9):
    write(f"repetitive_1mb_level{level}.gz", gz(PAYLOADS["repetitive"], level))
    files.append((f"repetitive_1mb_level{level}.gz", "repetitive"))
write("text_level9.deflate", deflate_raw(PAYLOADS["text"], 9))  # raw stream for Deflate.inflate

# ---- broken files ------------------------------------------------------------------------------------------


class BitWriter:
    """DEFLATE bit order: header fields and extra bits LSB first, Huffman codes MSB first."""

    def __init__(self):
        self.bits = []

    def value(self, v, n):
        self.bits += [(v >> i) & 1 for i in range(n)]

    def code(self, c, n):
        self.bits += [(c >> (n - 1 - i)) & 1 for i in range(n)]

    def bytes(self):
        bits = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(sum(bits[i + j] << j for j in range(8)) for i in range(0, len(bits), 8))


def fixed_literal(w, byte):  # RFC 1951 3.2.6: 0-143 -> 8 bits from 00110000
    w.code(0x30 + byte, 8)


def broken(name, raw_deflate, error, **details):
    write("corrupt/" + name, gzip_wrap(raw_deflate, b"") if raw_deflate is not None else None)
    errors.append((name, error, details))


PAYLOADS["small_text"] = PAYLOADS["text"][:8000]
valid = gz(PAYLOADS["small_text"], 6)
text_crc = zlib.crc32(PAYLOADS["small_text"])


def broken_bytes(name, data, error, **details):
    write("corrupt/" + name, data)
    errors.append((name, error, details))


broken_bytes("bad_magic.gz", b"\x1e" + valid[1:], "badMagic", offset=0)
broken_bytes("bad_method.gz", valid[:2] + b"\x07" + valid[3:], "unsupportedMethod", method=7)
broken_bytes("reserved_flags.gz", valid[:3] + b"\x20" + valid[4:], "reservedFlagsSet", flags=0x20)
broken_bytes("truncated_header.gz", valid[:6], "truncatedInput")
broken_bytes("truncated_stream.gz", valid[: len(valid) // 2], "truncatedInput")
broken_bytes("truncated_trailer.gz", valid[:-4], "truncatedInput")
bad_crc = (text_crc ^ 0x00010000) & 0xFFFFFFFF
broken_bytes("crc_mismatch.gz", valid[:-8] + struct.pack("<I", bad_crc) + valid[-4:], "crcMismatch",
             expected=bad_crc, found=text_crc)
size = len(PAYLOADS["small_text"])
broken_bytes("length_mismatch.gz", valid[:-4] + struct.pack("<I", size + 1), "lengthMismatch",
             expected=size + 1, found=size)
hcrc_at = len(header) - 2
good_hcrc = struct.unpack("<H", all_flags[hcrc_at:hcrc_at + 2])[0]
broken_bytes("header_crc_mismatch.gz", all_flags[:hcrc_at] + struct.pack("<H", good_hcrc ^ 0xFFFF) + all_flags[hcrc_at + 2:],
             "headerCRCMismatch", expected=good_hcrc ^ 0xFFFF, found=good_hcrc)
broken_bytes("garbage_after_member.gz", gz(PAYLOADS["part1"]) + b"junk", "badMagic", offset=len(gz(PAYLOADS["part1"])))

w = BitWriter()
w.value(1, 1); w.value(3, 2)  # BFINAL=1, BTYPE=11 (reserved)
broken("invalid_block_type.gz", w.bytes() + b"\x00" * 8, "invalidBlockType")

w = BitWriter()
w.value(1, 1); w.value(0, 2)  # stored block; LEN=5 but NLEN is not its complement
stored = w.bytes() + struct.pack("<HH", 5, 0x1234) + b"hello"
broken("stored_length_mismatch.gz", stored, "invalidStoredBlockLength", length=5, complement=0x1234)

w = BitWriter()  # dynamic block whose code-length code gives all 19 symbols length 1: over-subscribed
w.value(1, 1); w.value(2, 2); w.value(0, 5); w.value(0, 5); w.value(15, 4)
for _ in range(19):
    w.value(1, 3)
broken("oversubscribed_lengths.gz", w.bytes() + b"\x00" * 16, "invalidHuffmanCodeLengths")

w = BitWriter()  # complete code-length code {16: 1 bit, 0: 1 bit}; the first symbol is 16 with nothing to repeat
w.value(1, 1); w.value(2, 2); w.value(0, 5); w.value(0, 5); w.value(0, 4)  # HCLEN = 4: lengths of 16, 17, 18, 0
for length in (1, 0, 0, 1):
    w.value(length, 3)
w.code(1, 1)  # canonical order: symbol 0 -> code 0, symbol 16 -> code 1
w.value(0, 2)
broken("repeat_without_previous.gz", w.bytes() + b"\x00" * 16, "invalidHuffmanCodeLengths")

w = BitWriter()  # fixed block: literal/length symbol 286 (never valid)
w.value(1, 1); w.value(1, 2); w.code(0xC0 + 6, 8); w.code(0, 7)
broken("invalid_length_symbol.gz", w.bytes() + b"\x00" * 8, "invalidHuffmanCode")

w = BitWriter()  # fixed block: literal 'A', then length 3 with distance symbol 30 (never valid)
w.value(1, 1); w.value(1, 2); fixed_literal(w, 65); w.code(1, 7); w.code(30, 5); w.code(0, 7)
broken("invalid_distance_symbol.gz", w.bytes() + b"\x00" * 8, "invalidHuffmanCode")

w = BitWriter()  # fixed block: literal 'A', then length 3 at distance 2 -- only one byte exists
w.value(1, 1); w.value(1, 2); fixed_literal(w, 65); w.code(1, 7); w.code(1, 5); w.code(0, 7)
broken("distance_too_far.gz", w.bytes() + b"\x00" * 8, "distanceTooFarBack", distance=2, available=1)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


manifest = {
    "generator": "make_fixtures.py (Python %s, zlib %s)" % (".".join(map(str, __import__("sys").version_info[:3])), zlib.ZLIB_RUNTIME_VERSION),
    "payloads": {
        name: {"size": len(data), "sha256": sha256(data), **({"text": data.decode()} if len(data) <= 2000 else {})}
        for name, data in PAYLOADS.items()
    },
    "valid": [{"file": f, "payload": p} for f, p in files],
    "rawDeflate": [{"file": "text_level9.deflate", "payload": "text"}],
    "corrupt": [{"file": "corrupt/" + f, "error": e, "details": d} for f, e, d in errors],
}
for name, _, _ in errors:  # sanity check: Python's own reader rejects them too (it ignores reserved flags)
    try:
        gzip.decompress(open("corrupt/" + name, "rb").read())
        print("note: Python's gzip accepts", name)
    except Exception:
        pass
with open("manifest.json", "w") as f:
    json.dump(manifest, f, indent=1, sort_keys=True)
    f.write("\n")
print(len(files), "valid files,", len(errors), "corrupt files")
