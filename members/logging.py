"""A logging filter so a full national ID number never reaches a log line — neither in the
message nor in the traceback of an exception logged with it, nor in a logged stack."""

import logging
import re

from .identity import mask_id_number

_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9Xx])")
_FORMATTER = logging.Formatter()


def mask_id_numbers_in(text: str) -> str:
    return _ID_IN_TEXT.sub(lambda m: mask_id_number(m.group(0)), text)


class MaskIDNumbersFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_id_numbers_in(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:
            # Formatted here, as logging.Formatter would, then masked; exc_info is cleared so no
            # handler formats the unmasked exception again (they all use exc_text when it is set).
            if not record.exc_text:
                record.exc_text = _FORMATTER.formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = mask_id_numbers_in(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_id_numbers_in(record.stack_info)
        return True
