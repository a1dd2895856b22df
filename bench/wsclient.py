"""A bare Streamlit websocket client: open a page with a query string, as a browser's first
request does, and wait for the script run to finish. Nothing is rendered, so many links cost
the server alone (the load benchmark's distinct-settings phase)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg


@dataclass
class Visit:
    seconds: float
    messages: int
    exceptions: int  # exception elements the run drew
    status: str  # how the run finished ("FINISHED_SUCCESSFULLY"), or "timeout"
    alerts: list[str] = field(default_factory=list)  # the text of every alert the run drew


async def visit(app_url: str, page_name: str, query: str, timeout: float = 120.0) -> Visit:
    """Run page `page_name` ("" for the home page) with `?query` in a new session."""
    start = time.monotonic()
    messages = exceptions = 0
    alerts: list[str] = []
    async with websockets.connect(
        app_url.replace("http://", "ws://") + "/_stcore/stream",
        subprotocols=["streamlit"],
        max_size=None,
        open_timeout=timeout,
    ) as ws:
        request = BackMsg()
        request.rerun_script.query_string = query
        request.rerun_script.page_name = page_name
        await ws.send(request.SerializeToString())
        while True:
            left = timeout - (time.monotonic() - start)
            try:
                data = await asyncio.wait_for(ws.recv(), max(left, 0.001))
            except TimeoutError:
                return Visit(time.monotonic() - start, messages, exceptions, "timeout", alerts)
            msg = ForwardMsg()
            msg.ParseFromString(data)
            messages += 1
            kind = msg.WhichOneof("type")
            element = msg.delta.new_element if kind == "delta" else None
            which = element.WhichOneof("type") if element is not None else None
            if which == "exception":
                exceptions += 1
            elif which == "alert":
                alerts.append(element.alert.body)
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status != "FINISHED_EARLY_FOR_RERUN":
                    return Visit(time.monotonic() - start, messages, exceptions, status, alerts)
