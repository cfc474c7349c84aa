import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# The site's requests run under the database's statement timeout (config/settings.py).
os.environ.setdefault("DJANGO_SERVING", "1")

application = get_wsgi_application()
