from django.core.serializers import python as base

from . import DanglingReferences

Deserializer = base.Deserializer


class Serializer(DanglingReferences, base.Serializer):
    pass
