"""The flag part of the pipeline benchmark: its stream's blocks, and the two-unknowns reading of their work
(each block costs messages × clean cost + flags × a flag's extra), checked on blocks whose costs are known.

No timing is asserted: the blocks' work here is made up, so the reading can be checked exactly."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.flag_clocks import Clocks, ThreadClocks, per_message
from benchmarks.flag_counts import _total
from benchmarks.pipeline import FLAG_BLOCKS, FlagStream, _pair, flag_figures, flag_stream

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def made_up(rounds: int, size: int) -> FlagStream:
    order = tuple(kind for turn in range(rounds) for kind in (FLAG_BLOCKS if turn % 2 == 0 else FLAG_BLOCKS[::-1]))
    return FlagStream([], 0, size, order)


@given(clean=st.floats(50, 500), tweet=st.floats(50, 900), extra=st.floats(10, 5_000),
       size=st.integers(10, 400), rounds=st.integers(1, 6), data=st.data())
def test_the_blocks_give_back_the_clean_cost_and_a_flags_extra(clean, tweet, extra, size, rounds, data):
    """Offensive tweets cost what clean tweets do plus each flag's extra; some clean tweets are flagged too (taken
    out), and a few offensive ones are not: the tweets' reading gives both back exactly. The sentences have no
    flag and every offensive tweet is flagged: their reading gives the sentence's cost and a flagged tweet's."""
    played = made_up(rounds, size)
    per_kind = {"clean": clean, "tweet": tweet, "flagged": tweet}
    blocks, every_one = [], []
    for kind in played.order:
        flags = {"clean": 0, "tweet": data.draw(st.integers(0, size // 10)),
                 "flagged": data.draw(st.integers(size // 2 + 1, size))}[kind]
        blocks.append(((size * per_kind[kind] + flags * extra) / 1e6, flags))
        every_one.append(((size * per_kind[kind] + (size if kind == "flagged" else 0) * extra) / 1e6,
                          size if kind == "flagged" else 0))
    figures = {m.subject: m.value for m in flag_figures(blocks, played, "CPU per message", "µs", 1e6)}
    assert figures["console, whole bot: clean everyday tweet (diagnosis)"] == pytest.approx(tweet, rel=1e-6)
    assert figures["flagged / clean everyday tweet (diagnosis)"] == pytest.approx((tweet + extra) / tweet, rel=1e-6)
    figures = {m.subject: m.value for m in flag_figures(every_one, played, "CPU per message", "µs", 1e6)}
    assert figures["console, whole bot: clean message"] == pytest.approx(clean, rel=1e-6)
    assert figures["console, whole bot: flagged message"] == pytest.approx(tweet + extra, rel=1e-6)
    assert figures["flagged / clean message"] == pytest.approx((tweet + extra) / clean, rel=1e-6)


def test_the_stream_plays_each_kind_in_every_round_turning_the_order_round():
    played = flag_stream(60, DATA, rounds=4)
    if played is None:
        pytest.skip("no Davidson set")
    assert played.size == 15 and len(played.happenings) == played.warmup + 3 * 60
    assert played.order[:3] == FLAG_BLOCKS and played.order[3:6] == FLAG_BLOCKS[::-1]
    members = [h.member for h in played.happenings[played.warmup:]]
    assert len(set(members)) == len(members)  # one member per message: no flood rule
    starts = sorted(played.starts)
    assert starts == [played.warmup + 15 * block for block in range(12)]


def test_a_callgrind_dump_is_read_by_its_total(tmp_path):
    dump = tmp_path / "counts.3"
    dump.write_text("# callgrind format\nversion: 1\nevents: Ir\nfn=(1) main\n0 12\nsummary: 123456\n",
                    encoding="utf-8")
    assert _total(dump) == 123_456


@given(loop=st.floats(50, 900), store_extra=st.floats(0, 2_000), size=st.integers(10, 400),
       rounds=st.integers(1, 5), data=st.data())
def test_each_threads_clock_is_read_like_the_cpu_figure(loop, store_extra, size, rounds, data):
    """Each block's clocks are its messages' loop time plus its flags' store time: the reading gives a clean
    sentence's share and a flagged message's back, thread by thread, and counts (switches) alike."""
    played = made_up(rounds, size)
    noted, flags = [Clocks(0.0, 0.0, 0.0, 0, 0)], []
    for kind in played.order:
        flagged = {"clean": 0, "tweet": data.draw(st.integers(0, size // 10)), "flagged": size}[kind]
        flags.append(flagged)
        last = noted[-1]
        noted.append(Clocks(last.loop + size * loop / 1e6, last.store + flagged * store_extra / 1e6, last.kernel,
                            last.switches + 2 * flagged, last.preempted))
    clocks = ThreadClocks(noted)
    assert per_message(clocks, played.order, flags, size, _pair, lambda c: c.loop, 1e6) == (
        pytest.approx(loop, rel=1e-6), pytest.approx(loop, rel=1e-6))
    assert per_message(clocks, played.order, flags, size, _pair, lambda c: c.store, 1e6) == (
        pytest.approx(0.0, abs=1e-6), pytest.approx(store_extra, rel=1e-6, abs=1e-6))
    assert per_message(clocks, played.order, flags, size, _pair, lambda c: c.switches, 1.0) == (
        pytest.approx(0.0, abs=1e-9), pytest.approx(2.0, rel=1e-9))


def test_the_clocks_note_the_calling_threads_own_work():
    """The loop's clock is the calling thread's own: work done on another thread meanwhile is not in it."""
    clocks = ThreadClocks()
    clocks.note()
    elsewhere = threading.Thread(target=lambda: sum(range(3_000_000)))
    elsewhere.start()
    elsewhere.join()
    clocks.note()
    sum(range(300_000))  # a tenth of the other thread's work, on this one
    clocks.note()
    waiting, working = clocks.blocks(lambda c: c.loop)
    assert working > waiting
