from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from coexist.envfile import load_env_file

load_env_file()
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coexist.settings")
application = get_wsgi_application()
