"""Run a function in many processes at once against one database, for the concurrency proofs.
Each process opens its own engine (as separate app servers would) and waits at a barrier so the
calls really overlap."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable
from typing import Any


def _worker(url: str, fn: Callable[..., Any], args: tuple[Any, ...], barrier: Any, out: Any) -> None:
    from coop.db import make_engine, make_sessionmaker
    from coop.errors import DomainError

    engine = make_engine(url)
    session = make_sessionmaker(engine)()
    barrier.wait(timeout=60)
    try:
        fn(session, *args)
        out.put(("ok", ""))
    except DomainError as e:
        out.put(("refused", e.message))
    except Exception as e:  # anything else is a failure the test reports
        out.put(("error", f"{type(e).__name__}: {e}"))
    finally:
        session.close()
        engine.dispose()


def run_parallel(url: str, fn: Callable[..., Any], arg_list: list[tuple[Any, ...]]) -> list[tuple[str, str]]:
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(len(arg_list))
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(url, fn, args, barrier, out)) for args in arg_list]
    for p in procs:
        p.start()
    results = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return results
