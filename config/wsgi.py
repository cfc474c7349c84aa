import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The site's requests run under the database's statement timeout (config/settings.py).
os.environ.setdefault("DJANGO_SERVING", "1")

application = get_wsgi_application()

# A setting that is none stops the worker here, with its message (core/checks.py).
from core.checks import refuse_to_serve_on_error  # noqa: E402  (after Django is set up)

refuse_to_serve_on_error()

# What was made while starting (Django, the apps, their modules: ~170k objects) lives as
# long as the worker: out of the cyclic collector's sight, a full collection walks only
# what requests made. Without this, a full collection (one in ~40 views of the admin's
# change list, measured in-process) walked them all: 0.1-0.3 s of the request it fell in.
gc.freeze()
