"""Content negotiation. The API answers JSON only (and, with DEBUG, the browsable API to a
browser that asks for HTML): an Accept that allows neither (`application/xml`, `text/csv`)
is a 406 in the JSON error shape, rather than JSON the client said it cannot read. No
Accept (or an empty one), `*/*` and a browser's usual list are served JSON.

The OpenAPI description's address also takes `?format=json` or `?format=yaml`, as schema
generators that fetch a URL expect (its default is YAML)."""

from rest_framework.exceptions import NotAcceptable
from rest_framework.negotiation import DefaultContentNegotiation

NOT_ACCEPTABLE = 'This API answers only JSON: send "Accept: application/json", or no Accept header.'


class JSONNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable as error:
            if not request.META.get("HTTP_ACCEPT", "").strip():  # an empty Accept: no wish
                return renderers[0], renderers[0].media_type
            raise NotAcceptable(NOT_ACCEPTABLE) from error


class SchemaNegotiation(DefaultContentNegotiation):
    def select_renderer(self, request, renderers, format_suffix=None):
        chosen = format_suffix or request.query_params.get("format")
        return super().select_renderer(request, renderers, chosen)
