"""Django admin for organisations, teams and users.

A superuser sees everything. An organisation's own administrator (a membership with
role `admin` and `is_staff`) sees and edits only their organisation: its teams, the
users who are members there, and the memberships in it.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from losen.accounts.models import Membership, Organisation, Team, User
from losen.accounts.scope import scope_of
from losen.audit.actions import do_log_change


def _admin_orgs(request) -> frozenset[int] | None:
    """None for a superuser (everything), else the organisations the user administers."""
    if request.user.is_superuser:
        return None
    return scope_of(request.user).admin_org_ids


def _limit_choices(db_field, request, kwargs) -> None:
    """Offer an organisation's administrator only their own organisations and teams."""
    orgs = _admin_orgs(request)
    if orgs is None:
        return
    if db_field.name == "organisation":
        kwargs["queryset"] = Organisation.objects.filter(pk__in=orgs)
    elif db_field.name == "team":
        kwargs["queryset"] = Team.objects.filter(organisation__in=orgs)


def _organisation_id(obj) -> int | None:
    if isinstance(obj, Organisation):
        return obj.pk
    return getattr(obj, "organisation_id", None)


class OrganisationScopedAdmin(admin.ModelAdmin):
    organisation_path = "organisation"

    def _filter(self, request, queryset):
        orgs = _admin_orgs(request)
        if orgs is None:
            return queryset
        return queryset.filter(**{f"{self.organisation_path}__in": orgs}).distinct()

    def get_queryset(self, request):
        return self._filter(request, super().get_queryset(request))

    def has_module_permission(self, request):
        return (
            request.user.is_active
            and request.user.is_staff
            and (request.user.is_superuser or bool(scope_of(request.user).admin_org_ids))
        )

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request) and self._owns(request, obj)

    def has_change_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        do_log_change(
            request.user,
            action=f"{obj._meta.model_name}.{'updated' if change else 'created'}",
            obj=obj,
            organisation_id=_organisation_id(obj),
            changed_fields=[name for name in form.changed_data if "password" not in name],
        )

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            do_log_change(
                request.user,
                action=f"{obj._meta.model_name}.created",
                obj=obj,
                organisation_id=_organisation_id(obj),
                changed_fields=["role"],
            )
        for obj, fields in formset.changed_objects:
            do_log_change(
                request.user,
                action=f"{obj._meta.model_name}.updated",
                obj=obj,
                organisation_id=_organisation_id(obj),
                changed_fields=fields,
            )
        for obj in formset.deleted_objects:
            do_log_change(
                request.user,
                action=f"{obj._meta.model_name}.deleted",
                obj=obj,
                organisation_id=_organisation_id(obj),
            )

    def delete_model(self, request, obj):
        organisation_id, pk = _organisation_id(obj), obj.pk
        super().delete_model(request, obj)
        obj.pk = pk
        do_log_change(
            request.user,
            action=f"{obj._meta.model_name}.deleted",
            obj=obj,
            organisation_id=organisation_id,
        )

    def _owns(self, request, obj) -> bool:
        orgs = _admin_orgs(request)
        if orgs is None or obj is None:
            return True
        return self._filter(request, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdmin):
    organisation_path = "pk"
    list_display = ["name", "kind", "country", "org_number"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "org_number"]

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(Team)
class TeamAdmin(OrganisationScopedAdmin):
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    search_fields = ["name"]


class MembershipInline(admin.StackedInline):
    # Stacked, not tabular: a tabular inline leaves its fields without labels (WCAG 1.3.1).
    model = Membership
    extra = 1
    fields = ["organisation", "team", "role"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        orgs = _admin_orgs(request)
        return queryset if orgs is None else queryset.filter(organisation__in=orgs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return True

    def has_delete_permission(self, request, obj=None):
        return True

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdmin):
    list_display = ["user", "organisation", "team", "role"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, DjangoUserAdmin):
    organisation_path = "memberships__organisation"
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name",)}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return self.superuser_fieldsets if request.user.is_superuser else self.fieldsets

    def _filter(self, request, queryset):
        orgs = _admin_orgs(request)
        if orgs is None:
            return queryset
        # A user without memberships yet (just created by this administrator) has no
        # organisation; only superusers see those, apart from the one being created.
        return queryset.filter(Q(memberships__organisation__in=orgs)).distinct()

    def has_add_permission(self, request):
        return self.has_module_permission(request)


admin.site.site_header = _("Losen administration")
admin.site.site_title = _("Losen administration")
admin.site.index_title = _("Organisations, teams and users")
