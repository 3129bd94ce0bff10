from django.contrib import admin

from curbside.web.qa import models as m
from curbside.web.service.admin_audit import AuditedAdmin


@admin.register(m.Specialty)
class SpecialtyAdmin(AuditedAdmin):
    list_display = ["name", "id"]
    search_fields = ["name"]


@admin.register(m.Doctor)
class DoctorAdmin(AuditedAdmin):
    """Verification and suspension go through the moderation workflow (the same audit actions
    as the moderation page); other fields are audited as admin changes."""

    list_display = ["name", "specialty", "hospital", "verified"]
    list_filter = ["verified", "specialty"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change):
        from curbside.web.service import workflow

        standing = {key: getattr(obj, key) for key in ("verified", "suspended")}
        if not change:
            return super().save_model(request, obj, form, change)
        stored = m.Doctor.objects.get(pk=obj.pk)
        obj.verified, obj.suspended = stored.verified, stored.suspended  # the workflow changes these
        super().save_model(request, obj, form, change)
        changed = {key: value for key, value in standing.items() if value != getattr(stored, key)}
        if changed:
            workflow.set_doctor_standing(request.user, obj.pk, **changed)
            obj.refresh_from_db()


@admin.register(m.Topic)
class TopicAdmin(AuditedAdmin):
    list_display = ["name", "specialty"]
    list_filter = ["specialty"]
    search_fields = ["name"]


class ReplyInline(admin.StackedInline):
    model = m.Reply


class ThreadTopicInline(admin.TabularInline):
    model = m.ThreadTopic
    extra = 0


@admin.register(m.Thread)
class ThreadAdmin(AuditedAdmin):
    list_display = ["title", "status", "asked_at", "excerpt"]
    list_filter = ["status", "excerpt"]
    search_fields = ["title", "body"]
    inlines = [ReplyInline, ThreadTopicInline]


@admin.register(m.Passage)
class PassageAdmin(AuditedAdmin):
    list_display = ["id", "source", "focus", "licence"]
    list_filter = ["source", "licence"]
    search_fields = ["id", "question", "focus"]


class GuideSectionInline(admin.StackedInline):
    model = m.GuideSection
    extra = 0


@admin.register(m.Guide)
class GuideAdmin(AuditedAdmin):
    list_display = ["title", "topic"]
    inlines = [GuideSectionInline]


@admin.register(m.Generated)
class GeneratedAdmin(AuditedAdmin):
    list_display = ["thread", "field", "method", "reviewed_by", "reviewed_at"]
    list_filter = ["field", "method"]
