from django.contrib import admin

from curbside.web.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Operators can see who holds tokens and revoke one; only issue_token() creates them,
    because the raw token must be shown to its owner once and never stored."""

    list_display = ["name", "user", "created_at", "last_used_at", "revoked"]
    list_filter = ["revoked"]
    search_fields = ["name", "user__username"]
    fields = ["user", "name", "created_at", "last_used_at", "revoked"]
    readonly_fields = ["user", "name", "created_at", "last_used_at"]

    def has_add_permission(self, request):
        return False
