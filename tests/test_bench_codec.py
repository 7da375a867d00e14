"""The codec's bench still runs: a few submissions converted there and back, sealed and not,
each checked equal to what went in (bench/codec.py asserts it). Nothing here is timed: the
figures are the bench's to print."""

from __future__ import annotations

from bench import codec


async def test_the_codec_bench_measures_both_converters() -> None:
    figures = await codec.measure(6, 1)
    assert figures["payloads"] == 6 and figures["bytes"] > 500
    assert figures["plain_s"] > 0 and figures["sealed_s"] > 0
