"""A logging filter so a full national ID number never reaches a log line."""

import logging
import re

from .identity import mask_id_number

_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")


class MaskIDNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
