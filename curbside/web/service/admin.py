from django.contrib import admin

from curbside.web.service.admin_audit import AuditedAdmin, SuperuserOnlyChanges, register_account_admins
from curbside.web.service.models import Account, AuditEntry, Message, Question, Report

register_account_admins(admin.site)


@admin.register(Account)
class AccountAdmin(SuperuserOnlyChanges, AuditedAdmin):
    """The account's role decides what a person may do: only a superuser changes it."""

    list_display = ["user", "role", "email_verified_at", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__username", "user__email"]


class MessageInline(admin.TabularInline):
    model = Message
    extra = 0
    readonly_fields = ["author", "kind", "body", "created_at"]
    can_delete = False


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    """Read-only here: state changes go through the moderation pages, which write the audit log."""

    list_display = ["thread", "specialty", "state", "urgency", "created_at", "claimed_by"]
    list_filter = ["state", "specialty"]
    readonly_fields = [f.name for f in Question._meta.fields]
    inlines = [MessageInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(AuditedAdmin):
    list_display = ["thread", "reporter", "created_at", "resolved_at"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Anyone with access may read the log; nobody may add, change or delete entries."""

    list_display = ["at", "actor_name", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "actor_name"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
