"""What the media view serves: the two types uploads are re-encoded to, and no other.

`sources.images` writes only these; `coexist.views.media` serves only these, each with
its own Content-Type, so a stray file in MEDIA_ROOT can never reach a browser as a page
or a script.
"""

from __future__ import annotations

SERVED_TYPES = {"jpg": "image/jpeg", "png": "image/png"}
