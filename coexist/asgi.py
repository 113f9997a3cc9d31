from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

from coexist.envfile import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coexist.settings")
application = get_asgi_application()
