"""JSON bodies, refused (400) when they carry what no field can store; and, for the two open
POSTs, JSON sent as text/plain."""

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

    not_json = None  # what to say of a body that is not JSON (None: DRF's decoder message)

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:  # the decoder recursed past Python's limit
            raise ParseError("The JSON body is nested too deeply.") from error
        except ParseError as error:  # DRF's parser raises it only when the body is not JSON
            if self.not_json is None:
                raise
            raise ParseError(self.not_json) from error
        _check(data)
        return data


NOT_JSON_TEXT = (
    "A text/plain body is read as JSON, and this one is not JSON: send a JSON object such as "
    '{"text": "..."}, preferably with "Content-Type: application/json".'
)


class PlainTextJSONParser(StrictJSONParser):
    """A text/plain body holding JSON, read as JSON. fetch() with a string body sends
    text/plain, and a cross-origin POST of that type is a CORS "simple" request (no
    preflight), so a web page or extension can call the copy checker and check requests
    without setting a type. Only those two operations take it (views: OPEN_POST_PARSERS);
    other writes stay application/json. Text that is not JSON is a 400 that says to send
    JSON; the checks on JSON strings are the same as for application/json."""

    media_type = "text/plain"
    not_json = NOT_JSON_TEXT
