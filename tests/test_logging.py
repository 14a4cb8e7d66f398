import io
import logging

from django.conf import settings

from members.logging import MaskIDNumbersFilter


def test_full_id_numbers_never_reach_a_log_line(caplog):
    logger = logging.getLogger("tests.masking")
    logger.addFilter(MaskIDNumbersFilter())
    with caplog.at_level(logging.INFO, logger="tests.masking"):
        logger.info("member %s applied, card %s", "11010519491231002X", "3100000001")
    assert caplog.messages == ["member 110105********002X applied, card 3100000001"]


def handler_like_settings() -> tuple[logging.Logger, io.StringIO]:
    """A logger writing through a handler configured as settings.LOGGING's console handler."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]))
    handler.addFilter(MaskIDNumbersFilter())
    logger = logging.getLogger("tests.masking.handler")
    logger.handlers, logger.propagate, logger.level = [handler], False, logging.INFO
    return logger, stream


def test_an_exception_logged_with_an_id_number_is_masked_in_the_traceback():
    logger, stream = handler_like_settings()
    try:
        raise ValueError("no member with ID 11010519491231002X")
    except ValueError:
        logger.exception("lookup failed")
    text = stream.getvalue()
    assert (
        "lookup failed" in text and "Traceback" in text and "ValueError: no member with ID 110105********002X" in text
    )
    assert "11010519491231002X" not in text


def test_a_logged_stack_is_masked():
    logger, stream = handler_like_settings()

    def lookup(id_number):
        logger.info("looking up", stack_info=True)

    lookup("11010519491231002X")
    assert "Stack (most recent call last)" in stream.getvalue()
    lookup_line = 'lookup("11010519491231002X")'
    assert lookup_line.replace("11010519491231002X", "110105********002X") in stream.getvalue()
    assert "11010519491231002X" not in stream.getvalue()
