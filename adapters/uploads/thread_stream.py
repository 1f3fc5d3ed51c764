"""Run a blocking iterator in a worker thread and consume it asynchronously, with backpressure."""

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


async def iterate_in_thread(make_iterator: Callable[[], Iterator[T]], buffered: int = 1) -> AsyncIterator[T]:
    """Items of `make_iterator()` produced in a thread; at most `buffered` wait in memory.

    Exceptions of the iterator are re-raised here; leaving the loop early stops the thread.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=buffered)
    stopped = threading.Event()

    def put(item: object) -> None:
        while not stopped.is_set():
            future = asyncio.run_coroutine_threadsafe(queue.put(item), loop)
            try:
                future.result(timeout=0.5)
                return
            except TimeoutError:
                if not future.cancel():  # it was put meanwhile
                    return

    def produce() -> None:
        try:
            for item in make_iterator():
                if stopped.is_set():
                    return
                put(item)
        except BaseException as error:  # handed over to the consumer
            put(error)
        else:
            put(_DONE)

    worker = threading.Thread(target=produce, name="upload-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = await queue.get()
            if item is _DONE:
                return
            if isinstance(item, BaseException):
                raise item
            yield item  # type: ignore[misc]
    finally:
        stopped.set()
        while not queue.empty():
            queue.get_nowait()
