"""List pages of plain model columns, read as rows instead of model instances.

A page of 30 bots through a ModelSerializer builds 30 model instances and walks DRF's field
machinery for each attribute: most of a list request's CPU. When every field of the output
serializer is a plain column of the model (no relation, no method, no custom representation),
the page is read with `values()` and each value goes through the same serializer field's
`to_representation`, so the JSON is identical at a fraction of the cost. A field computed from
columns (a model property) counts as plain when the serializer's `Meta.row_expressions` gives the
database expression that computes it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db.models import Model, QuerySet
from rest_framework import serializers
from rest_framework.fields import Field
from rest_framework.relations import ManyRelatedField, RelatedField

Columns = dict[str, Field]


@cache
def plain_columns(serializer_class: type[serializers.BaseSerializer]) -> Columns | None:
    """The output fields by name when they are all plain columns of the model; None otherwise."""
    if not issubclass(serializer_class, serializers.ModelSerializer):
        return None
    if serializer_class.to_representation is not serializers.ModelSerializer.to_representation:
        return None
    model: type[Model] = serializer_class.Meta.model
    columns: Columns = {}
    for name, field in serializer_class().fields.items():
        if field.write_only:
            continue
        if field.source != name or isinstance(
            field, RelatedField | ManyRelatedField | serializers.BaseSerializer | serializers.SerializerMethodField
        ):
            return None
        if name in row_expressions(serializer_class):
            columns[name] = field
            continue
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if not model_field.concrete or model_field.is_relation:
            return None
        columns[name] = field
    return columns


def row_expressions(serializer_class: type[serializers.BaseSerializer]) -> dict[str, Any]:
    """The database expressions of the serializer's computed fields (`Meta.row_expressions`)."""
    meta = getattr(serializer_class, "Meta", None)
    return dict(getattr(meta, "row_expressions", {}))


def as_rows(
    queryset: QuerySet[Any], columns: Columns, *, also: tuple[str, ...] = (), expressions: dict[str, Any] | None = None
) -> QuerySet[Any]:
    """The queryset as dicts of the output columns (and `also`, e.g. what a cursor orders by);
    `expressions` compute the columns that are not the model's own."""
    if expressions:
        queryset = queryset.annotate(**expressions)
    return queryset.values(*dict.fromkeys([*columns, *also]))


#: Serializer fields whose representation of a value of exactly this type is the value itself.
_UNCHANGED: dict[Any, type] = {
    serializers.CharField.to_representation: str,
    serializers.IntegerField.to_representation: int,
    serializers.BooleanField.to_representation: bool,
    serializers.FloatField.to_representation: float,
}


def _unchanged_type(field: Field) -> type | None:
    """The type of value `field` represents as itself, if any: those values skip DRF's call."""
    if isinstance(field, serializers.JSONField):
        return None if field.binary else object
    return _UNCHANGED.get(type(field).to_representation)


def represent(rows: list[dict[str, Any]], columns: Columns) -> list[dict[str, Any]]:
    plan = [(name, field.to_representation, _unchanged_type(field)) for name, field in columns.items()]
    represented = []
    for row in rows:
        item = {}
        for name, to_representation, unchanged in plan:
            value = row[name]
            if value is None or unchanged is object or type(value) is unchanged:
                item[name] = value
            else:
                item[name] = to_representation(value)
        represented.append(item)
    return represented
