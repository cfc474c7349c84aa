from django.core.serializers import pyyaml as base

from . import DanglingReferences

Deserializer = base.Deserializer


class Serializer(DanglingReferences, base.Serializer):
    pass
