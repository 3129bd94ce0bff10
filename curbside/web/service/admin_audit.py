"""The admin under the same rules as the service pages.

Two rules, because the admin is a back door unless it follows them:

- **Roles and permissions are not changed here except by a superuser.** A moderator may look
  at accounts, but the user, account and group pages are read-only for anyone who is not a
  superuser: "Superuser status", "Staff status", groups, permissions, the account's role and
  the password form would each let a moderator make themselves (or anyone) more powerful.
- **Every change made here is in the audit log**, with who, what, before and after, like a
  change made on the service pages. A doctor's verification or suspension goes through the
  same workflow function as the moderation page, so it is the same audit action.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.forms.models import model_to_dict

SECRET_FIELDS = {"password", "token_hash", "licence_number"}


def admin_state(obj) -> dict:
    """The plain fields of a row, as text; secrets are marked as present, never copied."""
    state = {}
    for key, value in model_to_dict(obj).items():
        if key in SECRET_FIELDS:
            state[key] = "(set)" if value else ""
        elif isinstance(value, (list, tuple)):
            state[key] = sorted(str(getattr(v, "pk", v)) for v in value)
        else:
            state[key] = value if isinstance(value, (bool, int, float, type(None))) else str(value)
    return state


def write_audit(actor, action: str, obj, before: dict | None, after: dict | None) -> None:
    from curbside.web.service.workflow import audit

    audit(actor, action, obj, before, after)


class AuditedAdmin(admin.ModelAdmin):
    """A ModelAdmin whose adds, changes and deletions are audited as admin.added/changed/deleted."""

    def save_model(self, request, obj, form, change):
        before = admin_state(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        request._audit_pending = (obj, "admin.changed" if change else "admin.added", before)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(request, "_audit_pending", None)
        if pending:  # after the many-to-many fields are saved, so "after" is complete
            obj, action, before = pending
            after = admin_state(obj)
            if before != after:
                write_audit(request.user, action, obj, before, after)
            request._audit_pending = None

    def save_formset(self, request, form, formset, change):
        """Inline rows (a thread's reply, a guide's sections) are audited one by one."""
        model = formset.model
        before = {f.instance.pk: admin_state(model.objects.get(pk=f.instance.pk))
                  for f in formset.forms if f.instance.pk and f.has_changed()}
        deleted = [(f.instance, admin_state(f.instance)) for f in formset.deleted_forms if f.instance.pk]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            write_audit(request.user, "admin.added", obj, None, admin_state(obj))
        for obj, _ in formset.changed_objects:
            write_audit(request.user, "admin.changed", obj, before.get(obj.pk), admin_state(obj))
        for obj, state in deleted:
            write_audit(request.user, "admin.deleted", obj, state, None)

    def delete_model(self, request, obj):
        before = admin_state(obj)
        super().delete_model(request, obj)
        write_audit(request.user, "admin.deleted", obj, before, None)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class SuperuserOnlyChanges:
    """Read-only for everyone but superusers."""

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class AuditedUserAdmin(SuperuserOnlyChanges, AuditedAdmin, UserAdmin):
    """Accounts: a moderator may read them; only a superuser changes them, and it is audited."""

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or request.user.has_perm("auth.view_user")


class AuditedGroupAdmin(SuperuserOnlyChanges, AuditedAdmin, GroupAdmin):
    pass


def register_account_admins(site: admin.AdminSite) -> None:
    """Replace Django's own user and group admins by the audited, superuser-only ones."""
    for model in (User, Group):
        if site.is_registered(model):
            site.unregister(model)
    site.register(User, AuditedUserAdmin)
    site.register(Group, AuditedGroupAdmin)
