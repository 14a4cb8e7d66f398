from django.contrib import admin

from jiading_union.admin import DistrictManagedAdmin

from . import services
from .models import ReferenceValue


@admin.register(ReferenceValue)
class ReferenceValueAdmin(DistrictManagedAdmin):
    list_display = ("series", "effective_from", "amount", "source")
    list_filter = ("series",)
    ordering = ("series", "effective_from")

    def save_model(self, request, obj, form, change):
        saved = services.reference_value_set(series=obj.series, effective_from=obj.effective_from,
                                             amount=obj.amount, source=obj.source)
        obj.pk = saved.pk
