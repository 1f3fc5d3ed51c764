"""Logs: JSON lines in production, each line of a request carrying its id."""

import json

import pytest
import structlog

from service.logging import configure_logging


def test_production_logs_are_json_lines_with_the_bound_request_id(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("production", "INFO")
    structlog.contextvars.bind_contextvars(request_id="r-42")
    try:
        structlog.get_logger().info("submission_received", rows=3)
    finally:
        structlog.contextvars.clear_contextvars()
    line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert line["event"] == "submission_received" and line["request_id"] == "r-42" and line["rows"] == 3
    assert line["level"] == "info" and "timestamp" in line


def test_debug_lines_are_filtered_at_info_level(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("production", "INFO")
    structlog.get_logger().debug("noise")
    assert capsys.readouterr().err == ""
