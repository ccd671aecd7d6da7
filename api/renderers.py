"""The API's JSON renderer: DRF's, safe for error messages that quote what a client sent.

A message such as '"x\\ud800y" is not a valid choice.' holds the lone surrogate the client's
JSON carried (``"\\ud800"`` is valid JSON); UTF-8 cannot encode it, so DRF's renderer would
fail and the refusal would become a server error. Stored text never holds one (the
serializers refuse them), so only such echoes are touched: each lone surrogate becomes U+FFFD.
"""

from rest_framework import renderers

from customers.input_safety import replace_lone_surrogates


def _without_surrogates(data):
    if isinstance(data, str):
        return replace_lone_surrogates(data)
    if isinstance(data, dict):
        return {_without_surrogates(k): _without_surrogates(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [_without_surrogates(v) for v in data]
    return data


class JSONRenderer(renderers.JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        try:
            return super().render(data, accepted_media_type, renderer_context)
        except UnicodeEncodeError:
            return super().render(_without_surrogates(data), accepted_media_type, renderer_context)
