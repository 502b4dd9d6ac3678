"""Draws gradscope's icon (assets/icon/gradscope.png, 256x256 RGBA) with the
standard library only: five gradient bars that shrink toward the input, and
the skip arc that carries the gradient past them. Run once; the PNG is
committed and embedded in the binary."""
import math, struct, zlib, sys

N, SS = 256, 4  # size, supersampling per axis

def inside_round_rect(x, y, x0, y0, x1, y1, r):
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r and x0 <= x <= x1 and y0 <= y <= y1

BARS = [(0.20, (70, 110, 190)), (0.32, (80, 140, 210)), (0.48, (120, 170, 220)),
        (0.66, (240, 170, 70)), (0.86, (235, 110, 50))]

def colour(x, y):
    """RGBA of the point (x, y) in [0, N)^2."""
    if not inside_round_rect(x, y, 8, 8, N - 8, N - 8, 44):
        return (0, 0, 0, 0)
    base, top, width, gap = 212, 70, 28, 12
    left = (N - (5 * width + 4 * gap)) / 2
    for i, (h, rgb) in enumerate(BARS):
        x0 = left + i * (width + gap)
        if x0 <= x <= x0 + width and base - h * (base - top) <= y <= base:
            return rgb + (255,)
    # The skip arc: from above the first bar to above the last.
    cx, cy, rx, ry = N / 2, 118, 92, 72
    d = ((x - cx) / rx) ** 2 + ((y - cy) / ry) ** 2
    if y < cy and abs(math.sqrt(d) - 1) * min(rx, ry) < 5:
        return (245, 245, 245, 255)
    return (28, 38, 56, 255)

rows = []
for py in range(N):
    row = bytearray([0])
    for px in range(N):
        acc = [0, 0, 0, 0]
        for sy in range(SS):
            for sx in range(SS):
                c = colour(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                a = c[3]
                for k in range(3):
                    acc[k] += c[k] * a
                acc[3] += a
        a = acc[3]
        rgb = [round(acc[k] / a) if a else 0 for k in range(3)]
        row += bytes(rgb + [round(a / (SS * SS))])
    rows.append(bytes(row))

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", N, N, 8, 6, 0, 0, 0))
png += chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b"")
open(sys.argv[1] if len(sys.argv) > 1 else "assets/icon/gradscope.png", "wb").write(png)
