"""The chart renderer's pool: process, thread and inline modes, the cache, a dead worker."""

from __future__ import annotations

import asyncio
import dataclasses
import multiprocessing
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor

import pytest
import pytest_asyncio

from sicapai.reports.chart_specs import EmptyChart, chart_key
from sicapai.reports.charts import render_png
from sicapai.runtime.charts import ChartRenderer
from tests.support.charts import EMPTY, META, capaian

SMALL = capaian(3)
CAPAIAN_25 = capaian(25)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def process_renderer() -> AsyncIterator[ChartRenderer]:
    """One pre-warmed process pool for the module: spawning workers costs a second or two."""
    renderer = ChartRenderer(mode="process", max_workers=2)
    await renderer.start()
    yield renderer
    await renderer.close()
    assert renderer.closed
    assert not multiprocessing.active_children()


@pytest.mark.asyncio(loop_scope="module")
class TestProcessRenderer:
    async def test_renders_in_processes_the_same_bytes_and_caches(
        self, process_renderer: ChartRenderer
    ) -> None:
        assert process_renderer.mode == "process"  # no silent fallback to threads here
        renders, hits = process_renderer.renders, process_renderer.cache_hits
        png = await process_renderer.render(CAPAIAN_25)
        assert png == render_png(CAPAIAN_25)
        assert (process_renderer.renders, process_renderer.cache_hits) == (renders + 1, hits)
        assert await process_renderer.render(capaian(25)) is png  # equal data: a cache hit
        assert (process_renderer.renders, process_renderer.cache_hits) == (renders + 1, hits + 1)

    async def test_the_same_chart_asked_twice_at_once_renders_once(
        self, process_renderer: ChartRenderer
    ) -> None:
        chart = capaian(2, dataclasses.replace(META, title="Dua orang, satu grafik"))
        renders, hits = process_renderer.renders, process_renderer.cache_hits
        first, second = await asyncio.gather(
            process_renderer.render(chart), process_renderer.render(chart)
        )
        assert first == second
        assert (process_renderer.renders, process_renderer.cache_hits) == (renders + 1, hits + 1)

    async def test_empty_chart_comes_back_from_the_worker(
        self, process_renderer: ChartRenderer
    ) -> None:
        with pytest.raises(EmptyChart, match="nothing to draw"):
            await process_renderer.render(EMPTY["no capaian"])
        assert chart_key(EMPTY["no capaian"]) not in process_renderer._inflight

    async def test_a_dead_worker_pool_is_replaced(self, process_renderer: ChartRenderer) -> None:
        broken = process_renderer._executor
        assert isinstance(broken, ProcessPoolExecutor)
        for worker in list(broken._processes.values()):  # as the OOM killer would
            worker.kill()
        chart = capaian(1, dataclasses.replace(META, title="Setelah pekerja mati"))
        assert await process_renderer.render(chart) == render_png(chart)
        assert process_renderer._executor is not broken
        assert process_renderer.mode == "process"


@pytest.mark.parametrize("mode", ["thread", "inline"])
async def test_thread_and_inline_modes_render_and_cache(mode: str) -> None:
    renderer = ChartRenderer(mode=mode)  # type: ignore[arg-type]
    try:
        png = await renderer.render(SMALL)  # starts itself when not started
        assert renderer.started and renderer.mode == mode
        assert png == render_png(SMALL)
        assert await renderer.render(SMALL) == png
        assert (renderer.renders, renderer.cache_hits) == (1, 1)
    finally:
        await renderer.close()
    assert renderer.closed
    with pytest.raises(RuntimeError, match="closed"):
        await renderer.render(SMALL)
    await renderer.close()  # closing twice is harmless


async def test_cache_keeps_only_the_most_recently_used() -> None:
    async with ChartRenderer(mode="inline", cache_size=2) as renderer:
        charts = [capaian(1, dataclasses.replace(META, title=f"Grafik {i}")) for i in range(3)]
        for chart in (charts[0], charts[1], charts[0], charts[2]):  # charts[1] is the oldest
            await renderer.render(chart)
        assert (renderer.renders, renderer.cache_hits) == (3, 1)
        await renderer.render(charts[0])
        assert renderer.cache_hits == 2
        await renderer.render(charts[1])
        assert renderer.renders == 4
    assert renderer.closed


def test_renderer_refuses_fork_and_unknown_modes() -> None:
    with pytest.raises(ValueError, match="fork"):
        ChartRenderer(mp_context="fork")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="mode"):
        ChartRenderer(mode="gpu")  # type: ignore[arg-type]
