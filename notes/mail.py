"""E-mail to members, through Django's mail (the backend the settings choose).

Each e-mail is written in the member's language and time zone (their settings: the
language of e-mails, and their own zone or else the one given, a meeting's); a member
without an address, or no longer active, gets none. The templates are
``notes/email/<name>_subject.txt`` and ``notes/email/<name>.txt``; besides what they are
given they read ``user``, ``zone`` (the name of the zone times are shown in) and
``settings_url``.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import MemberSettings, zone_of


def send_to_member(user, name, context, zone):
    """E-mail the member the message ``name``; return whether one was sent."""
    if not (user.is_active and user.email):
        return False
    own = MemberSettings.of(user, guess_language=True)
    shown_in = zone_of(own.time_zone) if own.time_zone else zone
    with translation.override(own.email_language), timezone.override(shown_in):
        context = {
            "user": user,
            "zone": timezone.get_current_timezone_name(),
            "settings_url": settings.SITE_URL + reverse("notes:member_settings"),
            **context,
        }
        subject = render_to_string(f"notes/email/{name}_subject.txt", context)
        body = render_to_string(f"notes/email/{name}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [user.email])
    return True
