"""Uploaded images in a private S3-compatible bucket, which several app servers share.

Students reach an image only through Coexist's own /media/ view (`coexist.views.media`),
as they do when images are in MEDIA_ROOT: signed in, from the site's own origin (the
Content-Security-Policy allows images from no other), as one of the two types uploads are
re-encoded to, and never kept by a shared computer's browser. So the bucket stays private,
no address of it is ever handed out (not even a signed one, which would work for anyone
who had it until it expired), and `url()` names the view.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urljoin

from botocore.exceptions import ClientError
from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class PrivateS3Storage(S3Storage):
    def url(self, name: str, parameters=None, expire=None, http_method=None) -> str:
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name).lstrip("/"))

    def get_modified_time(self, name: str) -> datetime:
        """Raises FileNotFoundError for a missing file, as FileSystemStorage does.

        django-storages lets botocore's 404 through here, which the media view would
        turn into a server error instead of "not found".
        """
        try:
            return super().get_modified_time(name)
        except ClientError as error:
            if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
                raise FileNotFoundError(f"No such file in storage: {name}") from None
            raise
