"""JSON bodies, refused (400) when they carry what no field can store."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


def _check(value, depth=0):
    if depth > 20:
        raise ParseError("The JSON body is nested too deeply.")
    if isinstance(value, str):
        if "\x00" in value:
            raise ParseError("Text may not contain NUL characters.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ParseError("Text contains malformed Unicode (a lone surrogate).") from error
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, depth + 1)
            _check(item, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _check(item, depth + 1)
    elif isinstance(value, float) and value != value:  # NaN
        raise ParseError("Numbers must be finite.")


class StrictJSONParser(JSONParser):
    """DRF's JSON parser (which also enforces DATA_UPLOAD_MAX_MEMORY_SIZE), plus: no NUL
    characters and no lone surrogates in any string (PostgreSQL cannot store either), and
    bounded nesting."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:  # the decoder recursed past Python's limit
            raise ParseError("The JSON body is nested too deeply.") from error
        _check(data)
        return data
