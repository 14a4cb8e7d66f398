import logging

from members.logging import MaskIDNumbersFilter


def test_full_id_numbers_never_reach_a_log_line(caplog):
    logger = logging.getLogger("tests.masking")
    logger.addFilter(MaskIDNumbersFilter())
    with caplog.at_level(logging.INFO, logger="tests.masking"):
        logger.info("member %s applied, card %s", "11010519491231002X", "3100000001")
    assert caplog.messages == ["member 110105********002X applied, card 3100000001"]
