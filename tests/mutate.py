"""A mutation fuzzer for PDFs: deterministic mutants of seed files (bit flips, cut / repeated /
spliced chunks, PDF tokens swapped for hostile values, a tail cut under a kept %%EOF), on the
files as published and on copies with every stream decompressed, so that mutations reach the
content streams (coordinates, text operators) and not only the compressed bytes."""
from __future__ import annotations

import random
import re
from pathlib import Path

import pymupdf

TOKEN = re.compile(rb"-?\d+(?:\.\d+)?|/[A-Za-z]+|\b(?:obj|endobj|stream|endstream|R|Tj|TJ|Tf|re|cm|Do|BT|ET)\b")
HOSTILE = [b"0", b"-1", b"2147483647", b"-2147483648", b"1e308", b"99999999999", b"0.0000001", b"/Length 999999999",
           b"/Count 1000000", b"/Kids [1 0 R]", b"/Type /Pages", b"/Filter /FlateDecode", b"/Rotate 45",
           b"/MediaBox [0 0 1e9 1e9]", b"endstream", b"obj", b"R", b"<<", b">>", b"[", b"]", b"(", b"\\"]


def seeds(paths: list[Path], scan_pages: int = 3) -> list[tuple[str, bytes]]:
    """(name, bytes): each text-layer file as is and with its streams decompressed; a file with
    scanned pages cut to its first `scan_pages` pages (each OCR page costs a second or more) and
    its images left compressed (decompressed, they would balloon)."""
    out = []
    for path in paths:
        data = path.read_bytes()
        doc = pymupdf.open(stream=data, filetype="pdf")
        if any(doc.get_page_images(i) for i in range(doc.page_count)):
            doc.select(range(min(scan_pages, doc.page_count)))
            out.append((path.stem + f"-p1-{scan_pages}", doc.tobytes(garbage=1, deflate=True)))
            continue
        out.append((path.stem, data))
        out.append((path.stem + "-expanded", doc.tobytes(expand=255, garbage=1)))
    return out


def _span(rng: random.Random, n: int, most: int) -> tuple[int, int]:
    start = rng.randrange(n)
    return start, min(n, start + rng.randint(1, most))


def flip_bits(rng, data, _):
    b = bytearray(data)
    for _ in range(rng.randint(1, 24)):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def cut_chunk(rng, data, _):
    start, end = _span(rng, len(data), 2000)
    return data[:start] + data[end:]


def repeat_chunk(rng, data, _):
    start, end = _span(rng, len(data), 2000)
    at = rng.randrange(len(data))
    return data[:at] + data[start:end] * rng.randint(1, 3) + data[at:]


def splice_other(rng, data, other):
    start, end = _span(rng, len(data), 4000)
    o_start, o_end = _span(rng, len(other), 4000)
    return data[:start] + other[o_start:o_end] + data[end:]


def swap_tokens(rng, data, _):
    tokens = list(TOKEN.finditer(data))
    if not tokens:
        return flip_bits(rng, data, _)
    out, last = [], 0
    for m in sorted(rng.sample(tokens, min(len(tokens), rng.randint(1, 12))), key=lambda m: m.start()):
        out += [data[last:m.start()], rng.choice(HOSTILE)]
        last = m.end()
    return b"".join(out) + data[last:]


def cut_tail_keep_eof(rng, data, _):
    keep = rng.randint(len(data) // 10, len(data) - 1)
    return data[:keep] + b"\n%%EOF\n"


MUTATORS = [flip_bits, cut_chunk, repeat_chunk, splice_other, swap_tokens, swap_tokens, cut_tail_keep_eof]


def mutants(seed_files: list[tuple[str, bytes]], count: int, seed: int = 0):
    """`count` (file name, bytes) mutants, the same ones for the same arguments."""
    rng = random.Random(seed)
    for i in range(count):
        name, data = seed_files[i % len(seed_files)]
        _, other = rng.choice(seed_files)
        mutator = rng.choice(MUTATORS)
        mutant = data
        for _ in range(rng.choice([1, 1, 1, 2, 3])):  # now and then, stacked mutations
            mutant = mutator(rng, mutant, other) or mutant
        yield f"m{i:04d}_{mutator.__name__}_{name}.pdf", mutant
