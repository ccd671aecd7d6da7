"""The API's JSON parser: DRF's, with every unreadable body a 400 in the caller's language.

DRF's parser answers a body that does not parse with the decoder's English text, and a body
nested deeper than Python's recursion limit (a few kilobytes of ``[``) raises
``RecursionError``, which would be a server error. The charset check (only text encodings) is
DRF's ``get_encoding``.
"""

import codecs
import json

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as DRFJSONParser
from rest_framework.parsers import get_encoding
from rest_framework.utils import json as drf_json


class JSONParser(DRFJSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            encoding = get_encoding(parser_context or {})
        except ParseError as exc:
            raise ParseError(
                _("The Content-Type header names a character set the API does not read.")
            ) from exc
        try:
            decoded_stream = codecs.getreader(encoding)(stream)
            parse_constant = drf_json.strict_constant if self.strict else None
            return drf_json.load(decoded_stream, parse_constant=parse_constant)
        except json.JSONDecodeError as exc:
            raise ParseError(
                _("The body is not valid JSON (line %(line)s, column %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The body is not valid %(encoding)s text.") % {"encoding": encoding}
            ) from exc
        except (ValueError, RecursionError) as exc:
            # ValueError: a constant JSON does not have (NaN, Infinity) when strict.
            raise ParseError(_("The body is not valid JSON.")) from exc
