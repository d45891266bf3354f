#!/usr/bin/env python3
"""The Python side of bench/Bench.ps1: times one operation over an mmap of a file.

Usage:
    bench.py read  FILE CHUNK REPS              slices m[o:o+CHUNK] over the whole file
    bench.py slice FILE REPS                    one slice m[0:size] of the whole file (a new bytes object)
    bench.py int64 FILE OFFSETS OUT REPS        struct.unpack_from('<q') at each offset (OFFSETS: raw
                                                little-endian int64s); the values go to OUT the same way
    bench.py find  FILE PATTERN REPS            m.find(pattern) over the whole file (PATTERN: raw bytes)
    bench.py findall FILE PATTERN OUT REPS      every match: m.find(pattern, i + 1) from each match on;
                                                the offsets go to OUT as raw little-endian int64s
    bench.py move  FILE DEST SRC COUNT REPS     one m.move(DEST, SRC, COUNT) (the file mapped writable)
    bench.py moves FILE COUNT CALLS REPS        CALLS calls of m.move(1, 0, COUNT), timed together

Each command does one untimed warm-up pass, then REPS timed passes, and prints one JSON line:
{"seconds": [...], "result": ...}. Only the operation is timed: not the interpreter's start,
not opening the file or the map.
"""
import json
import mmap
import struct
import sys
import time
from array import array


def timed(reps, operation):
    operation()  # warm-up: page tables, allocator, caches
    seconds = []
    result = None
    for _ in range(reps):
        start = time.perf_counter()
        result = operation()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def read(m, chunk, reps):
    size = len(m)

    def run():
        total = 0
        for offset in range(0, size, chunk):
            total += len(m[offset:offset + chunk])
        return total

    return timed(reps, run)


def whole(m, reps):
    size = len(m)

    def run():
        # Returned, so the object lives as long as Read-MemoryMap's array does in Bench.ps1.
        return m[0:size]

    seconds, data = timed(reps, run)
    return seconds, len(data)


def int64(m, offsets_path, out_path, reps):
    offsets = array('q')
    with open(offsets_path, 'rb') as f:
        offsets.frombytes(f.read())
    if sys.byteorder != 'little':
        offsets.byteswap()
    unpack_from = struct.Struct('<q').unpack_from

    def run():
        return [unpack_from(m, offset)[0] for offset in offsets]

    seconds, values = timed(reps, run)
    out = array('q', values)
    if sys.byteorder != 'little':
        out.byteswap()
    with open(out_path, 'wb') as f:
        out.tofile(f)
    return seconds, len(values)


def find(m, pattern_path, reps):
    with open(pattern_path, 'rb') as f:
        pattern = f.read()
    return timed(reps, lambda: m.find(pattern))


def findall(m, pattern_path, out_path, reps):
    with open(pattern_path, 'rb') as f:
        pattern = f.read()

    def run():
        found = []
        i = m.find(pattern)
        while i != -1:
            found.append(i)
            i = m.find(pattern, i + 1)
        return found

    seconds, found = timed(reps, run)
    out = array('q', found)
    if sys.byteorder != 'little':
        out.byteswap()
    with open(out_path, 'wb') as f:
        out.tofile(f)
    return seconds, len(found)


def move(m, dest, src, count, reps):
    return timed(reps, lambda: m.move(dest, src, count))


def moves(m, count, calls, reps):
    def run():
        move_ = m.move
        for _ in range(calls):
            move_(1, 0, count)
        return calls

    return timed(reps, run)


def main(argv):
    command, path = argv[1], argv[2]
    if command in ('move', 'moves'):
        # The moves write: the file is mapped shared and writable, as Copy-MemoryMap's map is.
        with open(path, 'r+b') as f, mmap.mmap(f.fileno(), 0) as m:
            if command == 'move':
                seconds, result = move(m, int(argv[3]), int(argv[4]), int(argv[5]), int(argv[6]))
            else:
                seconds, result = moves(m, int(argv[3]), int(argv[4]), int(argv[5]))
        print(json.dumps({'seconds': seconds, 'result': result}))
        return
    with open(path, 'rb') as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as m:
        if command == 'read':
            seconds, result = read(m, int(argv[3]), int(argv[4]))
        elif command == 'slice':
            seconds, result = whole(m, int(argv[3]))
        elif command == 'int64':
            seconds, result = int64(m, argv[3], argv[4], int(argv[5]))
        elif command == 'find':
            seconds, result = find(m, argv[3], int(argv[4]))
        elif command == 'findall':
            seconds, result = findall(m, argv[3], argv[4], int(argv[5]))
        else:
            raise SystemExit('unknown command ' + command)
    print(json.dumps({'seconds': seconds, 'result': result}))


if __name__ == '__main__':
    main(sys.argv)
