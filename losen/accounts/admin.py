"""Django admin for organisations, teams and users.

A superuser sees everything. An organisation's own administrator (a membership with
role `admin` and `is_staff`) sees and edits only their organisation: its teams, the
memberships in it, and the user accounts they manage (`users_managed_by`: users whose
every membership is in their organisation). A user who also works elsewhere is managed
by the superuser; the organisation's administrator changes only that user's memberships
in their own organisation, through the memberships' pages.

Changes to users and memberships go through `losen.accounts.actions`, which writes
Losen's change log; the user's page and every history page show that log (an
organisation's administrator sees the rows of their own organisations only, never
Django's admin log, whose messages name other organisations' teams and people).
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as LoginLog
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.admin import csrf_protect_m, sensitive_post_parameters_m
from django.contrib.auth.models import Group
from django.core.exceptions import FieldDoesNotExist
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from losen.accounts.actions import (
    do_add_membership,
    do_change_membership,
    do_change_user,
    do_create_user,
    do_remove_membership,
    do_set_user_password,
)
from losen.accounts.models import Membership, Organisation, Team, User
from losen.accounts.scope import scope_of, users_managed_by
from losen.audit.actions import do_log_change
from losen.audit.queries import change_log_of_object


def _admin_orgs(request) -> frozenset[int] | None:
    """None for a superuser (everything), else the organisations the user administers."""
    if request.user.is_superuser:
        return None
    return scope_of(request.user).admin_org_ids


def _limit_choices(db_field, request, kwargs) -> None:
    """Offer an organisation's administrator only their own organisations, teams and users.

    The queryset is what the form validates against, so an id typed into the form (or
    an autocomplete answer tampered with) outside these is refused on the server.
    """
    orgs = _admin_orgs(request)
    if orgs is None:
        return
    if db_field.name == "organisation":
        kwargs["queryset"] = Organisation.objects.filter(pk__in=orgs)
    elif db_field.name == "team":
        kwargs["queryset"] = Team.objects.filter(organisation__in=orgs)
    elif db_field.related_model is User:
        kwargs["queryset"] = users_managed_by(request.user)


# What each change log action is called on a history page, by the end of its name.
_ACTION_LABELS = {
    "created": pgettext_lazy("change log", "Created"),
    "updated": pgettext_lazy("change log", "Changed"),
    "deleted": pgettext_lazy("change log", "Deleted"),
    "password_set": _("Password set"),
    "membership_added": _("Membership added"),
    "membership_changed": _("Membership changed"),
    "membership_removed": _("Membership removed"),
}


def _field_label(models: tuple, name: str) -> str:
    for model in models:
        try:
            return str(model._meta.get_field(name).verbose_name)
        except FieldDoesNotExist:
            continue
    return name


def change_rows(request, obj) -> list[dict]:
    """Losen's change log of `obj` as the administrator may read it: when, who, what.

    A membership's changes are logged on its user; its history is the user's membership
    changes in its organisation.
    """
    orgs = _admin_orgs(request)
    if isinstance(obj, Membership):
        rows = change_log_of_object(obj.user, organisation_ids=orgs).filter(
            organisation_id=obj.organisation_id, action__startswith="user.membership_"
        )
    else:
        rows = change_log_of_object(obj, organisation_ids=orgs)
    models = (User, Membership) if isinstance(obj, User | Membership) else (type(obj),)
    return [
        {
            "at": row.at,
            "actor": row.actor_label,
            "action": _ACTION_LABELS.get(row.action.split(".", 1)[-1], row.action),
            "fields": [_field_label(models, name) for name in row.changed_fields],
        }
        for row in rows
    ]


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

    def delete_queryset(self, request, queryset):
        # "Delete selected" would otherwise delete in one query and log nothing.
        for obj in queryset:
            self.delete_model(request, obj)

    def history_view(self, request, object_id, extra_context=None):
        """For an organisation's administrator, Losen's change log in place of Django's.

        Django's admin log is kept for every organisation together; its messages name
        the objects of an inline (a membership elsewhere, with its team's name) and its
        authors by e-mail address.
        """
        response = super().history_view(request, object_id, extra_context)
        if _admin_orgs(request) is None or not isinstance(response, TemplateResponse):
            return response
        response.template_name = "admin/accounts/change_history.html"
        assert response.context_data is not None
        response.context_data.update(
            action_list=[],
            pagination_required=False,
            changes=change_rows(request, response.context_data["object"]),
        )
        return response

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
    list_display = ["name", "kind", "country", "org_number", "default_language"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "org_number"]

    def has_add_permission(self, request):
        return request.user.is_superuser


@admin.register(Team)
class TeamAdmin(OrganisationScopedAdmin):
    list_display = ["name", "organisation", "phone"]
    # Only the organisations in the list: the plain filter would name every organisation.
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
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

    def get_formset(self, request, obj=None, **kwargs):
        if obj is None and _admin_orgs(request) is not None:
            # A user an organisation's administrator creates starts in their organisation,
            # so that they manage the account they made (and see it after saving).
            kwargs.update(min_num=1, validate_min=True, extra=0)
        return super().get_formset(request, obj, **kwargs)

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
    list_filter = ["role", ("organisation", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__email", "user__full_name"]
    autocomplete_fields = ["user"]

    def get_readonly_fields(self, request, obj=None):
        # A membership stays with its user: moving it to someone else is removing one
        # and adding another, and the user may be one the administrator does not manage.
        return ["user"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return self.has_view_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            do_change_membership(request.user, obj, fields=form.changed_data)
        else:
            do_add_membership(request.user, obj)

    def delete_model(self, request, obj):
        do_remove_membership(request.user, obj)


@admin.register(User)
class UserAdmin(OrganisationScopedAdmin, DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["email", "full_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language")}),
        (_("Access"), {"fields": ("is_active", "is_staff")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    superuser_fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Person"), {"fields": ("full_name", "language")}),
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
        if _admin_orgs(request) is None:
            return queryset
        return queryset.filter(pk__in=users_managed_by(request.user).values("pk"))

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        if user is not None and self.has_view_permission(request, user):
            extra_context = {**(extra_context or {}), "changes": change_rows(request, user)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            do_change_user(request.user, obj, fields=form.changed_data)
        # A new user is saved in `save_related`, together with their first memberships.

    def save_related(self, request, form, formsets, change):
        if change:
            super().save_related(request, form, formsets, change)
            return
        memberships = [m for formset in formsets for m in formset.save(commit=False)]
        do_create_user(
            request.user, form.instance, fields=form.changed_data, memberships=memberships
        )

    def save_formset(self, request, form, formset, change):
        for membership in formset.save(commit=False):
            if membership.pk is None:
                do_add_membership(request.user, membership)
        for membership, fields in formset.changed_objects:
            do_change_membership(request.user, membership, fields=fields)
        for membership in formset.deleted_objects:
            do_remove_membership(request.user, membership)

    @sensitive_post_parameters_m
    @csrf_protect_m
    def user_change_password(self, request, id, form_url=""):
        """Django's page; a valid new password is saved by `do_set_user_password`.

        `get_object` answers only for users this administrator manages, so another
        organisation's user is "not found", as on every other page.
        """
        user = self.get_object(request, unquote(id))
        if (
            request.method != "POST"
            or user is None
            or not self.has_change_permission(request, user)
        ):
            return super().user_change_password(request, id, form_url)
        form = self.change_password_form(user, request.POST)
        if not form.is_valid():
            return super().user_change_password(request, id, form_url)
        usable = form.cleaned_data["set_usable_password"]
        if not usable and "unset-password" not in request.POST:
            return super().user_change_password(request, id, form_url)
        do_set_user_password(request.user, user, form.cleaned_data["password1"] if usable else None)
        self.log_change(request, user, self.construct_change_message(request, form, None))
        if usable:
            messages.success(request, gettext("Password changed successfully."))
        else:
            messages.success(request, gettext("Password-based authentication was disabled."))
        update_session_auth_hash(request, user)
        return HttpResponseRedirect(reverse("admin:accounts_user_change", args=[user.pk]))


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Django's groups and axes' log-in records: no organisation's, so the superuser's only.

    Losen's roles are memberships; a Django permission given to an organisation's
    administrator must not open every organisation's log-in attempts or groups.
    """

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)


# Django stores a permission's name in English when it migrates ("Can add team"): the
# group page names it from its code and its model, in the user's language.
_PERMISSION_ACTIONS = {
    "add": _("Can add %(model)s"),
    "change": _("Can change %(model)s"),
    "delete": _("Can delete %(model)s"),
    "view": _("Can view %(model)s"),
}


def permission_label(permission) -> str:
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if (
        model is None
        or action not in _PERMISSION_ACTIONS
        or permission.codename != f"{action}_{model._meta.model_name}"
    ):
        return str(permission)
    opts = model._meta
    name = _PERMISSION_ACTIONS[action] % {"model": opts.verbose_name}
    return f"{opts.app_config.verbose_name} | {opts.verbose_name} | {name}"


class GroupAdmin(SuperuserOnlyAdmin, DjangoGroupAdmin):
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name == "permissions" and field is not None:
            field.label_from_instance = permission_label
        return field


class LoginAttemptAdmin(SuperuserOnlyAdmin, AccessAttemptAdmin):
    pass


class LoginLogAdmin(SuperuserOnlyAdmin, AccessLogAdmin):
    pass


class LoginFailureAdmin(SuperuserOnlyAdmin, AccessFailureLogAdmin):
    pass


for _model, _model_admin in (
    (Group, GroupAdmin),
    (AccessAttempt, LoginAttemptAdmin),
    (LoginLog, LoginLogAdmin),
    (AccessFailureLog, LoginFailureAdmin),
):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, _model_admin)


admin.site.site_header = _("Losen administration")
admin.site.site_title = _("Losen administration")
admin.site.index_title = _("Organisations, teams and users")
