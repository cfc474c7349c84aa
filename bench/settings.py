"""The benchmark's server: the site's settings, plus a plain ModelAdmin to compare the
admin paper change list with (bench/urls.py). Only `bench_run` serves with these."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
