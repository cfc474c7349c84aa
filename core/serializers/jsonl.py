from django.core.serializers import jsonl as base

from . import DanglingReferences

Deserializer = base.Deserializer


class Serializer(DanglingReferences, base.Serializer):
    pass
